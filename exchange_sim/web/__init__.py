"""Binance web (``/bapi``) for the simulator: web-session auth, QR login, event contracts, Alpha.

State: ``world.venues["binance_web"]`` (a ``WebState``). Every private endpoint authenticates by
header ``csrftoken`` + cookie ``p20t`` (see ``session``); replies use the ``bapi`` envelope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import BaseRoute, Route

from exchange_sim.futures.replies import raw_endpoint, starlette_endpoint
from exchange_sim.web import control, event, qr
from exchange_sim.web.common import private, public
from exchange_sim.web.session import WebConfig, WebState
from exchange_sim.world import World

EVENT_PLACE = (
    "/bapi/futures/v1/private/future/event-contract/place-order",
    "/bapi/futures/v2/private/future/event-contract/place-order",
)
EVENT_ONGOING = (
    "/bapi/futures/v1/private/future/event-contract/ongoing-order-list",
    "/bapi/futures/v2/private/future/event-contract/ongoing-order-list",
)
QR_GET = (
    "/bapi/accounts/v1/public/qrcode/login/get",
    "/bapi/accounts/v2/public/qrcode/login/get",
)
QR_QUERY = (
    "/bapi/accounts/v1/public/qrcode/login/query",
    "/bapi/accounts/v2/public/qrcode/login/query",
)
TRUST_DEVICE = "/bapi/accounts/v2/private/authcenter/setTrustDevice"
EVENT_PAYOUTS = "/bapi/futures/v1/public/future/event-contract/payout-ratio-list"


def install(world: World) -> list[BaseRoute]:
    state = world.venues["binance_web"] = WebState()

    def reset_config() -> None:  # /sim/reset: knobs (payout offers, limits) back to defaults
        state.config = WebConfig()

    world.reset_hooks.append(reset_config)

    def on_price(symbol: str, price: Decimal) -> None:
        with world.lock:
            event.settle_due(world)

    world.market.subscribe(on_price)
    routes: list[BaseRoute] = []
    for path in EVENT_PLACE:
        endpoint = starlette_endpoint(private(world, event.place_order))
        routes.append(Route(path, endpoint, methods=["POST"]))
    for path in EVENT_ONGOING:
        routes.append(Route(path, private(world, event.ongoing), methods=["GET", "POST"]))
    routes.append(Route(EVENT_PAYOUTS, public(world, event.payout_ratios), methods=["GET"]))
    for path in QR_GET:
        routes.append(Route(path, public(world, qr.get_code), methods=["POST"]))
    for path in QR_QUERY:
        routes.append(Route(path, public(world, qr.query), methods=["POST"]))
    routes.append(Route(TRUST_DEVICE, private(world, qr.trust_device), methods=["POST"]))
    return routes + control.routes(world)


def fast_routes(world: World) -> dict[str, Any]:
    """Order placement served raw so ``drop_reply`` can reset the TCP connection."""
    return {path: raw_endpoint(private(world, event.place_order)) for path in EVENT_PLACE}
