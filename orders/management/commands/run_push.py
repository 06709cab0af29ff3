"""``manage.py run_push [--host H] [--port P]`` — the push process: event orders pushed to desktop
clients over WebSocket (``/api/v1/push``), execution reports received on the same socket, health
at ``/health``. Any number of them may run behind a proxy that passes WebSocket upgrades; they
share nothing but Redis and the database (docs/operations.md, "Push processes")."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import redis.asyncio as aioredis
from django.conf import settings
from django.core.management.base import BaseCommand

from orders.push.hub import Hub
from orders.push.server import PushServer

log = logging.getLogger("fleet.orders.push")

REDIS_CONNECTIONS = 32


class Command(BaseCommand):
    help = "WebSocket push of event orders to desktop clients (see docs/event_orders.md, Push)."
    # Like gunicorn and Celery, a serving process starts without the system checks (they ran at
    # migrate): restarts after a crash are quicker, and clients are back on push sooner.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("FLEET_PUSH_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("FLEET_PUSH_PORT", "8001"))
        )
        parser.add_argument("--profile", default="", help="write cProfile stats here on exit")

    def handle(self, *args, **options):
        if options["profile"]:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
            try:  # the stdlib loop: uvloop's C callbacks would hide where the time goes
                asyncio.run(_main(options["host"], options["port"]))
            finally:
                profiler.disable()
                profiler.dump_stats(options["profile"])
            return
        self._serve(options)

    def _serve(self, options):
        try:
            import uvloop

            uvloop.run(_main(options["host"], options["port"]))
        except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
            asyncio.run(_main(options["host"], options["port"]))


async def _main(host: str, port: int) -> None:
    # A bounded pool that waits for a free connection: a burst of 1,000 acknowledgements queues
    # for REDIS_CONNECTIONS connections instead of opening (or failing) one each.
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.REDIS_URL, decode_responses=True, max_connections=REDIS_CONNECTIONS, timeout=10
    )
    redis = aioredis.Redis(connection_pool=pool)
    hub = Hub(redis)
    server = PushServer(hub)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    ws_server = await server.serve(host, port)
    tasks = [
        asyncio.create_task(job) for job in (hub.run_feed(), hub.run_rounds(), hub.run_sweeps())
    ]
    log.warning("push listening on ws://%s:%d/api/v1/push (pid %d)", host, port, os.getpid())
    try:
        await stop.wait()
    finally:
        ws_server.close()  # every socket closes with 1001: clients reconnect (or pull)
        await ws_server.wait_closed()
        for task in tasks:
            task.cancel()
        await redis.aclose()
