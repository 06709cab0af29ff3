"""``manage.py bench_alpha --traders N --seconds S [--faults] --json FILE`` — the Alpha bot
benchmark (see ``devtools.bench.alpha``). It FLUSHES the configured Redis database (refuses /0)
and WIPES the Alpha rows of the configured database: run it on databases of its own, e.g.::

    REDIS_URL=redis://127.0.0.1:6379/9 \\
    DATABASE_URL=mysql://root:@127.0.0.1:3306/fleet_alpha_bench \\
        python manage.py bench_alpha --traders 100 --seconds 120 --json var/bench/alpha.json
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools.bench import alpha as bench


class Command(BaseCommand):
    help = "Benchmark the Alpha OTO bot (many traders cycling against the simulator)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--traders", type=int, default=5)
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--faults", action="store_true")
        parser.add_argument("--workers", type=int, default=8, help="worker threads")
        parser.add_argument("--order-usdt", default="10")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", dest="json_path", default="")

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        options = bench.Options(traders=o["traders"], seconds=o["seconds"], faults=o["faults"],
                                workers=o["workers"], order_usdt=Decimal(o["order_usdt"]),
                                seed=o["seed"])  # fmt: skip
        try:
            result = bench.run(options, self.stdout)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        text = bench.as_json(result)
        if o["json_path"]:
            path = Path(o["json_path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n")
        self.stdout.write(text)
