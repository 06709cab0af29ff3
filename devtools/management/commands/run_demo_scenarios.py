"""Run each product's demo scenario (orders created on a schedule, headless demo clients, a sim
leader that trades) in its own thread until SIGTERM/Ctrl-C. Started by ``make demo``.

A scenario is a module with ``run(stop: threading.Event) -> None`` that returns soon after ``stop``
is set; add its import path to ``SCENARIOS``.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading

from django.core.management.base import BaseCommand

SCENARIOS: list[str] = [
    "devtools.demo.copytrade_scenario",
    "devtools.demo.orders_scenario",
    "devtools.demo.alpha_scenario",
]

log = logging.getLogger("fleet.demo")


class Command(BaseCommand):
    help = "Run the demo scenarios until stopped."

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        threads = [self._start(path, stop) for path in SCENARIOS]
        try:
            while not stop.wait(1):
                pass
        except KeyboardInterrupt:
            stop.set()
        for thread in threads:
            thread.join(10)

    def _start(self, path: str, stop: threading.Event) -> threading.Thread:
        module = importlib.import_module(path)

        def target() -> None:
            try:
                module.run(stop)
            except Exception:
                log.exception("demo scenario %s crashed", path)

        thread = threading.Thread(target=target, name=path, daemon=True)
        thread.start()
        self.stdout.write(f"demo scenario started: {path}")
        return thread
