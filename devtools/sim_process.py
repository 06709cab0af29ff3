"""The exchange simulator in its own process for a benchmark: started, awaited, stopped by PID.

One place for what the benchmarks each wrote before: start ``python -m exchange_sim.serve`` (or a
benchmark's own simulator module) on a loopback port, wait until ``/sim/health`` answers, and
refuse a port another process already answers on (our child then exits at once).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence

import httpx

START_TIMEOUT_S = 30.0


def sim_argv(port: int) -> list[str]:
    """The plain simulator on ``port``: no price walk, warning-level logs (``exchange_sim.serve``)."""
    return [sys.executable, "-m", "exchange_sim.serve", "--port", str(port)]


def start_sim(
    port: int, argv: Sequence[str] | None = None, timeout_s: float = START_TIMEOUT_S
) -> subprocess.Popen[bytes]:
    """The simulator (``argv``, by default ``sim_argv(port)``) in its own process session, once it
    answers on ``port``; stopped again if it does not."""
    command = list(argv) if argv is not None else sim_argv(port)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, timeout_s)
    except BaseException:
        stop_sim(proc)
        raise
    return proc


def wait_healthy(
    url: str, proc: subprocess.Popen[bytes] | None = None, timeout_s: float = START_TIMEOUT_S
) -> None:
    """Return once ``url/sim/health`` answers 200; raise if ``proc`` exits first (the port is taken
    by another process) or nothing answers within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the simulator process exited before {url} answered (port in use?)")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/sim/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the simulator did not answer on {url}")


def stop_sim(proc: subprocess.Popen[bytes]) -> None:
    """Stop our simulator by its PID: SIGTERM, then SIGKILL after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running_sim(port: int, argv: Sequence[str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """``start_sim`` for the duration of a ``with`` block."""
    proc = start_sim(port, argv)
    try:
        yield proc
    finally:
        stop_sim(proc)
