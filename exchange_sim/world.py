"""The simulator's whole state: one ``World`` per app instance (a test may run several).

Venue modules keep their own state objects on the world (``world.venues[name]``) and register their
routes through ``exchange_sim.app``; shared pieces are the market prices, the fault registry, the
clock and one lock. The clock is injectable so signing tests can pin it.

Threading: the app runs on one event loop, but tests may touch the world from their own thread
(``world.market.set_price``). Every state change that matters (order matching, balance moves,
price listeners) runs under ``world.lock``; events for WebSocket clients cross into the loop with
``call_soon_threadsafe`` (see ``exchange_sim.events``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from exchange_sim.faults import Faults
from exchange_sim.market import Market

# A WebSocket handler for a listen key: ``await handler(websocket)`` serves the whole connection.
ListenKeyHandler = Callable[[Any], Awaitable[None]]


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class World:
    """Everything the simulator knows: market, faults, clock, and each venue's own state.

    ``walk_interval_ms`` > 0 makes the app move every price one seeded random step per interval
    (``runsim`` uses it; tests keep prices still unless they move them).
    ``listen_keys`` maps a listen key to the venue handler that serves ``/ws/<listenKey>``, so
    spot (legacy) and futures user streams share the one ``/ws/`` path with the market streams.
    ``reset_hooks`` run on ``POST /sim/reset`` (each venue clears its per-test state there).
    """

    market: Market = field(default_factory=Market)
    faults: Faults = field(default_factory=Faults)
    clock_ms: Callable[[], int] = wall_clock_ms
    venues: dict[str, Any] = field(default_factory=dict)
    walk_interval_ms: int = 0
    listen_keys: dict[str, ListenKeyHandler] = field(default_factory=dict)
    reset_hooks: list[Callable[[], None]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _next_id: int = 100_000

    def next_id(self) -> int:
        """A world-wide increasing id (order ids, trade ids, algo ids)."""
        with self.lock:
            self._next_id += 1
            return self._next_id

    def reset(self) -> None:
        """Per-test reset: faults, clock, prices; accounts stay (tests use unique names)."""
        self.faults.clear()
        self.clock_ms = wall_clock_ms
        self.market.reset()
        for hook in list(self.reset_hooks):
            hook()
