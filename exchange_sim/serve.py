"""Run the simulator under uvicorn: ``serve()`` (used by ``runsim``) and a tiny CLI for
subprocesses (``python -m exchange_sim.serve --port 8900``) that needs no Django settings.

uvloop and httptools are used when installed (they are, with ``uvicorn[standard]``): the
simulator runs in ONE process — its state lives in memory — so the per-request cost matters.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging

import uvicorn

from exchange_sim.app import create_app
from exchange_sim.demo import create_demo_accounts
from exchange_sim.market import Market
from exchange_sim.world import World

log = logging.getLogger("exchange_sim")

# Idle keep-alive connections are closed after this long, like the ~60 s idle timeout of the HTTP
# front ends exchanges sit behind (uvicorn's own default, 5 s, is a development server's).
KEEP_ALIVE_S = 60


def build_world(seed: int = 7, walk_ms: int = 0, demo: bool = False) -> World:
    world = World(market=Market(seed=seed), walk_interval_ms=walk_ms)
    if demo:
        create_demo_accounts(world)
    return world


def uvicorn_config(
    world: World, host: str, port: int, log_level: str = "warning"
) -> uvicorn.Config:
    fast_loop = importlib.util.find_spec("uvloop") is not None
    fast_http = importlib.util.find_spec("httptools") is not None
    return uvicorn.Config(
        create_app(world),
        host=host,
        port=port,
        loop="uvloop" if fast_loop else "asyncio",
        http="httptools" if fast_http else "h11",
        ws="websockets-sansio",
        lifespan="on",
        access_log=False,
        log_level=log_level,
        timeout_keep_alive=KEEP_ALIVE_S,
        date_header=False,  # the app sends one Date itself, from the world's clock (dates.py)
    )


def serve(
    host: str = "127.0.0.1",
    port: int = 8900,
    seed: int = 7,
    walk_ms: int = 0,
    demo: bool = False,
    log_level: str = "warning",
) -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM stop uvicorn cleanly)."""
    world = build_world(seed=seed, walk_ms=walk_ms, demo=demo)
    log.warning(
        "exchange simulator on http://%s:%d (seed %d, walk %d ms, demo %s)",
        host,
        port,
        seed,
        walk_ms,
        demo,
    )
    uvicorn.Server(uvicorn_config(world, host, port, log_level)).run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fleet exchange simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--walk-ms", type=int, default=0)
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    serve(args.host, args.port, args.seed, args.walk_ms, args.demo)


if __name__ == "__main__":
    main()
