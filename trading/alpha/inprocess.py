"""The Alpha bot's moving parts in one process — the stream job on its own event loop thread
and a pool of worker threads running the machine's commands instead of Celery. Used by the
benchmark and the reliability tests (same code paths as production, without a broker)."""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

from trading.alpha.core import machine as m
from trading.alpha.services import commands
from trading.alpha.services import events as services
from trading.alpha.streams import StreamSettings
from trading.alpha.streams import run as run_streams

log = logging.getLogger("fleet.alpha")


class InProcess:
    """``with InProcess(workers=8): ...`` — streams and workers up; commands go to the pool."""

    def __init__(self, *, workers: int = 8, settings: StreamSettings | None = None) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="alpha-worker")
        self.settings = settings or StreamSettings(reload_s=0.2, silent_s=3.0)
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run_loop, name="alpha-streams", daemon=True)
        self.errors: list[BaseException] = []

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.stop_event = asyncio.Event()
        try:
            self.loop.run_until_complete(run_streams(self.stop_event, self.settings))
        finally:
            close_old_connections()

    def _work(self, bot_id: int, command: m.Command) -> None:
        try:
            commands.run(bot_id, command)
        except BaseException as exc:  # a test reads these; production logs them via Celery
            log.exception("alpha command %s of bot %s failed", command, bot_id)
            self.errors.append(exc)
        finally:
            close_old_connections()

    def dispatch(self, bot_id: int, command: m.Command) -> None:
        self.pool.submit(self._work, bot_id, command)

    def __enter__(self) -> InProcess:
        services.set_dispatcher(self.dispatch)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout=15)
        self.pool.shutdown(wait=True, cancel_futures=False)
        services.set_dispatcher(None)
