"""Blocking work off the GUI thread: run a callable on a thread pool, get the result back on the
GUI thread through a queued signal (Electrum/Anki style). Widgets never wait on the network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it, so slots run on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """One call of ``fn`` on a pool thread. Exceptions are delivered, never swallowed."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.relay = _Relay()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the GUI thread, which decides what to show
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class TaskRunner(QObject):
    """Starts :class:`Task` objects and keeps them alive until their result is delivered."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def start(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
    ) -> Task:
        task = Task(fn)
        self._running.add(task)
        task.relay.done.connect(lambda result: self._finish(task, on_done, result))
        task.relay.failed.connect(lambda exc: self._finish(task, on_failed, exc))
        self.pool.start(task)
        return task

    def _finish(self, task: Task, callback: Callable[[Any], None], value: Any) -> None:
        """Deliver on the GUI thread — unless the widget that started the task (this runner's
        parent, which owns it) was closed meanwhile: its labels are gone, the result is dropped."""
        self._running.discard(task)
        if not shiboken6.isValid(self):
            return
        callback(value)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for the pool to drain (shutdown, tests)."""
        return self.pool.waitForDone(msecs)
