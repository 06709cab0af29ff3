"""``manage.py bench_futures --traders N --json FILE`` — N traders click the same signal at once
(see ``devtools.bench.futures_trading``). It starts its own simulator process and creates (then
removes) ``bench-ft-…`` traders in the configured database: use a database of its own, e.g.::

    DATABASE_URL=mysql://root:@127.0.0.1:3306/fleet_futures_bench \\
        python manage.py bench_futures --traders 100 --json var/bench/futures.json
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.embedded_redis import free_port
from devtools.bench import futures_trading as bench


class Command(BaseCommand):
    help = "Benchmark the one click (risk check → entry → TP/SL) for N traders at once."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--traders", type=int, default=100)
        parser.add_argument("--port", type=int, default=0, help="simulator port (0: a free one)")
        parser.add_argument("--threads", type=int, default=16, help="request threads per process")
        parser.add_argument(
            "--processes", type=int, default=1, help="processes serving the clicks (forked)"
        )
        parser.add_argument("--json", dest="json_path", default="")

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        if o["traders"] < 1:
            raise CommandError("--traders must be at least 1")
        try:
            port = o["port"] or free_port()
            result = bench.run(o["traders"], port, o["threads"], o["processes"])
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        text = json.dumps(result, indent=2)
        self.stdout.write(text)
        if o["json_path"]:
            path = Path(o["json_path"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n")
