"""``manage.py bench_transport --concurrency 10,100 --rounds 20 --json FILE`` — client CPU per
copy order on the exchange transport (see ``devtools.bench.copytrade_transport``). It starts its own
simulator and touches neither the database nor Redis."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from devtools.bench import copytrade_transport as bench_transport


class Command(BaseCommand):
    help = "Client CPU per order through the exchange connectors, against the simulator."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", default="10,100", help="comma-separated")
        parser.add_argument("--rounds", type=int, default=20)
        parser.add_argument("--venue", choices=["binance", "bitget"], default="binance")
        parser.add_argument("--port", type=int, default=0, help="simulator port (0: a free one)")
        parser.add_argument("--raw", action="store_true", help="the transport alone, unsigned")
        parser.add_argument("--json", dest="json_path", default="")

    def handle(self, *args, **o):
        options = bench_transport.Options(
            concurrency=tuple(int(n) for n in o["concurrency"].split(",")),
            rounds=o["rounds"],
            venue=o["venue"],
            port=o["port"],
            raw=o["raw"],
        )
        text = json.dumps(bench_transport.run(options), indent=2)
        self.stdout.write(text)
        if o["json_path"]:
            Path(o["json_path"]).write_text(text + "\n")
