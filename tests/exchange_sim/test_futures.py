"""Binance USDⓈ-M futures in the simulator: signing, orders, algo TP/SL, positions, income."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from exchange_sim.futures.auth import verify_signature
from tests.exchange_sim.simb_support import BinanceSigner, sim_client

ORDER_FIELDS = {
    "orderId", "symbol", "status", "clientOrderId", "price", "avgPrice", "origQty",
    "executedQty", "cumQty", "cumQuote", "timeInForce", "type", "reduceOnly", "closePosition",
    "side", "positionSide", "stopPrice", "workingType", "priceProtect", "origType", "priceMatch",
    "selfTradePreventionMode", "goodTillDate", "time", "updateTime",
}  # fmt: skip


@pytest.fixture
def fut():
    with sim_client() as (client, world):
        made = client.post("/sim/futures/accounts", json={"balance": "10000", "leverage": 10})
        assert made.status_code == 200
        body = made.json()
        yield BinanceSigner(client, world, body["api_key"], body["secret"])


def test_official_vector_accepted_by_verifier():
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    query = (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
        "&recvWindow=5000&timestamp=1499827319559"
    )
    good = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    assert verify_signature(secret, f"{query}&signature={good}", "")
    assert verify_signature(secret, "", f"{query}&signature={good.upper()}")
    assert verify_signature(secret, query[:30], query[30:] + f"&signature={good}")
    assert not verify_signature(secret, f"{query}&signature={good[:-1]}0", "")


def test_auth_errors(fut):
    c = fut.client
    assert c.get("/fapi/v2/balance").json()["code"] == -2014
    r = c.get("/fapi/v2/balance?timestamp=1", headers={"X-MBX-APIKEY": "nope"})
    assert (r.status_code, r.json()["code"]) == (401, -2015)
    bad = BinanceSigner(c, fut.world, fut.api_key, "wrong-secret")
    r = bad.request("GET", "/fapi/v2/balance")
    assert (r.status_code, r.json()) == (
        400,
        {"code": -1022, "msg": "Signature for this request is not valid."},
    )
    r = fut.request("GET", "/fapi/v2/balance", timestamp=fut.world.clock_ms() - 10_000)
    assert r.json()["code"] == -1021
    r = fut.request("GET", "/fapi/v2/balance", timestamp=fut.world.clock_ms() + 5_000)
    assert r.json()["code"] == -1021


def test_exchange_info_min_notional_uses_notional(fut):
    info = fut.client.get("/fapi/v1/exchangeInfo").json()
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["MIN_NOTIONAL"] == {"filterType": "MIN_NOTIONAL", "notional": "100"}
    assert filters["LOT_SIZE"]["stepSize"] == "0.001"
    assert btc["contractType"] == "PERPETUAL"


def test_market_order_result_and_ack(fut):
    r = fut.request(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
        quantity="0.010", newOrderRespType="RESULT", newClientOrderId="sig-1",
    )  # fmt: skip
    body = r.json()
    assert r.status_code == 200 and set(body) == ORDER_FIELDS
    assert body["status"] == "FILLED" and body["clientOrderId"] == "sig-1"
    assert body["avgPrice"] == "65000.00000000" and body["cumQuote"] == "650.00000"
    assert isinstance(body["orderId"], int) and body["reduceOnly"] is False
    assert "x-mbx-used-weight-1m" in r.headers
    ack = fut.body_request(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002"
    ).json()
    assert ack["status"] == "NEW" and ack["executedQty"] == "0.000"
    got = fut.request("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=ack["orderId"]).json()
    assert got["status"] == "FILLED" and got["executedQty"] == "0.002"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"type": "STOP_MARKET", "quantity": "0.01", "stopPrice": "60000"}, -4120),
        ({"type": "TAKE_PROFIT_MARKET", "quantity": "0.01"}, -4120),
        ({"type": "MARKET", "quantity": "0.001"}, -4164),  # 65 USDT < 100 notional
        ({"type": "MARKET", "quantity": "0.0015"}, -1111),
        ({"type": "MARKET", "quantity": "2"}, -2019),  # 130k notional / 10x > 10k wallet
        ({"type": "LIMIT", "quantity": "0.01", "price": "60000"}, -1102),  # no timeInForce
        ({"type": "MARKET", "quantity": "0.01", "reduceOnly": "true"}, -2022),
    ],
)
def test_order_rejections(fut, params, code):
    r = fut.request("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", **params)
    assert r.status_code == 400 and r.json()["code"] == code


def test_duplicate_client_id_only_while_open(fut):
    limit = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    first = fut.request("POST", "/fapi/v1/order", quantity="0.01", price="60000",
                        newClientOrderId="dup-1", **limit)  # fmt: skip
    assert first.json()["status"] == "NEW"
    again = fut.request("POST", "/fapi/v1/order", quantity="0.01", price="60000",
                        newClientOrderId="dup-1", **limit)  # fmt: skip
    assert again.json()["code"] == -4116
    fut.world.market.set_price("BTCUSDT", Decimal("59990"))  # the resting order fills (maker)
    got = fut.request("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="dup-1")
    assert got.json()["status"] == "FILLED" and got.json()["avgPrice"] == "60000.00000000"
    reused = fut.request("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                         quantity="0.01", newClientOrderId="dup-1")  # fmt: skip
    assert reused.status_code == 200
    trades = fut.request("GET", "/fapi/v1/userTrades", symbol="BTCUSDT").json()
    assert [t["maker"] for t in trades] == [True, False]
    assert trades[0]["commission"] == "0.12000000"  # 600 × 0.02 % maker


def test_cancel_and_lookup_errors(fut):
    r = fut.request("POST", "/fapi/v1/order", symbol="ETHUSDT", side="SELL", type="LIMIT",
                    timeInForce="GTC", quantity="0.1", price="3500", newClientOrderId="c-1")  # fmt: skip
    assert r.json()["status"] == "NEW"
    assert len(fut.request("GET", "/fapi/v1/openOrders").json()) == 1
    gone = fut.request("DELETE", "/fapi/v1/order", symbol="ETHUSDT", origClientOrderId="c-1")
    assert gone.json()["status"] == "CANCELED"
    again = fut.request("DELETE", "/fapi/v1/order", symbol="ETHUSDT", origClientOrderId="c-1")
    assert again.json() == {"code": -2011, "msg": "Unknown order sent."}
    missing = fut.request("GET", "/fapi/v1/order", symbol="ETHUSDT", origClientOrderId="zz")
    assert missing.json() == {"code": -2013, "msg": "Order does not exist."}


def test_position_tp_trigger_and_income(fut):
    w = fut.world
    buy = fut.request("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                      quantity="0.100", newOrderRespType="RESULT").json()  # fmt: skip
    assert buy["status"] == "FILLED"
    algo = dict(algoType="CONDITIONAL", symbol="BTCUSDT", side="SELL", closePosition="true")
    tp = fut.request("POST", "/fapi/v1/algoOrder", type="TAKE_PROFIT_MARKET",
                     triggerPrice="66000", clientAlgoId="tp-1", **algo).json()  # fmt: skip
    sl = fut.request("POST", "/fapi/v1/algoOrder", type="STOP_MARKET",
                     triggerPrice="64000", clientAlgoId="sl-1", **algo).json()  # fmt: skip
    assert (tp["algoStatus"], sl["algoStatus"], tp["orderType"]) == (
        "NEW", "NEW", "TAKE_PROFIT_MARKET")  # fmt: skip
    assert len(fut.request("GET", "/fapi/v1/openAlgoOrders", symbol="BTCUSDT").json()) == 2
    v2 = fut.request("GET", "/fapi/v2/positionRisk", symbol="BTCUSDT").json()[0]
    assert (v2["positionAmt"], v2["entryPrice"], v2["leverage"]) == (
        "0.100",
        "65000.00000000",
        "10",
    )
    w.market.set_price("BTCUSDT", Decimal("65500"))
    v3 = fut.request("GET", "/fapi/v3/positionRisk").json()
    assert v3[0]["unRealizedProfit"] == "50.00000000" and "leverage" not in v3[0]
    w.market.set_price("BTCUSDT", Decimal("66010"))
    done = fut.request("GET", "/fapi/v1/algoOrder", algoId=tp["algoId"]).json()
    assert done["algoStatus"] == "FINISHED" and done["actualOrderId"]
    other = fut.request("GET", "/fapi/v1/algoOrder", clientAlgoId="sl-1").json()
    assert other["algoStatus"] == "EXPIRED"  # nothing left to close
    assert fut.request("GET", "/fapi/v3/positionRisk").json() == []
    income = fut.request("GET", "/fapi/v1/income", symbol="BTCUSDT").json()
    pnl = [i for i in income if i["incomeType"] == "REALIZED_PNL"]
    fees = [Decimal(i["income"]) for i in income if i["incomeType"] == "COMMISSION"]
    assert [p["income"] for p in pnl] == ["101.00000000"]  # 0.1 × (66010 − 65000)
    assert fees == [Decimal("-3.25"), Decimal("-3.3005")]
    trades = fut.request("GET", "/fapi/v1/userTrades", symbol="BTCUSDT").json()
    assert trades[-1]["realizedPnl"] == "101.00000000" and trades[-1]["side"] == "SELL"
    bal = fut.request("GET", "/fapi/v2/balance").json()[0]
    assert Decimal(bal["balance"]) == Decimal(10000) + 101 - Decimal("6.5505")


def test_algo_validation(fut):
    base = dict(algoType="CONDITIONAL", symbol="BTCUSDT", side="SELL", quantity="0.01")
    now = fut.request("POST", "/fapi/v1/algoOrder", type="STOP_MARKET", triggerPrice="66000",
                      **base)  # fmt: skip
    assert now.json()["code"] == -2021  # a SELL stop above the price would fire at once
    both = fut.request("POST", "/fapi/v1/algoOrder", type="STOP_MARKET", triggerPrice="60000",
                       closePosition="true", **base)  # fmt: skip
    assert both.status_code == 400
    ok = fut.request("POST", "/fapi/v1/algoOrder", type="STOP_MARKET", triggerPrice="60000",
                     **base).json()  # fmt: skip
    gone = fut.request("DELETE", "/fapi/v1/algoOrder", algoId=ok["algoId"]).json()
    assert gone["algoId"] == ok["algoId"]
    assert fut.request("GET", "/fapi/v1/algoOrder", algoId=ok["algoId"]).json()[
        "algoStatus"] == "CANCELED"  # fmt: skip


def test_leverage_and_margin_type(fut):
    r = fut.request("POST", "/fapi/v1/leverage", symbol="ETHUSDT", leverage=25).json()
    assert r == {"leverage": 25, "maxNotionalValue": "1000000", "symbol": "ETHUSDT"}
    assert (
        fut.request("POST", "/fapi/v1/leverage", symbol="ETHUSDT", leverage=200).status_code == 400
    )
    r = fut.request("POST", "/fapi/v1/marginType", symbol="ETHUSDT", marginType="CROSSED")
    assert r.json()["code"] == -4046
    r = fut.request("POST", "/fapi/v1/marginType", symbol="ETHUSDT", marginType="ISOLATED")
    assert r.json() == {"code": 200, "msg": "success"}


def test_faults_after_execution(fut):
    w = fut.world
    w.faults.arm("drop_reply", account=fut.api_key)
    with pytest.raises(ConnectionAbortedError):
        fut.request("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                    quantity="0.01", newClientOrderId="lost-1")  # fmt: skip
    got = fut.request("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="lost-1")
    assert got.json()["status"] == "FILLED"  # executed although the reply was dropped
    w.faults.arm("error_after_exec", account=fut.api_key, status=503)
    r = fut.request("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                    quantity="0.01", newClientOrderId="lost-2")  # fmt: skip
    assert r.status_code == 503
    w.faults.arm("not_found_window", account=fut.api_key, ms=60_000)
    fut.request("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                quantity="0.01", newClientOrderId="fresh-1")  # fmt: skip
    hidden = fut.request("GET", "/fapi/v1/order", symbol="BTCUSDT", origClientOrderId="fresh-1")
    assert hidden.json()["code"] == -2013
    positions = fut.request("GET", "/fapi/v3/positionRisk").json()
    assert positions[0]["positionAmt"] == "0.030"


def test_rate_limit_then_ban(fut):
    fut.world.faults.arm("rate_limit", account=fut.api_key, retry_after=30)
    first = fut.request("GET", "/fapi/v2/balance")
    assert first.status_code == 429 and first.headers["Retry-After"] == "30"
    assert first.json()["code"] == -1003
    assert fut.request("GET", "/fapi/v2/balance").status_code == 418


def test_klines_follow_market(fut):
    rows = fut.client.get("/fapi/v1/klines", params={"symbol": "BTCUSDT", "interval": "15m",
                                                     "limit": 200}).json()  # fmt: skip
    assert len(rows) == 200 and all(len(r) == 12 for r in rows)
    assert [b[0] - a[0] for a, b in itertools.pairwise(rows)] == [900_000] * 199
    assert rows[-1][4] == "65000.00"
    fut.world.market.set_price("BTCUSDT", Decimal("65321.50"))
    last = fut.client.get("/fapi/v1/klines?symbol=BTCUSDT&interval=15m&limit=2").json()
    assert last[-1][4] == "65321.50" and last[0][:5] == rows[-2][:5]
    for row in rows:
        o, h, lo, c = (Decimal(x) for x in row[1:5])
        assert lo <= min(o, c) and h >= max(o, c)
    bad = fut.client.get("/fapi/v1/klines?symbol=BTCUSDT&interval=7m")
    assert bad.json()["code"] == -1120
