"""Builds the simulator's ASGI app: one port serving every venue's paths, which do not collide.

``/api/v3`` Binance spot · ``/fapi`` Binance USDⓈ-M futures · ``/api/v2`` Bitget · ``/bapi`` Binance
web (Alpha, event contracts, QR login) · WebSocket endpoints per venue · ``/sim`` control API.

Each venue module exposes ``install(world) -> list[starlette.routing.BaseRoute]`` and keeps its
state in ``world.venues``. Add a module to ``VENUE_MODULES`` to serve it. Optional extras a module
may define:

- ``fast_routes(world) -> dict[str, asgi_app]``: exact HTTP paths served by raw ASGI callables
  before Starlette routing (the hot order paths; they also get the server's own ``send``, which
  the ``drop_reply`` fault needs to reset the connection).
- ``async def background(world)``: a task run for the app's lifetime (cancelled at shutdown).

Control routes go under ``/sim/<venue>/...`` (see ``exchange_sim.control.route``). Listen-key
user streams are served on ``/ws/<listenKey>`` by registering a handler in ``world.listen_keys``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from starlette.applications import Starlette

from exchange_sim.dates import dated
from exchange_sim.not_found import HANDLERS as NOT_FOUND_HANDLERS
from exchange_sim.world import World

VENUE_MODULES: list[str] = [
    "exchange_sim.control",
    "exchange_sim.binance_spot",
    "exchange_sim.bitget",
    "exchange_sim.futures",
    "exchange_sim.web",
    "exchange_sim.alpha",
]

FastRoutes = dict[str, Callable[..., Awaitable[None]]]


class SimApp(Starlette):
    """Starlette plus an exact-path table of raw ASGI handlers checked first."""

    fast: FastRoutes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            send = dated(send, self.state.world.clock_ms)  # one Date per reply (dates.py)
            handler = self.fast.get(scope["path"])
            if handler is not None:
                await handler(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


async def _walk(world: World) -> None:
    """Move every price one seeded step per ``world.walk_interval_ms`` (runsim / demo)."""
    while True:
        await asyncio.sleep(world.walk_interval_ms / 1000)
        with world.lock:
            for symbol in world.market.symbols():
                world.market.step(symbol)


def create_app(world: World | None = None) -> Starlette:
    world = world or World()
    routes: list[Any] = []
    fast: FastRoutes = {}
    tasks: list[Callable[[World], Coroutine[Any, Any, None]]] = []
    for name in VENUE_MODULES:
        module = importlib.import_module(name)
        routes.extend(module.install(world))
        if hasattr(module, "fast_routes"):
            fast.update(module.fast_routes(world))
        if hasattr(module, "background"):
            tasks.append(module.background)
    if world.walk_interval_ms > 0:
        tasks.append(_walk)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        running = [asyncio.create_task(task(world)) for task in tasks]
        try:
            yield
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    app = SimApp(routes=routes, lifespan=lifespan, exception_handlers=NOT_FOUND_HANDLERS)
    app.fast = fast
    app.state.world = world
    return app
