"""``python manage.py runsim --port 8900 [--seed N] [--walk-ms MS] [--demo]``: the simulator.

``--demo`` creates the fixed demo accounts of ``exchange_sim.demo`` and, unless ``--walk-ms`` is
given, moves prices one seeded step per second.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from exchange_sim.serve import serve


class Command(BaseCommand):
    help = "Run the exchange simulator (Binance spot/futures/web, Bitget) on one port."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8900)
        parser.add_argument("--seed", type=int, default=7, help="seed of the price walk")
        parser.add_argument("--walk-ms", type=int, default=None, help="price step interval")
        parser.add_argument("--demo", action="store_true", help="create the demo accounts")
        parser.add_argument("--log-level", default="warning")

    def handle(self, *args: Any, **options: Any) -> None:
        walk_ms = options["walk_ms"]
        if walk_ms is None:
            walk_ms = 1000 if options["demo"] else 0
        serve(
            host=options["host"],
            port=options["port"],
            seed=options["seed"],
            walk_ms=walk_ms,
            demo=options["demo"],
            log_level=options["log_level"],
        )
