"""Binance spot REST on the simulator: strict auth, filters, order semantics, balances."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.exchange_sim.clients import BinanceRest, now_ms

pytestmark = pytest.mark.integration


@pytest.fixture
def bn(sim):
    account = sim.control.binance_account({"USDT": "1000", "BTC": "0.5"})
    client = BinanceRest(sim.url, account["api_key"], account["api_secret"])
    client.info = account
    yield client
    client.close()


def error(response: httpx.Response) -> tuple[int, int, str]:
    body = response.json()
    return response.status_code, body["code"], body["msg"]


def test_public_endpoints(sim):
    assert httpx.get(f"{sim.url}/api/v3/ping").json() == {}
    server_time = httpx.get(f"{sim.url}/api/v3/time").json()["serverTime"]
    assert abs(server_time - now_ms()) < 5000
    info = httpx.get(f"{sim.url}/api/v3/exchangeInfo", params={"symbol": "BTCUSDT"}).json()
    (btc,) = info["symbols"]
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["LOT_SIZE"]["stepSize"] == "0.00001000"
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert filters["NOTIONAL"]["minNotional"] == "5.00000000"
    assert {"MARKET_LOT_SIZE", "NOTIONAL"} <= set(filters)
    assert btc["quoteOrderQtyMarketAllowed"] is True and btc["baseAsset"] == "BTC"
    bad = httpx.get(f"{sim.url}/api/v3/exchangeInfo", params={"symbol": "NOPEUSDT"})
    assert error(bad) == (400, -1121, "Invalid symbol.")


def test_auth_errors(sim, bn):
    wrong = BinanceRest(sim.url, bn.api_key, "not-the-secret")
    assert error(wrong.signed("GET", "/api/v3/account"))[:2] == (400, -1022)
    stale = bn.signed("GET", "/api/v3/account", ts=now_ms() - 10_000)
    assert error(stale) == (400, -1021, "Timestamp for this request is outside of the recvWindow.")
    assert bn.signed("GET", "/api/v3/account", ts=now_ms() - 10_000, recvWindow=60000).is_success
    ahead = bn.signed("GET", "/api/v3/account", ts=now_ms() + 5_000)
    assert error(ahead)[1] == -1021
    unknown = BinanceRest(sim.url, "x" * 64, bn.secret)
    assert error(unknown.signed("GET", "/api/v3/account"))[:2] == (401, -2015)
    missing = httpx.get(f"{sim.url}/api/v3/account?timestamp={now_ms()}&signature=00")
    assert error(missing)[:2] == (401, -2014)
    no_sig = bn.http.get(
        f"/api/v3/account?timestamp={now_ms()}", headers={"X-MBX-APIKEY": bn.api_key}
    )
    assert error(no_sig)[1] == -1102
    wrong.close()
    unknown.close()


def test_signature_case_insensitive_and_form_body(sim, bn):
    query = f"timestamp={now_ms()}"
    upper = bn.sign(query).upper()
    response = bn.http.get(
        f"/api/v3/account?{query}&signature={upper}", headers={"X-MBX-APIKEY": bn.api_key}
    )
    assert response.is_success
    body = f"symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=50&timestamp={now_ms()}"
    placed = bn.signed_body("POST", "/api/v3/order", "", body)
    assert placed.json()["status"] == "FILLED"
    # mixed: query + body, the query wins for a param in both (side=SELL would fail on BTC 0.5)
    mixed = bn.signed_body(
        "POST",
        "/api/v3/order",
        "side=BUY&newOrderRespType=ACK",
        f"symbol=BTCUSDT&side=SELL&type=MARKET&quoteOrderQty=20&timestamp={now_ms()}",
    )
    assert mixed.is_success and set(mixed.json()) == {
        "symbol",
        "orderId",
        "orderListId",
        "clientOrderId",
        "transactTime",
    }
    assert bn.free("BTC") > "0.5"


@pytest.mark.parametrize(
    ("params", "code", "msg"),
    [
        (
            {"symbol": "XXXUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"},
            -1121,
            "Invalid symbol.",
        ),
        ({"side": "BUY", "type": "MARKET", "quantity": "1"}, -1102, None),
        ({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET"}, -1102, None),
        (
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.000001"},
            -1013,
            "Filter failure: LOT_SIZE",
        ),
        (
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.000011"},
            -1013,
            "Filter failure: LOT_SIZE",
        ),
        (
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "4.99"},
            -1013,
            "Filter failure: NOTIONAL",
        ),
        (
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.001",
                "price": "60000.005",
            },
            -1013,
            "Filter failure: PRICE_FILTER",
        ),
        (
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "timeInForce": "GTC",
                "quantity": "0.00001",
                "price": "60000",
            },
            -1013,
            "Filter failure: NOTIONAL",
        ),
        (
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.000000001"},
            -1111,
            "Parameter 'quantity' has too much precision.",
        ),
        (
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "LIMIT",
                "quantity": "0.001",
                "price": "60000",
            },
            -1102,
            None,
        ),
        (
            {"symbol": "BTCUSDT", "side": "UP", "type": "MARKET", "quantity": "0.001"},
            -1117,
            "Invalid side.",
        ),
        (
            {
                "symbol": "BTCUSDT",
                "side": "BUY",
                "type": "MARKET",
                "quantity": "0.001",
                "newClientOrderId": "bad id!",
            },
            -1100,
            None,
        ),
        (
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"},
            -2010,
            "Account has insufficient balance for requested action.",
        ),
    ],
)
def test_order_rejections(bn, params, code, msg):
    before = bn.account()["balances"]
    status, got_code, got_msg = error(bn.order(**params))
    assert (status, got_code) == (400, code)
    if msg:
        assert got_msg == msg
    assert bn.account()["balances"] == before


def test_market_by_quote_and_by_quantity(sim, bn):
    sim.control.set_price("BTCUSDT", "50000.00")
    buy = bn.order(symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="100").json()
    # 100 / 50000 = 0.002 BTC exactly; fee 0.1 % in BTC
    assert buy["origQty"] == buy["executedQty"] == "0.00200000"
    assert buy["cummulativeQuoteQty"] == "100.00000000"
    assert buy["origQuoteOrderQty"] == "100.00000000"
    assert buy["fills"] == [
        {
            "price": "50000.00000000",
            "qty": "0.00200000",
            "commission": "0.00000200",
            "commissionAsset": "BTC",
            "tradeId": buy["fills"][0]["tradeId"],
        }
    ]
    assert bn.free("USDT") == "900.00000000" and bn.free("BTC") == "0.50199800"
    sim.control.set_price("BTCUSDT", "60000.00")
    sell = bn.order(symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.01").json()
    assert sell["status"] == "FILLED" and sell["cummulativeQuoteQty"] == "600.00000000"
    assert (
        sell["fills"][0]["commission"] == "0.60000000"
        and sell["fills"][0]["commissionAsset"] == "USDT"
    )
    assert bn.free("USDT") == "1499.40000000" and bn.free("BTC") == "0.49199800"
    # quote-sized SELL: executed quantity floors to the LOT_SIZE step
    odd = bn.order(symbol="BTCUSDT", side="SELL", type="MARKET", quoteOrderQty="100").json()
    assert odd["executedQty"] == "0.00166000"
    trades = bn.signed("GET", "/api/v3/myTrades", symbol="BTCUSDT").json()
    assert [t["orderId"] for t in trades] == [buy["orderId"], sell["orderId"], odd["orderId"]]
    assert trades[0]["isBuyer"] is True and trades[0]["quoteQty"] == "100.00000000"


def test_response_types_and_query(bn):
    ack = bn.order(
        symbol="ETHUSDT", side="BUY", type="MARKET", quoteOrderQty="10", newOrderRespType="ACK"
    ).json()
    assert set(ack) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    assert len(ack["clientOrderId"]) == 22
    result = bn.order(
        symbol="ETHUSDT", side="BUY", type="MARKET", quoteOrderQty="10", newOrderRespType="RESULT"
    ).json()
    assert "fills" not in result and result["workingTime"] == result["transactTime"]
    got = bn.signed("GET", "/api/v3/order", symbol="ETHUSDT", orderId=ack["orderId"]).json()
    assert got["status"] == "FILLED" and got["isWorking"] is True and got["type"] == "MARKET"
    by_client = bn.signed(
        "GET", "/api/v3/order", symbol="ETHUSDT", origClientOrderId=ack["clientOrderId"]
    ).json()
    assert by_client == got
    other_symbol = bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", orderId=ack["orderId"])
    assert error(other_symbol) == (400, -2013, "Order does not exist.")
    assert (
        bn.signed(
            "POST",
            "/api/v3/order/test",
            symbol="ETHUSDT",
            side="BUY",
            type="MARKET",
            quoteOrderQty="10",
        ).json()
        == {}
    )


def test_limit_rests_locks_and_fills_when_crossed(sim, bn):
    sim.control.set_price("BTCUSDT", "65000.00")
    placed = bn.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price="64000.00",
        newClientOrderId="lim-1",
    ).json()
    assert placed["status"] == "NEW" and placed["fills"] == []
    usdt = {b["asset"]: b for b in bn.account()["balances"]}["USDT"]
    assert usdt == {"asset": "USDT", "free": "360.00000000", "locked": "640.00000000"}
    assert [
        o["clientOrderId"] for o in bn.signed("GET", "/api/v3/openOrders", symbol="BTCUSDT").json()
    ] == ["lim-1"]
    sim.control.set_price("BTCUSDT", "64500.00")
    assert (
        bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="lim-1").json()[
            "status"
        ]
        == "NEW"
    )
    sim.control.set_price("BTCUSDT", "63990.00")
    filled = bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="lim-1").json()
    assert filled["status"] == "FILLED" and filled["cummulativeQuoteQty"] == "640.00000000"
    usdt = {b["asset"]: b for b in bn.account()["balances"]}["USDT"]
    assert usdt["locked"] == "0.00000000" and usdt["free"] == "360.00000000"
    trade = bn.signed("GET", "/api/v3/myTrades", symbol="BTCUSDT").json()[-1]
    assert trade["isMaker"] is True and trade["price"] == "64000.00000000"


def test_limit_crossing_at_once_and_partial_fills(sim):
    acc = sim.control.binance_account({"USDT": "10000"}, limit_fill_parts=2)
    client = BinanceRest(sim.url, acc["api_key"], acc["api_secret"])
    sim.control.set_price("BTCUSDT", "65000.00")
    taker = client.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price="66000.00",
    ).json()
    assert taker["status"] == "FILLED" and taker["fills"][0]["price"] == "65000.00000000"
    assert client.free("USDT") == "9350.00000000"
    resting = client.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.01",
        price="60000.00",
    ).json()
    sim.control.set_price("BTCUSDT", "59000.00")
    half = client.signed(
        "GET", "/api/v3/order", symbol="BTCUSDT", orderId=resting["orderId"]
    ).json()
    assert (half["status"], half["executedQty"]) == ("PARTIALLY_FILLED", "0.00500000")
    sim.control.set_price("BTCUSDT", "58000.00")
    done = client.signed(
        "GET", "/api/v3/order", symbol="BTCUSDT", orderId=resting["orderId"]
    ).json()
    assert (done["status"], done["executedQty"]) == ("FILLED", "0.01000000")
    ioc = client.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="IOC",
        quantity="0.01",
        price="50000.00",
    ).json()
    assert ioc["status"] == "EXPIRED"
    maker = client.order(
        symbol="BTCUSDT", side="BUY", type="LIMIT_MAKER", quantity="0.01", price="60000.00"
    )
    assert error(maker) == (400, -2010, "Order would immediately match and take.")
    client.close()


def test_duplicate_only_while_open(sim, bn):
    sim.control.set_price("BTCUSDT", "65000.00")
    first = bn.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.001",
        price="60000.00",
        newClientOrderId="dup-1",
    )
    assert first.json()["status"] == "NEW"
    again = bn.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.001",
        price="60000.00",
        newClientOrderId="dup-1",
    )
    assert error(again) == (400, -2010, "Duplicate order sent.")
    # a filled id is accepted again — a blind MARKET retry really executes twice
    one = bn.order(
        symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="10", newClientOrderId="mkt-1"
    )
    two = bn.order(
        symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="10", newClientOrderId="mkt-1"
    )
    assert one.json()["status"] == two.json()["status"] == "FILLED"
    assert one.json()["orderId"] != two.json()["orderId"]
    latest = bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="mkt-1").json()
    assert latest["orderId"] == two.json()["orderId"]


def test_cancel_and_unknown_order(sim, bn):
    sim.control.set_price("BTCUSDT", "65000.00")
    placed = bn.order(
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.1",
        price="70000.00",
        newClientOrderId="c-1",
    ).json()
    btc = {b["asset"]: b for b in bn.account()["balances"]}["BTC"]
    assert (btc["free"], btc["locked"]) == ("0.40000000", "0.10000000")
    canceled = bn.signed(
        "DELETE", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="c-1"
    ).json()
    assert canceled["status"] == "CANCELED" and canceled["origClientOrderId"] == "c-1"
    assert canceled["orderId"] == placed["orderId"] and canceled["clientOrderId"] != "c-1"
    assert bn.free("BTC") == "0.50000000"
    again = bn.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="c-1")
    assert error(again) == (400, -2011, "Unknown order sent.")
    missing = bn.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=1)
    assert error(missing)[1] == -2011
    assert error(bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", orderId=1)) == (
        400,
        -2013,
        "Order does not exist.",
    )


def test_account_shape_and_headers(bn):
    response = bn.signed("GET", "/api/v3/account", omitZeroBalances="true")
    account = response.json()
    assert {
        "makerCommission",
        "takerCommission",
        "commissionRates",
        "canTrade",
        "updateTime",
        "accountType",
        "balances",
        "permissions",
        "uid",
    } <= set(account)
    assert account["accountType"] == "SPOT" and account["takerCommission"] == 10
    assert {"asset": "BTC", "free": "0.50000000", "locked": "0.00000000"} in account["balances"]
    assert int(response.headers["X-MBX-USED-WEIGHT-1M"]) >= 20
    placed = bn.order(symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="10")
    assert placed.headers["X-MBX-ORDER-COUNT-10S"] == "1"
    assert placed.headers["X-MBX-ORDER-COUNT-1D"] == "1"


def test_quote_balance_math_uses_decimal(sim, bn):
    sim.control.set_price("ETHUSDT", "3333.33")
    fill = bn.order(symbol="ETHUSDT", side="BUY", type="MARKET", quoteOrderQty="100").json()
    qty = Decimal(fill["executedQty"])
    assert qty == (Decimal(100) / Decimal("3333.33")).quantize(
        Decimal("0.0001"), rounding="ROUND_DOWN"
    )
    assert Decimal(fill["cummulativeQuoteQty"]) == qty * Decimal("3333.33")
    assert Decimal(bn.free("USDT")) == Decimal(1000) - qty * Decimal("3333.33")


def test_all_orders_lists_every_state(sim, bn):
    sim.control.set_price("BTCUSDT", "65000.00")
    filled = bn.order(symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="10").json()
    resting = bn.order(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        timeInForce="GTC",
        quantity="0.001",
        price="60000.00",
    ).json()
    bn.order(symbol="ETHUSDT", side="BUY", type="MARKET", quoteOrderQty="10")
    rows = bn.signed("GET", "/api/v3/allOrders", symbol="BTCUSDT").json()
    assert [(r["orderId"], r["status"]) for r in rows] == [
        (filled["orderId"], "FILLED"),
        (resting["orderId"], "NEW"),
    ]
    later = bn.signed(
        "GET", "/api/v3/allOrders", symbol="BTCUSDT", orderId=resting["orderId"]
    ).json()
    assert [r["orderId"] for r in later] == [resting["orderId"]]


def test_malformed_numbers_are_venue_errors_not_500(bn):
    assert error(bn.signed("GET", "/api/v3/myTrades", symbol="BTCUSDT", limit="ten"))[:2] == (
        400,
        -1100,
    )
    assert error(bn.order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1e-3"))[:2] == (
        400,
        -1100,
    )
    assert error(bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", orderId="abc"))[1] == -2013
