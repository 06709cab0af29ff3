"""Runs the stream process's jobs in one asyncio loop.

Each job runs in its own task. A job that crashes (or returns before stop) is logged and restarted
with exponential backoff, so one broken venue does not take the others down; the backoff resets
once a run stayed up for ``healthy_after_s``. SIGTERM / SIGINT set the shared stop event; jobs get
``grace_s`` to return, then the stragglers are cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from trading.streams.registry import Job, JobFn, JobNotFound

log = logging.getLogger("fleet.streams")


@dataclass(frozen=True)
class RestartPolicy:
    """How a crashed job is restarted."""

    base_delay: float = 1.0
    max_delay: float = 60.0
    healthy_after_s: float = 60.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** max(0, failures - 1)))


def resolve_jobs(jobs: list[Job]) -> list[tuple[Job, JobFn]]:
    """Import every job; an optional one that is not installed is skipped (logged)."""
    found: list[tuple[Job, JobFn]] = []
    for job in jobs:
        try:
            found.append((job, job.resolve()))
        except JobNotFound as exc:
            if not job.optional:
                raise
            log.warning("stream job %s skipped: %s", job.name, exc)
    return found


async def keep_running(
    job: Job,
    fn: JobFn,
    stop: asyncio.Event,
    policy: RestartPolicy,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run ``fn(stop)`` until stop is set, restarting it after a crash or an early return."""
    failures = 0
    while not stop.is_set():
        started = clock()
        try:
            await fn(stop)
            if stop.is_set():
                return
            log.warning("stream job %s returned before stop; restarting", job.name)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("stream job %s crashed", job.name)
        failures = 1 if clock() - started >= policy.healthy_after_s else failures + 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), policy.delay(failures))


async def supervise(
    jobs: list[Job],
    stop: asyncio.Event,
    *,
    policy: RestartPolicy | None = None,
    grace_s: float = 10.0,
) -> list[str]:
    """Run ``jobs`` until ``stop``; returns the names of the jobs that ran."""
    policy = policy or RestartPolicy()
    running = resolve_jobs(jobs)
    tasks = [
        asyncio.create_task(keep_running(job, fn, stop, policy), name=f"stream:{job.name}")
        for job, fn in running
    ]
    names = [job.name for job, _ in running]
    log.info("stream process running jobs: %s", ", ".join(names) or "(none)")
    await stop.wait()
    if tasks:
        _, late = await asyncio.wait(tasks, timeout=grace_s)
        for task in late:
            log.warning("%s did not stop within %.1fs; cancelling", task.get_name(), grace_s)
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    log.info("stream process stopped")
    return names


async def run_until_signalled(jobs: list[Job], *, grace_s: float = 10.0) -> list[str]:
    """:func:`supervise` with SIGTERM / SIGINT wired to the stop event (the command's body)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)

    def on_signal(sig: signal.Signals) -> None:
        log.info("%s received; stopping stream jobs", sig.name)
        stop.set()

    for sig in signals:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        return await supervise(jobs, stop, grace_s=grace_s)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
