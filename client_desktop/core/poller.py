"""Pacing of the pull loop: once a second with a random phase (so a thousand clients started
together do not hit the server in the same millisecond) and a little per-tick jitter; on network
loss an exponential backoff with jitter (1 s, 2 s, 4 s … 30 s), reset by the first success.

Pure (no I/O, no sleeping): the worker asks :meth:`Pacer.next_delay` how long to wait.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

INTERVAL_S = 1.0
JITTER = 0.1  # ± 10 % per tick
BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 30.0


@dataclass
class Pacer:
    """When to pull next. ``failures`` counts consecutive network failures."""

    interval_s: float = INTERVAL_S
    jitter: float = JITTER
    backoff_start_s: float = BACKOFF_START_S
    backoff_max_s: float = BACKOFF_MAX_S
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def first_delay(self) -> float:
        """A random phase in ``[0, interval)``."""
        return self.rng.uniform(0.0, self.interval_s)

    def next_delay(self) -> float:
        """After a successful pull: one interval ± jitter."""
        self.failures = 0
        return self.interval_s * (1.0 + self.rng.uniform(-self.jitter, self.jitter))

    def failed(self) -> float:
        """After a network failure: the backoff before the next try (grows, capped, jittered)."""
        self.failures += 1
        base = min(self.backoff_max_s, self.backoff_start_s * 2 ** (self.failures - 1))
        return base * (1.0 + self.rng.uniform(0.0, self.jitter))

    @property
    def down(self) -> bool:
        return self.failures > 0
