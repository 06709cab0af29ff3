"""``python manage.py run_streams``: the stream process (leader watcher, follower balance poller,
…) — every job of :mod:`trading.streams.registry` in one asyncio loop until SIGTERM / Ctrl-C."""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trading.streams.registry import JOBS, Job, JobNotFound, jobs_named
from trading.streams.supervisor import run_until_signalled


class Command(BaseCommand):
    help = "Run the stream process: long-running venue streams and pollers in one asyncio loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", metavar="JOB", help="run only this registered job"
        )
        parser.add_argument(
            "--job",
            action="append",
            metavar="MODULE:FUNCTION",
            help="run this job by import path instead of the registered ones",
        )
        parser.add_argument("--grace", type=float, default=10.0, help="seconds to stop cleanly")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in JOBS:
                flag = " (optional)" if job.optional else ""
                self.stdout.write(f"{job.name:20s} {job.target}{flag}")
            return
        try:
            if options["job"]:
                jobs = [Job(target, target) for target in options["job"]]
            else:
                jobs = jobs_named(options["only"])
            asyncio.run(run_until_signalled(jobs, grace_s=options["grace"]))
        except (KeyError, JobNotFound) as exc:
            raise CommandError(str(exc)) from exc
