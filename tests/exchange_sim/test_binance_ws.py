"""Binance WebSocket API user-data subscription and market streams on the simulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from tests.exchange_sim.clients import BinanceRest, binance_ws_subscribe_params

pytestmark = pytest.mark.integration


def recv(ws: Any, timeout: float = 3) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


def call(
    ws: Any, method: str, params: dict[str, Any] | None = None, ident: int = 1
) -> dict[str, Any]:
    frame: dict[str, Any] = {"id": ident, "method": method}
    if params is not None:
        frame["params"] = params
    ws.send(json.dumps(frame))
    return recv(ws)


def events(ws: Any, count: int) -> list[dict[str, Any]]:
    return [recv(ws) for _ in range(count)]


@pytest.fixture
def account(sim):
    return sim.control.binance_account({"USDT": "1000", "BTC": "0.5"})


def subscribe(ws: Any, account: dict[str, Any]) -> int:
    reply = call(
        ws,
        "userDataStream.subscribe.signature",
        binance_ws_subscribe_params(account["api_key"], account["api_secret"]),
    )
    assert reply["status"] == 200, reply
    assert reply["rateLimits"][0]["rateLimitType"] == "REQUEST_WEIGHT"
    return reply["result"]["subscriptionId"]


def test_subscribe_and_events_after_api_order(sim, account):
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        sub = subscribe(ws, account)
        assert call(ws, "session.subscriptions")["result"] == [{"subscriptionId": sub}]
        client = BinanceRest(sim.url, account["api_key"], account["api_secret"])
        order = client.order(
            symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="65", newClientOrderId="ws-1"
        ).json()
        new, trade, position = events(ws, 3)
        client.close()
    assert {m["subscriptionId"] for m in (new, trade, position)} == {sub}
    new, trade, position = new["event"], trade["event"], position["event"]
    assert (new["e"], new["x"], new["X"], new["c"], new["i"]) == (
        "executionReport",
        "NEW",
        "NEW",
        "ws-1",
        order["orderId"],
    )
    assert (trade["x"], trade["X"], trade["l"], trade["L"]) == (
        "TRADE",
        "FILLED",
        "0.00100000",
        "65000.00000000",
    )
    assert (
        trade["n"] == "0.00000100"
        and trade["N"] == "BTC"
        and trade["t"] == order["fills"][0]["tradeId"]
    )
    assert trade["Z"] == "65.00000000" and trade["Q"] == "65.00000000" and trade["m"] is False
    assert new["n"] == "0" and new["N"] is None and new["t"] == -1
    required = set("eEscSofqpPFgCxXrilzLnNTtIwmMOZYQWV")
    assert required <= set(trade)
    assert position["e"] == "outboundAccountPosition"
    balances = {b["a"]: b for b in position["B"]}
    assert balances["USDT"] == {"a": "USDT", "f": "935.00000000", "l": "0.00000000"}
    assert balances["BTC"]["f"] == "0.50099900"


def test_events_after_control_trade(sim, account):
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        subscribe(ws, account)
        reply = sim.control.ok(
            "POST",
            f"/sim/binance/accounts/{account['account_id']}/trade",
            json={"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.01"},
        )
        assert reply["status"] == "FILLED" and reply["cummulativeQuoteQty"] == "650.00000000"
        new, trade, position = (m["event"] for m in events(ws, 3))
    assert (new["x"], trade["x"], trade["S"], trade["z"]) == ("NEW", "TRADE", "SELL", "0.01000000")
    assert trade["N"] == "USDT" and trade["n"] == "0.65000000"
    assert {b["a"] for b in position["B"]} == {"BTC", "USDT"}


def test_limit_cancel_events_and_unsubscribe(sim, account):
    client = BinanceRest(sim.url, account["api_key"], account["api_secret"])
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        subscribe(ws, account)
        client.order(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            timeInForce="GTC",
            quantity="0.001",
            price="60000.00",
            newClientOrderId="lim-ws",
        )
        new, locked = (m["event"] for m in events(ws, 2))
        assert new["x"] == "NEW" and new["w"] is True
        assert {b["a"]: b["l"] for b in locked["B"]}["USDT"] == "60.00000000"
        client.signed("DELETE", "/api/v3/order", symbol="BTCUSDT", origClientOrderId="lim-ws")
        canceled = recv(ws)["event"]
        assert (canceled["x"], canceled["X"], canceled["C"]) == ("CANCELED", "CANCELED", "lim-ws")
        recv(ws)  # outboundAccountPosition (unlock)
        assert call(ws, "userDataStream.unsubscribe", {})["result"] == {}
        assert call(ws, "session.subscriptions")["result"] == []
        client.order(symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="10")
        assert call(ws, "ping")["result"] == {}  # the next frame is the reply: no event came
    client.close()


def test_subscribe_errors(sim, account):
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        bad = binance_ws_subscribe_params(account["api_key"], "wrong-secret")
        reply = call(ws, "userDataStream.subscribe.signature", bad)
        assert (reply["status"], reply["error"]["code"]) == (400, -1022)
        unknown = binance_ws_subscribe_params("k" * 64, account["api_secret"])
        reply = call(ws, "userDataStream.subscribe.signature", unknown)
        assert (reply["status"], reply["error"]["code"]) == (401, -2015)
        stale = binance_ws_subscribe_params(account["api_key"], account["api_secret"], ts=1)
        assert call(ws, "userDataStream.subscribe.signature", stale)["error"]["code"] == -1021
        subscribe(ws, account)
        again = call(
            ws,
            "userDataStream.subscribe.signature",
            binance_ws_subscribe_params(account["api_key"], account["api_secret"]),
        )
        assert again["error"]["code"] == -2035
        assert (
            call(ws, "userDataStream.unsubscribe", {"subscriptionId": 99})["error"]["code"] == -2036
        )
        assert "serverTime" in call(ws, "time")["result"]


def test_market_streams(sim):
    with (
        connect(f"{sim.ws_url}/ws/btcusdt@aggTrade") as raw,
        connect(f"{sim.ws_url}/stream?streams=btcusdt@trade/ethusdt@aggTrade") as combined,
    ):
        sim.control.set_price("BTCUSDT", "65100.50")
        agg = recv(raw)
        assert (agg["e"], agg["s"], agg["p"]) == ("aggTrade", "BTCUSDT", "65100.50000000")
        assert {"a", "q", "f", "l", "T", "m", "M"} <= set(agg)
        wrapped = recv(combined)
        assert wrapped["stream"] == "btcusdt@trade" and wrapped["data"]["e"] == "trade"
        combined.send(json.dumps({"method": "SUBSCRIBE", "params": ["bnbusdt@aggTrade"], "id": 7}))
        assert recv(combined) == {"result": None, "id": 7}
        combined.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 8}))
        assert sorted(recv(combined)["result"]) == [
            "bnbusdt@aggTrade",
            "btcusdt@trade",
            "ethusdt@aggTrade",
        ]
        sim.control.set_price("BNBUSDT", "601.00")
        assert recv(combined)["stream"] == "bnbusdt@aggTrade"


def test_legacy_listen_key_stream(sim, account):
    client = BinanceRest(sim.url, account["api_key"], account["api_secret"])
    headers = {"X-MBX-APIKEY": account["api_key"]}
    key = client.http.post("/api/v3/userDataStream", headers=headers).json()["listenKey"]
    assert len(key) == 64
    assert client.http.put(f"/api/v3/userDataStream?listenKey={key}", headers=headers).json() == {}
    with connect(f"{sim.ws_url}/ws/{key}") as ws:
        client.order(symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="10")
        assert recv(ws)["e"] == "executionReport"
    client.http.delete(f"/api/v3/userDataStream?listenKey={key}", headers=headers)
    client.close()


def test_session_logon_with_ed25519_key(sim):
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    account = sim.control.binance_account(
        {"USDT": "100"}, ed25519_public_key=base64.b64encode(public).decode()
    )
    assert account["key_type"] == "ED25519"
    ts = sim.world.clock_ms()
    payload = f"apiKey={account['api_key']}&timestamp={ts}".encode()
    params = {
        "apiKey": account["api_key"],
        "timestamp": ts,
        "signature": base64.b64encode(private.sign(payload)).decode(),
    }
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        assert call(ws, "userDataStream.subscribe")["error"]["code"] == -2015
        logged = call(ws, "session.logon", params)
        assert logged["status"] == 200 and logged["result"]["apiKey"] == account["api_key"]
        assert call(ws, "userDataStream.subscribe")["result"] == {"subscriptionId": 0}
        assert call(ws, "session.status")["result"]["userDataStream"] is True
        sim.control.ok(
            "POST",
            f"/sim/binance/accounts/{account['account_id']}/trade",
            json={"symbol": "BTCUSDT", "side": "BUY", "quoteOrderQty": "10"},
        )
        assert recv(ws)["event"]["e"] == "executionReport"


def test_session_logon_refuses_hmac_keys(sim, account):
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        params = binance_ws_subscribe_params(account["api_key"], account["api_secret"])
        assert call(ws, "session.logon", params)["error"]["code"] == -4056


def test_price_moved_from_the_test_thread_fills_and_streams(sim, account):
    """Tests may drive the world directly from their own thread: fills and events stay consistent."""
    from decimal import Decimal

    client = BinanceRest(sim.url, account["api_key"], account["api_secret"])
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        subscribe(ws, account)
        client.order(
            symbol="BTCUSDT",
            side="BUY",
            type="LIMIT",
            timeInForce="GTC",
            quantity="0.001",
            price="64000.00",
            newClientOrderId="thread-1",
        )
        events(ws, 2)  # NEW + locked balance
        sim.world.market.set_price("BTCUSDT", Decimal("63900.00"))  # not the server's thread
        trade, position = (m["event"] for m in events(ws, 2))
    assert (trade["x"], trade["X"], trade["c"], trade["m"]) == ("TRADE", "FILLED", "thread-1", True)
    assert {b["a"]: b["l"] for b in position["B"]}["USDT"] == "0.00000000"
    client.close()
