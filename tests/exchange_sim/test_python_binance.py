"""python-binance (the most used community client) against the simulator over HTTP, with only
its base URLs changed: loading markets and market data, the -1106 refusal of a MARKET order with
``timeInForce``, and the four stop order types — accepted, waiting off the book with their funds
locked, triggered by the price like the venue (STOP_LOSS BUY and TAKE_PROFIT SELL above the
market, STOP_LOSS SELL and TAKE_PROFIT BUY below it), refused when they would trigger at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

pytestmark = pytest.mark.integration


@pytest.fixture
def client(sim):
    account = sim.control.binance_account({"USDT": "10000", "BTC": "1"})
    api = Client(account["api_key"], account["api_secret"], ping=False)
    api.API_URL = f"{sim.url}/api"
    api.MARGIN_API_URL = f"{sim.url}/sapi"
    sim.control.set_price("BTCUSDT", "50000.00")
    yield api
    api.close_connection()


def balance(client: Client, asset: str) -> tuple[Decimal, Decimal]:
    row = client.get_asset_balance(asset=asset)
    return Decimal(row["free"]), Decimal(row["locked"])


def test_markets_and_market_data(sim, client):
    client.ping()
    info = client.get_symbol_info("BTCUSDT")
    assert "STOP_LOSS_LIMIT" in info["orderTypes"]
    klines = client.get_klines(symbol="BTCUSDT", interval=Client.KLINE_INTERVAL_1HOUR, limit=24)
    assert len(klines) == 24 and len(klines[0]) == 12 and klines[-1][4] == "50000.00"
    book = client.get_order_book(symbol="BTCUSDT", limit=10)
    assert book["asks"][0][0] == "50000.00000000" and book["bids"][0][0] == "49999.99000000"
    ticker = client.get_ticker(symbol="BTCUSDT")
    assert ticker["lastPrice"] == "50000.00000000" and ticker["symbol"] == "BTCUSDT"
    assert Decimal(ticker["highPrice"]) >= Decimal(ticker["lowPrice"]) > 0
    assert client.get_avg_price(symbol="BTCUSDT")["mins"] == 5
    pairs = client.get_margin_all_pairs()
    assert {"BTCUSDT", "ETHUSDT"} <= {p["symbol"] for p in pairs}
    with pytest.raises(BinanceAPIException) as refused:
        client.get_klines(symbol="BTCUSDT", interval="7m")
    assert refused.value.code == -1120


def test_market_order_with_time_in_force_is_refused(client):
    with pytest.raises(BinanceAPIException) as refused:
        client.create_order(
            symbol="BTCUSDT", side="BUY", type="MARKET", timeInForce="GTC", quantity="0.001"
        )
    assert refused.value.code == -1106
    assert refused.value.message == "Parameter 'timeInForce' sent when not required."
    assert balance(client, "USDT") == (Decimal(10000), 0)  # nothing executed


def test_stop_loss_limit_sell_waits_then_triggers(sim, client):
    order = client.create_order(
        symbol="BTCUSDT",
        side="SELL",
        type="STOP_LOSS_LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price="48900.00",
        stopPrice="49000.00",
    )
    assert set(order) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    got = client.get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "NEW" and got["isWorking"] is False and got["workingTime"] == -1
    assert got["stopPrice"] == "49000.00000000"
    assert balance(client, "BTC") == (Decimal("0.99"), Decimal("0.01"))
    sim.control.set_price("BTCUSDT", "49100.00")  # not yet
    assert client.get_order(symbol="BTCUSDT", orderId=order["orderId"])["status"] == "NEW"
    sim.control.set_price("BTCUSDT", "49000.00")  # triggers: a LIMIT SELL at 48900 that crosses
    got = client.get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "FILLED" and got["isWorking"] is True
    assert got["cummulativeQuoteQty"] == "490.00000000"
    assert balance(client, "BTC") == (Decimal("0.99"), 0)


def test_take_profit_limit_buy_triggers_then_rests(sim, client):
    order = client.create_order(
        symbol="BTCUSDT",
        side="BUY",
        type="TAKE_PROFIT_LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price="47900.00",
        stopPrice="48000.00",
    )
    assert balance(client, "USDT") == (Decimal("9521"), Decimal("479"))
    sim.control.set_price("BTCUSDT", "48000.00")  # triggers: a LIMIT BUY at 47900 rests
    got = client.get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "NEW" and got["isWorking"] is True and got["workingTime"] > 0
    assert [o["orderId"] for o in client.get_open_orders(symbol="BTCUSDT")] == [order["orderId"]]
    sim.control.set_price("BTCUSDT", "47900.00")  # the market reaches the limit: maker fill
    got = client.get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "FILLED" and got["executedQty"] == "0.01000000"
    assert balance(client, "USDT") == (Decimal("9521"), 0)


@pytest.mark.parametrize(
    ("side", "order_type", "stop", "move_to"),
    [
        ("SELL", "STOP_LOSS", "49000.00", "48990.00"),  # below the market, falls through it
        ("BUY", "STOP_LOSS", "51000.00", "51010.00"),  # above, rises through it
        ("SELL", "TAKE_PROFIT", "52000.00", "52000.00"),  # above
        ("BUY", "TAKE_PROFIT", "48000.00", "47990.00"),  # below
    ],
)
def test_market_stop_orders_execute_when_reached(sim, client, side, order_type, stop, move_to):
    order = client.create_order(
        symbol="BTCUSDT", side=side, type=order_type, quantity="0.01", stopPrice=stop
    )
    got = client.get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "NEW" and got["type"] == order_type and got["isWorking"] is False
    sim.control.set_price("BTCUSDT", move_to)
    got = client.get_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert got["status"] == "FILLED" and got["isWorking"] is True
    assert Decimal(got["cummulativeQuoteQty"]) == Decimal(move_to) * Decimal("0.01")
    assert balance(client, "USDT")[1] == 0 and balance(client, "BTC")[1] == 0


@pytest.mark.parametrize(
    ("side", "order_type", "stop"),
    [
        ("SELL", "STOP_LOSS", "50000.00"),
        ("BUY", "STOP_LOSS", "49000.00"),
        ("SELL", "TAKE_PROFIT", "49000.00"),
        ("BUY", "TAKE_PROFIT", "50500.00"),
    ],
)
def test_stop_order_that_would_trigger_at_once_is_refused(client, side, order_type, stop):
    for send in (client.create_order, client.create_test_order):  # order/test checks it too
        with pytest.raises(BinanceAPIException) as refused:
            send(symbol="BTCUSDT", side=side, type=order_type, quantity="0.01", stopPrice=stop)
        assert (refused.value.code, refused.value.message) == (
            -2010,
            "Order would trigger immediately.",
        )


def test_waiting_stop_order_cancels_and_unlocks(sim, client):
    order = client.create_order(
        symbol="BTCUSDT", side="BUY", type="STOP_LOSS", quantity="0.01", stopPrice="51000.00"
    )
    assert balance(client, "USDT") == (Decimal("9490"), Decimal("510"))  # at the stop price
    canceled = client.cancel_order(symbol="BTCUSDT", orderId=order["orderId"])
    assert canceled["status"] == "CANCELED" and canceled["stopPrice"] == "51000.00000000"
    assert balance(client, "USDT") == (Decimal(10000), 0)
    sim.control.set_price("BTCUSDT", "51000.00")
    assert client.get_order(symbol="BTCUSDT", orderId=order["orderId"])["status"] == "CANCELED"


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"type": "STOP_LOSS", "quantity": "0.01"}, -1102, "'stopPrice'"),
        ({"type": "STOP_LOSS_LIMIT", "quantity": "0.01", "price": "48000", "stopPrice": "49000"},
         -1102, "'timeInForce'"),
        ({"type": "STOP_LOSS", "quantity": "0.01", "stopPrice": "49000", "price": "48000"},
         -1106, "'price' sent when not required"),
        ({"type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01", "price": "48000",
          "stopPrice": "49000"}, -1106, "'stopPrice' sent when not required"),
    ],
)  # fmt: skip
def test_stop_order_parameters_are_checked(client, params, code, message):
    with pytest.raises(BinanceAPIException) as refused:
        client.create_order(symbol="BTCUSDT", side="SELL", **params)
    assert refused.value.code == code and message in refused.value.message
