"""Bitget spot v2: REST ``/api/v2``, private WebSocket ``/v2/ws/private``, ``/sim/bitget``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import BaseRoute

from exchange_sim.bitget import control, engine, rest, ws
from exchange_sim.bitget.state import BitgetVenue
from exchange_sim.world import World

VENUE = control.VENUE


def venue_of(world: World) -> BitgetVenue:
    """The world's Bitget venue, created (and wired to the market) on first use."""
    venue = world.venues.get(VENUE)
    if venue is None:
        venue = world.venues[VENUE] = BitgetVenue(world)

        for symbol, price in world.market.prices().items():
            venue.history.anchor(symbol, price)

        def on_price(symbol: str, price: Decimal) -> None:
            venue.history.record(symbol, price, world.clock_ms())
            with world.lock:
                engine.on_price(venue, symbol, price)

        world.market.subscribe(on_price)
        world.reset_hooks.append(venue.throttle.reset)
    return venue


def install(world: World) -> list[BaseRoute]:
    venue = venue_of(world)
    return [*ws.routes(venue), *control.install(world)]


def fast_routes(world: World) -> dict[str, Any]:
    return rest.fast_routes(venue_of(world))
