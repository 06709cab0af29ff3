"""``python manage.py bench_sim [--clients 50] [--seconds 10] [--json FILE] [--url URL]``.

Prints ``{orders, seconds, orders_per_s, p50_ms, p99_ms, errors, clients}`` as JSON for signed
MARKET orders against a fresh simulator subprocess (or a running one with ``--url``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.simulator import bench


class Command(BaseCommand):
    help = "Benchmark the exchange simulator with signed MARKET orders from concurrent clients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=10)
        parser.add_argument("--json", dest="json_file", default=None, help="also write to FILE")
        parser.add_argument("--url", default=None, help="bench a running simulator instead")

    def handle(self, *args: Any, **options: Any) -> None:
        result = bench(clients=options["clients"], seconds=options["seconds"], url=options["url"])
        text = json.dumps(result)
        if options["json_file"]:
            Path(options["json_file"]).write_text(text + "\n")
        self.stdout.write(text)
