"""The simulator for ``bench_alpha`` in its own process, with a per-credential request counter
(``python -m devtools.bench.alpha_sim PORT``; no Django). Its own process, so its CPU is not the
bots' (in production the venue is another machine)."""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from typing import Any

import uvicorn

from exchange_sim.serve import uvicorn_config
from exchange_sim.world import World


class RequestCounter:
    """ASGI middleware: requests per (web session csrftoken, second), measured at the venue;
    ``GET /bench/rps`` answers the highest count."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: dict[tuple[str, int], int] = defaultdict(int)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/bench/rps":
            body = json.dumps({"max_rps": max(self.counts.values(), default=0)}).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http":
            token = dict(scope.get("headers") or []).get(b"csrftoken")
            if token:
                self.counts[(token.decode(), int(time.time()))] += 1
        await self.app(scope, receive, send)


def serve_sim(port: int) -> None:
    """The simulator with the request counter on ``port``."""
    config = uvicorn_config(World(), "127.0.0.1", port)
    config.app = RequestCounter(config.app)
    uvicorn.Server(config).run()


if __name__ == "__main__":
    serve_sim(int(sys.argv[1]))
