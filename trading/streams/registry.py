"""Every job the stream process runs, declared in one table (like the one periodic schedule).

A job is ``async def run(stop: asyncio.Event) -> None``: it runs until ``stop`` is set, then
returns promptly (it is cancelled if it does not within the grace period). Jobs are named by
import path so the stream process does not import a product it does not run, and an ``optional``
job whose module is not installed yet is skipped with a log line instead of failing the process.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

JobFn = Callable[[asyncio.Event], Awaitable[None]]


class JobNotFound(LookupError):
    """A job's import path does not resolve."""


@dataclass(frozen=True)
class Job:
    """One long-running job: a name for logs and ``--only``, and ``module:function``."""

    name: str
    target: str
    optional: bool = False

    def resolve(self) -> JobFn:
        """Import the job's function (raises :class:`JobNotFound`)."""
        module_name, _, attr = self.target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):  # the job itself, not a dependency
                raise JobNotFound(f"{self.name}: no module {module_name}") from exc
            raise
        fn = getattr(module, attr or "run", None)
        if not callable(fn):
            raise JobNotFound(f"{self.name}: {module_name} has no {attr or 'run'}()")
        return fn  # type: ignore[no-any-return]


JOBS: tuple[Job, ...] = (
    Job("leader_watcher", "trading.copytrade.streams.watcher:run"),
    Job("follower_balances", "trading.copytrade.streams.balance_poller:run", optional=True),
    Job("follower_balance_stream", "trading.copytrade.streams.balance_stream:run", optional=True),
    Job("health_watch", "backoffice.health_notices:run"),
    Job("futures_klines", "trading.futures.streams:run", optional=True),
    Job("alpha_streams", "trading.alpha.streams:run", optional=True),
    Job("futures_user_streams", "trading.futures_trading.streams:run", optional=True),
)


def jobs_named(names: list[str] | None) -> list[Job]:
    """The registered jobs, or only those named (unknown names raise ``KeyError``)."""
    if not names:
        return list(JOBS)
    by_name = {job.name: job for job in JOBS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise KeyError(f"unknown stream jobs: {', '.join(unknown)}; known: {', '.join(by_name)}")
    return [by_name[n] for n in names]
