"""``calibration_s``: how fast this machine is at this moment, for every benchmark's JSON.

The same fixed pure-Python loop for every benchmark, so figures taken at different moments (the
machine's speed drifts up to 3× between hours) or by different benchmarks can be compared.
"""

from __future__ import annotations

import time


def calibration_s() -> float:
    """Seconds for 2 M iterations of ``total += i % 7`` (≈0.1 s on this project's idle VM)."""
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return round(time.perf_counter() - started, 4)
