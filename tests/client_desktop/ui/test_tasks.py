"""A result that comes back after its widget was closed is dropped, not delivered to deleted
labels (it raised "Internal C++ object already deleted" in the Qt event loop before)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel, QWidget

from client_desktop.ui.tasks import TaskRunner


def test_a_result_for_a_closed_widget_is_dropped(qtbot):
    widget = QWidget()
    label = QLabel(widget)
    runner = TaskRunner(widget)
    release, delivered = threading.Event(), []

    def work() -> str:
        release.wait(5)
        raise RuntimeError("server down")

    runner.start(work, delivered.append, lambda exc: (delivered.append(exc), label.setText("x")))
    relay = next(iter(runner._running)).relay
    widget.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(label), timeout=2000)
    with qtbot.waitSignal(relay.failed, timeout=5000):
        release.set()
    qtbot.wait(50)
    assert delivered == []


def test_a_result_for_a_live_widget_is_delivered(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    runner = TaskRunner(widget)
    delivered: list[str] = []
    runner.start(lambda: "ok", delivered.append, delivered.append)
    qtbot.waitUntil(lambda: delivered == ["ok"], timeout=5000)
