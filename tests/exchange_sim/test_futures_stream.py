"""Futures listenKey REST flow and the user-data WebSocket events."""

from __future__ import annotations

from decimal import Decimal

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.exchange_sim.simb_support import BinanceSigner, sim_client


@pytest.fixture
def fut():
    with sim_client() as (client, world):
        body = client.post("/sim/futures/accounts", json={"balance": "5000"}).json()
        yield BinanceSigner(client, world, body["api_key"], body["secret"])


def _key(fut, method="POST"):
    return fut.client.request(method, "/fapi/v1/listenKey", headers={"X-MBX-APIKEY": fut.api_key})


def test_listen_key_lifecycle(fut):
    first = _key(fut).json()["listenKey"]
    assert len(first) == 64
    assert _key(fut).json()["listenKey"] == first  # an active key is returned again
    assert _key(fut, "PUT").json() == {"listenKey": first}
    assert _key(fut, "DELETE").json() == {}
    assert _key(fut, "PUT").json()["code"] == -1125
    assert fut.client.post("/fapi/v1/listenKey").json()["code"] == -2014


def test_stream_events_for_tp_trigger_in_order(fut):
    key = _key(fut).json()["listenKey"]
    with fut.client.websocket_connect(f"/fstream/ws/{key}") as ws:
        fut.request("POST", "/fapi/v1/order", symbol="ETHUSDT", side="SELL", type="MARKET",
                    quantity="1.000")  # fmt: skip
        kinds = [ws.receive_json() for _ in range(3)]
        assert [(e["e"], e["o"]["X"]) for e in kinds[:2]] == [
            ("ORDER_TRADE_UPDATE", "NEW"), ("ORDER_TRADE_UPDATE", "FILLED")]  # fmt: skip
        account = kinds[2]["a"]
        assert kinds[2]["e"] == "ACCOUNT_UPDATE" and account["m"] == "ORDER"
        assert account["P"][0]["pa"] == "-1.000" and account["P"][0]["ep"] == "3200.00000000"
        fut.request("POST", "/fapi/v1/algoOrder", algoType="CONDITIONAL", symbol="ETHUSDT",
                    side="BUY", type="STOP_MARKET", triggerPrice="3300", closePosition="true",
                    clientAlgoId="sl-eth")  # fmt: skip
        assert ws.receive_json()["o"]["X"] == "NEW"
        fut.world.market.set_price("ETHUSDT", Decimal("3310"))
        events = [ws.receive_json() for _ in range(5)]
    summary = [(e["e"], e["o"]["X"] if "o" in e else e["a"]["m"]) for e in events]
    assert summary == [
        ("ALGO_UPDATE", "TRIGGERED"),
        ("ORDER_TRADE_UPDATE", "NEW"),
        ("ORDER_TRADE_UPDATE", "FILLED"),
        ("ACCOUNT_UPDATE", "ORDER"),
        ("ALGO_UPDATE", "FINISHED"),
    ]
    trade = events[2]["o"]
    assert trade["rp"] == "-110.00000000" and trade["ot"] == "STOP_MARKET" and trade["cp"] is True
    assert events[4]["o"]["ai"] == str(trade["i"]) and events[4]["o"]["caid"] == "sl-eth"


def test_listen_key_expiry_event(fut):
    key = _key(fut).json()["listenKey"]
    with fut.client.websocket_connect(f"/fstream/ws/{key}") as ws:
        fut.client.post(f"/sim/futures/accounts/{fut.api_key}/listen-key/expire")
        event = ws.receive_json()
    assert event["e"] == "listenKeyExpired" and event["listenKey"] == key
    assert _key(fut).json()["listenKey"] != key


def test_unknown_listen_key_is_refused(fut):
    with pytest.raises(WebSocketDisconnect):
        with fut.client.websocket_connect("/fstream/ws/not-a-key") as ws:
            ws.receive_json()


def test_ws_disconnect_fault(fut):
    key = _key(fut).json()["listenKey"]
    with fut.client.websocket_connect(f"/fstream/ws/{key}") as ws:
        fut.world.faults.arm("ws_disconnect", account=fut.api_key)
        message = ws.receive()
    assert message["type"] == "websocket.close"
