"""``manage.py bench_fanout --followers N --events K --json FILE`` — the copy fan-out benchmark
(see ``devtools.bench.copytrade_fanout``). It FLUSHES the configured Redis database (refuses /0) and DROPS
every table of the configured database, then migrates from empty (``devtools.bench.db``; it
refuses a database whose name lacks ``bench``): run it on databases of its own, e.g.::

    REDIS_URL=redis://127.0.0.1:6379/8 \\
    DATABASE_URL=mysql://root:@127.0.0.1:3306/fleet_copy_bench \\
        python manage.py bench_fanout --followers 100 --events 50 --json var/fanout.json
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backoffice.embedded_redis import free_port
from devtools.bench import copytrade_fanout as bench


class Command(BaseCommand):
    help = "Benchmark the copy-trading fan-out on the real path (simulator, streams, worker)."

    def add_arguments(self, parser):
        parser.add_argument("--followers", type=int, default=100)
        parser.add_argument("--events", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument(
            "--interval",
            type=float,
            default=0.0,
            help="seconds between events (0: paced to the Binance per-IP weight budget)",
        )
        parser.add_argument("--bitget-share", type=float, default=0.5)
        parser.add_argument(
            "--chunk", type=int, default=0, help="followers per Celery task (0: one per process)"
        )
        parser.add_argument("--pool", default="prefork", help="Celery worker pool")
        parser.add_argument(
            "--concurrency", type=int, default=os.cpu_count() or 2, help="worker processes"
        )
        parser.add_argument("--sim-port", type=int, default=0, help="0: a free port")
        parser.add_argument("--json", dest="json_path", default="")

    def handle(self, *args, **o):
        options = bench.Options(
            followers=o["followers"],
            events=o["events"],
            warmup=o["warmup"],
            interval_s=o["interval"],
            bitget_share=o["bitget_share"],
            chunk=o["chunk"],
            worker_pool=o["pool"],
            worker_concurrency=o["concurrency"],
        )
        try:
            result = bench.run(options, o["sim_port"] or free_port(), self.stdout)
        except (RuntimeError, TimeoutError) as exc:
            raise CommandError(str(exc)) from exc
        text = json.dumps(result, indent=2)
        self.stdout.write(text)
        if o["json_path"]:
            Path(o["json_path"]).write_text(text + "\n")
