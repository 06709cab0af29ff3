"""Binance spot: REST ``/api/v3`` (+ the ``/sapi`` margin pair lists), WS API ``/ws-api/v3``,
market streams, ``/sim/binance``."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from exchange_sim.binance_spot import control, engine, rest, streams, wsapi
from exchange_sim.binance_spot.state import SpotVenue
from exchange_sim.world import World

VENUE = control.VENUE


def venue_of(world: World) -> SpotVenue:
    """The world's Binance spot venue, created (and wired to the market) on first use."""
    venue = world.venues.get(VENUE)
    if venue is None:
        venue = world.venues[VENUE] = SpotVenue(world)

        for symbol, price in world.market.prices().items():
            venue.history.anchor(symbol, price)

        def on_price(symbol: str, price: Any) -> None:
            venue.history.record(symbol, price, world.clock_ms())
            with world.lock:
                engine.on_price(venue, symbol, price)

        world.market.subscribe(on_price)
        streams.attach(venue)
        world.reset_hooks.append(venue.throttle.reset)
    return venue


def install(world: World) -> list[BaseRoute]:
    venue = venue_of(world)

    async def ws_api(ws: WebSocket) -> None:
        await wsapi.serve(venue, ws)

    return [
        WebSocketRoute("/ws-api/v3", ws_api),
        *streams.routes(world, venue),
        *control.install(world),
    ]


def fast_routes(world: World) -> dict[str, Any]:
    return rest.fast_routes(venue_of(world))
