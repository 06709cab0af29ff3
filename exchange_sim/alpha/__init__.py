"""Binance Alpha (docs/protocols.md §4): public market data, the private web API (limit / OTO
orders, cancel, open orders, history, user trades, listen key, today's volume, Alpha wallet) on the
shared Binance web sessions, the nbstream WebSocket (``alpha@<listenKey>``, ``<sym>@aggTrade``)
and ``/sim/alpha`` control routes.

State: ``world.venues["binance_alpha"]`` (an ``AlphaState``); balances are the web user's
(``exchange_sim.web``), which must be installed too. Alpha symbols (``ALPHA_<n>USDT``) are
ordinary symbols of the shared market, so ``/sim/prices`` and the seeded walk move them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import BaseRoute, Route

from exchange_sim.alpha import control, engine, rest, streams
from exchange_sim.alpha.state import VENUE, AlphaState
from exchange_sim.futures.klines import PriceHistory
from exchange_sim.futures.replies import raw_endpoint
from exchange_sim.web.common import private, public
from exchange_sim.world import World

PUB = "/bapi/defi/v1/public"
PRIV = "/bapi/defi/v1/private/alpha-trade"
# place: both prefixes (docs/protocols.md §4.3)
PREFIXES = ("/bapi/asset/v1/private/alpha-trade", PRIV)

PUBLIC = {
    f"{PUB}/wallet-direct/buw/wallet/cex/alpha/all/token/list": rest.token_list,
    f"{PUB}/alpha-trade/get-exchange-info": rest.exchange_info,
    f"{PUB}/alpha-trade/agg-trades": rest.agg_trades,
    f"{PUB}/alpha-trade/klines": rest.klines,
    f"{PUB}/alpha-trade/ticker": rest.ticker,
    f"{PUB}/alpha-trade/fullDepth": rest.full_depth,
    f"{PUB}/alpha-trade/get-fee-rate": rest.fee_rate,
}
PRIVATE_GET = {
    f"{PRIV}/order/get-open-order": rest.open_orders,
    f"{PRIV}/order/get-order-history-merge": rest.order_history,
    f"{PRIV}/order/get-order-history-web": rest.order_history,
    f"{PRIV}/order/get-user-trades": rest.user_trades,
    "/bapi/defi/v1/private/wallet-direct/buw/wallet/today/user-volume": rest.today_volume,
    "/bapi/defi/v1/private/wallet-direct/cloud-wallet/alpha": rest.wallet,
    "/bapi/asset/v2/private/asset-service/wallet/asset": rest.assets,
}
PRIVATE_POST = {
    **{f"{prefix}/order/cancel": rest.cancel for prefix in PREFIXES},
    f"{PRIV}/get-listen-key": rest.listen_key,
}
PLACE = {
    **{f"{prefix}/order/place": rest.place_limit for prefix in PREFIXES},
    **{f"{prefix}/oto-order/place": rest.place_oto for prefix in PREFIXES},
}


def alpha_state(world: World) -> AlphaState:
    """The world's Alpha state, created (and wired to the market) on first use."""
    st = world.venues.get(VENUE)
    if st is None:
        st = world.venues[VENUE] = AlphaState(history=PriceHistory(world.clock_ms()))

        def on_price(symbol: str, price: Decimal) -> None:
            if symbol not in st.by_symbol:
                return
            with world.lock:
                assert st.history is not None
                st.history.record(symbol, price, world.clock_ms())
                token, _ = st.by_symbol[symbol]
                engine.publish_agg(world, st, symbol, price, token.step, buyer_maker=False)
                engine.on_price(world, st, symbol, price)

        world.market.subscribe(on_price)
        world.reset_hooks.append(lambda: control.reset_config(st))
    return st


def install(world: World) -> list[BaseRoute]:
    st = alpha_state(world)
    routes: list[BaseRoute] = []
    for path, pub in PUBLIC.items():
        routes.append(Route(path, public(world, pub), methods=["GET"]))
    for path, get in PRIVATE_GET.items():
        routes.append(Route(path, private(world, get), methods=["GET"]))
    for path, post in PRIVATE_POST.items():
        routes.append(Route(path, private(world, post), methods=["POST"]))
    if st.demo_pending:
        from exchange_sim.alpha.demo import create_demo_alpha  # demo imports this module

        create_demo_alpha(world)
    return routes + streams.routes(world, st) + control.routes(world)


def fast_routes(world: World) -> dict[str, Any]:
    """Order placement served raw so ``drop_reply`` can reset the TCP connection."""
    return {path: raw_endpoint(private(world, handler)) for path, handler in PLACE.items()}
