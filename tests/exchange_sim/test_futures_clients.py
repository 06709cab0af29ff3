"""Futures simulator fidelity, each point checked with a REAL client library pointed at the
simulator over HTTP/WebSocket: ccxt ``binanceusdm`` and the official
``binance-sdk-derivatives-trading-usds-futures`` (docs/simulator.md#futures-fidelity)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

ccxt = pytest.importorskip("ccxt")
sdk = pytest.importorskip(
    "binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures"
)
enums = pytest.importorskip("binance_sdk_derivatives_trading_usds_futures.rest_api.models")
common = pytest.importorskip("binance_common.configuration")

pytestmark = pytest.mark.integration
BTC = "BTC/USDT:USDT"


def _account(sim, **settings):
    return sim.control.ok("POST", "/sim/futures/accounts", json={"balance": "100000", **settings})


def _ccxt(sim, acc):
    ex = ccxt.binanceusdm(
        {"apiKey": acc["api_key"], "secret": acc["secret"], "options": {"fetchCurrencies": False}}
    )
    for name, url in list(ex.urls["api"].items()):
        for host in ("https://fapi.binance.com", "https://api.binance.com"):
            if url.startswith(host):
                ex.urls["api"][name] = sim.url + url[len(host) :]
    ex.load_markets()
    return ex


def _sdk(sim, acc):
    rest = common.ConfigurationRestAPI(
        api_key=acc["api_key"], api_secret=acc["secret"], base_path=sim.url
    )
    streams = common.ConfigurationWebSocketStreams(stream_url=sim.ws_url)
    return sdk.DerivativesTradingUsdsFutures(config_rest_api=rest, config_ws_streams=streams)


def _code(excinfo) -> int:
    text = str(excinfo.value)
    for code in ("-4005", "-4016", "-4024", "-1106", "-1111", "-2021"):
        if code in text:
            return int(code)
    raise AssertionError(text)


@pytest.fixture
def btc(sim):
    sim.control.set_price("BTCUSDT", "50000.00")
    return sim


def test_market_above_market_lot_size_is_4005(btc):
    ex = _ccxt(btc, _account(btc))
    lot = next(f for f in ex.market(BTC)["info"]["filters"] if f["filterType"] == "MARKET_LOT_SIZE")
    too_many = float(Decimal(lot["maxQty"]) + 1)
    with pytest.raises(ccxt.BaseError) as err:
        ex.create_order(BTC, "market", "buy", too_many)
    assert _code(err) == -4005
    ex.set_leverage(125, BTC)
    placed = ex.create_order(BTC, "limit", "buy", too_many, 49_990)  # LOT_SIZE allows it
    assert placed["status"] == "open"


def test_percent_price_caps_and_floors_limit_orders(btc):
    ex = _ccxt(btc, _account(btc))
    with pytest.raises(ccxt.BaseError) as err:
        ex.create_order(BTC, "limit", "buy", 0.01, 52_600)  # cap 50000 × 1.05 = 52500
    assert _code(err) == -4016 and "52500" in str(err.value)
    with pytest.raises(ccxt.BaseError) as err:
        ex.create_order(BTC, "limit", "sell", 0.01, 47_400)  # floor 47500
    assert _code(err) == -4024
    assert ex.create_order(BTC, "limit", "buy", 0.01, 47_400)["status"] == "open"


def test_market_with_time_in_force_and_excess_price_decimals(btc):
    api = _sdk(btc, _account(btc)).rest_api
    with pytest.raises(Exception) as err:
        api.new_order(
            symbol="BTCUSDT", side=enums.NewOrderSideEnum.BUY, type=enums.NewOrderTypeEnum.MARKET,
            quantity=0.01, time_in_force=enums.NewOrderTimeInForceEnum.GTC,
        )  # fmt: skip
    assert _code(err) == -1106
    with pytest.raises(Exception) as err:
        api.new_order(
            symbol="BTCUSDT", side=enums.NewOrderSideEnum.BUY, type=enums.NewOrderTypeEnum.LIMIT,
            quantity=0.01, price=49_000.123, time_in_force=enums.NewOrderTimeInForceEnum.GTC,
        )  # fmt: skip
    assert _code(err) == -1111


def _algo(api, **kw):
    return api.new_algo_order(
        algo_type=enums.NewAlgoOrderAlgoTypeEnum.CONDITIONAL, symbol="BTCUSDT", **kw
    ).data()


def test_stop_take_profit_and_trailing_algo_orders(btc):
    api = _sdk(btc, _account(btc)).rest_api
    api.new_order(
        symbol="BTCUSDT", side=enums.NewOrderSideEnum.BUY, type=enums.NewOrderTypeEnum.MARKET,
        quantity=0.1,
    )  # fmt: skip
    sell, gtc = enums.NewAlgoOrderSideEnum.SELL, enums.NewAlgoOrderTimeInForceEnum.GTC
    stop = _algo(api, side=sell, type=enums.NewAlgoOrderTypeEnum.STOP, quantity=0.05,
                 trigger_price=48_000, price=47_900, time_in_force=gtc, reduce_only="true")  # fmt: skip
    tp = _algo(api, side=sell, type=enums.NewAlgoOrderTypeEnum.TAKE_PROFIT, quantity=0.05,
               trigger_price=53_000, price=53_000, time_in_force=gtc, reduce_only="true")  # fmt: skip
    trail = _algo(api, side=sell, type=enums.NewAlgoOrderTypeEnum.TRAILING_STOP_MARKET,
                  quantity=0.05, activate_price=51_000, callback_rate=1.0, reduce_only="true")  # fmt: skip
    assert (stop.order_type, tp.order_type, trail.order_type) == (
        "STOP", "TAKE_PROFIT", "TRAILING_STOP_MARKET",
    )  # fmt: skip
    assert trail.activate_price == "51000.00" and Decimal(trail.callback_rate) == 1
    with pytest.raises(Exception) as err:  # SELL activation must be above the latest price
        _algo(api, side=sell, type=enums.NewAlgoOrderTypeEnum.TRAILING_STOP_MARKET,
              quantity=0.01, activate_price=49_000, callback_rate=1.0)  # fmt: skip
    assert _code(err) == -2021
    for price in ("51500.00", "52000.00", "51400.00"):  # activates, peaks, retraces 1.15 %
        btc.control.set_price("BTCUSDT", price)
    status = api.query_algo_order(algo_id=trail.algo_id).data().algo_status
    assert status == "FINISHED"
    btc.control.set_price("BTCUSDT", "47950.00")  # STOP fires: LIMIT SELL at 47900 rests/fills
    assert api.query_algo_order(algo_id=stop.algo_id).data().algo_status == "FINISHED"


def test_account_v3_shape(btc):
    api = _sdk(btc, _account(btc)).rest_api
    api.new_order(
        symbol="BTCUSDT", side=enums.NewOrderSideEnum.BUY, type=enums.NewOrderTypeEnum.MARKET,
        quantity=0.1,
    )  # fmt: skip
    raw = api.account_information_v3()
    body = raw.data()
    assert Decimal(body.total_initial_margin) > 0 and Decimal(body.total_maint_margin) > 0
    asset = body.assets[0]
    assert Decimal(asset.initial_margin) > 0 and asset.position_initial_margin is not None
    assert body.positions[0].symbol == "BTCUSDT"
    ex = _ccxt(btc, _account(btc))
    v3 = ex.fapiPrivateV3GetAccount()
    assert "canTrade" not in v3 and "feeTier" not in v3 and "totalInitialMargin" in v3
    assert "canTrade" in ex.fapiPrivateV2GetAccount()


def test_order_count_headers_and_request_weights(btc):
    ex = _ccxt(btc, _account(btc))
    ex.create_order(BTC, "market", "buy", 0.01)
    headers = {k.lower(): v for k, v in ex.last_response_headers.items()}
    assert headers["x-mbx-order-count-10s"] == "1" and headers["x-mbx-order-count-1m"] == "1"
    ex.create_order(BTC, "market", "sell", 0.01, params={"reduceOnly": True})
    headers = {k.lower(): v for k, v in ex.last_response_headers.items()}
    assert headers["x-mbx-order-count-10s"] == "2"

    def used() -> int:
        return int(
            {k.lower(): v for k, v in ex.last_response_headers.items()}["x-mbx-used-weight-1m"]
        )

    ex.fapiPrivateV3GetAccount()
    before = used()
    ex.fapiPrivateV3GetAccount()
    assert used() - before == 5
    ex.fapiPrivateV3GetPositionRisk()
    assert used() - before == 10
    ex.fapiPrivateGetUserTrades({"symbol": "BTCUSDT"})
    assert used() - before == 15
    ex.create_order(BTC, "market", "buy", 0.01)
    assert used() - before == 15  # a new order weighs 0 on the IP limit


def test_ccxt_calls_that_need_the_new_endpoints(btc):
    ex = _ccxt(btc, _account(btc))
    ex.create_order(BTC, "market", "buy", 0.02)
    positions = ex.fetch_positions([BTC])  # calls /fapi/v1/leverageBracket first
    assert positions[0]["contracts"] == 0.02
    tiers = ex.fetch_leverage_tiers([BTC])[BTC]
    assert tiers[0]["maxLeverage"] == 125 and tiers[0]["maxNotional"] == 50_000
    assert ex.fetch_ticker(BTC)["last"] == 50_000
    book = ex.fetch_order_book(BTC, 5)
    assert len(book["bids"]) == 5 and book["bids"][0][0] < 50_000 < book["asks"][0][0]
    assert len(ex.fetch_orders(BTC)) == 1
    assert ex.fetch_position_mode(BTC)["hedged"] is False
    assert ex.fetch_trading_fee(BTC)["taker"] == 0.0005


def test_position_mode_change_refused_with_a_position(btc):
    ex = _ccxt(btc, _account(btc))
    with pytest.raises(ccxt.BaseError, match="-4059"):
        ex.set_position_mode(False)
    ex.create_order(BTC, "market", "buy", 0.01)
    with pytest.raises(ccxt.BaseError, match="-4068"):
        ex.set_position_mode(True)


def test_api_restrictions_report_withdrawals(btc):
    safe = _ccxt(btc, _account(btc))
    assert safe.sapiGetAccountApiRestrictions()["enableWithdrawals"] is False
    risky = _ccxt(btc, _account(btc, can_withdraw=True))
    assert risky.sapiGetAccountApiRestrictions()["enableWithdrawals"] is True


def test_official_sdk_private_stream_path_delivers_user_data(btc):
    client = _sdk(btc, _account(btc))
    key = client.rest_api.start_user_data_stream().data().listen_key
    received: list = []

    async def run() -> None:
        streams = await client.websocket_streams.create_connection()
        try:
            handle = await streams.user_data(key)
            handle.on("message", received.append)
            await asyncio.sleep(0.3)
            await asyncio.to_thread(
                client.rest_api.new_order, symbol="BTCUSDT",
                side=enums.NewOrderSideEnum.BUY, type=enums.NewOrderTypeEnum.MARKET, quantity=0.01,
            )  # fmt: skip
            for _ in range(50):
                if len(received) >= 2:
                    break
                await asyncio.sleep(0.1)
        finally:
            await streams.close_connection(close_session=True)

    asyncio.run(run())
    kinds = {type(m.actual_instance).__name__ if hasattr(m, "actual_instance") else str(m)
             for m in received}  # fmt: skip
    assert any("OrderTradeUpdate" in k for k in kinds), kinds


def test_hedge_mode_positions_per_side(btc):
    ex = _ccxt(btc, _account(btc))
    ex.set_position_mode(True)
    assert ex.fetch_position_mode(BTC)["hedged"] is True
    ex.create_order(BTC, "market", "buy", 0.02, params={"positionSide": "LONG"})
    ex.create_order(BTC, "market", "sell", 0.01, params={"positionSide": "SHORT"})
    with pytest.raises(ccxt.BaseError, match="-4061"):
        ex.create_order(BTC, "market", "buy", 0.01)  # no positionSide in Hedge mode
    with pytest.raises(ccxt.BaseError, match="-2022"):  # closing more than the LONG holds
        ex.create_order(BTC, "market", "sell", 0.05, params={"positionSide": "LONG"})
    sides = {p["info"]["positionSide"]: p["info"]["positionAmt"]
             for p in ex.fetch_positions([BTC]) if float(p["info"]["positionAmt"])}  # fmt: skip
    assert sides == {"LONG": "0.020", "SHORT": "-0.010"}
    btc.control.set_price("BTCUSDT", "51000.00")
    closed = ex.create_order(BTC, "market", "sell", 0.02, params={"positionSide": "LONG"})
    assert closed["status"] == "closed"
    trades = ex.fetch_my_trades(BTC)
    assert float(trades[-1]["info"]["realizedPnl"]) == 20.0  # 0.02 × (51,000 − 50,000)
