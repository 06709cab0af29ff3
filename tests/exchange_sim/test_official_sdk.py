"""The official ``binance-sdk-spot`` works against the simulator with only its base URL changed
— evidence that the simulator speaks the real protocol (signing, params in the query, shapes)."""

from __future__ import annotations

import pytest

sdk = pytest.importorskip("binance_sdk_spot.spot")
enums = pytest.importorskip("binance_sdk_spot.rest_api.models")

pytestmark = pytest.mark.integration


@pytest.fixture
def spot(sim):
    account = sim.control.binance_account({"USDT": "1000", "BTC": "0.1"})
    config = sdk.ConfigurationRestAPI(
        api_key=account["api_key"], api_secret=account["api_secret"], base_path=sim.url
    )
    client = sdk.Spot(config_rest_api=config)
    client.account_info = account
    return client


def test_sdk_places_queries_and_cancels(sim, spot):
    api = spot.rest_api
    assert abs(api.time().data().server_time - sim.world.clock_ms()) < 5000
    info = api.exchange_info(symbol="BTCUSDT").data()
    assert info.symbols[0].symbol == "BTCUSDT"
    sim.control.set_price("BTCUSDT", "50000.00")
    placed = api.new_order(
        symbol="BTCUSDT",
        side=enums.NewOrderSideEnum.BUY,
        type=enums.NewOrderTypeEnum.MARKET,
        quote_order_qty=100.0,
        new_client_order_id="sdk-mkt-1",
    ).data()
    assert placed.status == "FILLED" and placed.executed_qty == "0.00200000"
    assert placed.fills[0].commission_asset == "BTC"
    got = api.get_order(symbol="BTCUSDT", orig_client_order_id="sdk-mkt-1").data()
    assert got.order_id == placed.order_id and got.cummulative_quote_qty == "100.00000000"
    resting = api.new_order(
        symbol="BTCUSDT",
        side=enums.NewOrderSideEnum.SELL,
        type=enums.NewOrderTypeEnum.LIMIT,
        time_in_force=enums.NewOrderTimeInForceEnum.GTC,
        quantity=0.01,
        price=60000.0,
    ).data()
    assert resting.status == "NEW"
    canceled = api.delete_order(symbol="BTCUSDT", order_id=resting.order_id).data()
    assert canceled.status == "CANCELED"
    balances = {b.asset: b.free for b in api.get_account().data().balances}
    assert balances["USDT"] == "900.00000000" and balances["BTC"] == "0.10199800"


def test_sdk_sees_venue_errors(sim, spot):
    with pytest.raises(Exception, match="Filter failure: NOTIONAL"):
        spot.rest_api.new_order(
            symbol="BTCUSDT",
            side=enums.NewOrderSideEnum.BUY,
            type=enums.NewOrderTypeEnum.MARKET,
            quote_order_qty=1.0,
        )


def test_sdk_loads_market_data(sim, spot):
    api = spot.rest_api
    sim.control.set_price("BTCUSDT", "50000.00")
    rows = api.klines(
        symbol="BTCUSDT", interval=enums.KlinesIntervalEnum.INTERVAL_1m, limit=5
    ).data()
    assert len(rows) == 5 and rows[-1][4] == "50000.00"
    book = api.depth(symbol="BTCUSDT", limit=5).data()
    assert book.asks[0][0] == "50000.00000000" and len(book.bids) == 5
    ticker = api.ticker24hr(symbol="BTCUSDT").data().actual_instance
    assert ticker.last_price == "50000.00000000" and ticker.count > 0
    assert api.avg_price(symbol="BTCUSDT").data().mins == 5


def test_sdk_market_order_with_time_in_force_is_refused(sim, spot):
    with pytest.raises(Exception, match="Parameter 'timeInForce' sent when not required"):
        spot.rest_api.new_order(
            symbol="BTCUSDT",
            side=enums.NewOrderSideEnum.BUY,
            type=enums.NewOrderTypeEnum.MARKET,
            time_in_force=enums.NewOrderTimeInForceEnum.GTC,
            quantity=0.001,
        )


def test_sdk_take_profit_limit_sell_waits_and_triggers(sim, spot):
    api = spot.rest_api
    sim.control.set_price("BTCUSDT", "50000.00")
    placed = api.new_order(
        symbol="BTCUSDT",
        side=enums.NewOrderSideEnum.SELL,
        type=enums.NewOrderTypeEnum.TAKE_PROFIT_LIMIT,
        time_in_force=enums.NewOrderTimeInForceEnum.GTC,
        quantity=0.01,
        price=52000.0,
        stop_price=52000.0,
    ).data()
    got = api.get_order(symbol="BTCUSDT", order_id=placed.order_id).data()
    assert got.status == "NEW" and got.is_working is False and got.stop_price == "52000.00000000"
    sim.control.set_price("BTCUSDT", "52000.00")
    got = api.get_order(symbol="BTCUSDT", order_id=placed.order_id).data()
    assert got.status == "FILLED" and got.cummulative_quote_qty == "520.00000000"
