"""Every fault of docs/protocols.md §10 on the simulator, per account and global."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.exchange_sim.clients import BinanceRest, BitgetRest, binance_ws_subscribe_params

pytestmark = pytest.mark.integration

MARKET = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "65"}


@pytest.fixture
def bn(sim):
    account = sim.control.binance_account({"USDT": "1000"})
    client = BinanceRest(sim.url, account["api_key"], account["api_secret"])
    client.info = account
    yield client
    client.close()


def lookup(bn: BinanceRest, client_id: str) -> httpx.Response:
    return bn.signed("GET", "/api/v3/order", symbol="BTCUSDT", origClientOrderId=client_id)


def test_drop_reply_executes_then_resets(sim, bn):
    sim.control.fault("drop_reply", account=bn.api_key)
    with pytest.raises(httpx.TransportError):
        bn.order(**MARKET, newClientOrderId="drop-1")
    assert lookup(bn, "drop-1").json()["status"] == "FILLED"
    assert bn.free("USDT") == "935.00000000"
    assert bn.order(**MARKET).is_success  # count 1: used up


def test_drop_reply_hang_is_a_read_timeout(sim, bn):
    sim.control.fault("drop_reply", account=bn.api_key, mode="hang", ms=2000)
    with pytest.raises(httpx.ReadTimeout):
        bn.http.post(  # the client gives up first: a read timeout, not a reset
            "/api/v3/order",
            params=_signed(bn, newClientOrderId="hang-1"),
            headers={"X-MBX-APIKEY": bn.api_key},
            timeout=0.5,
        )
    assert lookup(bn, "hang-1").json()["status"] == "FILLED"


def _signed(bn: BinanceRest, **extra: str) -> str:
    from urllib.parse import urlencode

    from tests.exchange_sim.clients import now_ms

    query = urlencode({**MARKET, **extra, "timestamp": now_ms()})
    return f"{query}&signature={bn.sign(query)}"


def test_error_after_exec_5xx_and_1007(sim, bn):
    sim.control.fault("error_after_exec", account=bn.api_key)
    response = bn.order(**MARKET, newClientOrderId="e5xx")
    assert response.status_code == 503 and response.json()["code"] == -1001
    assert lookup(bn, "e5xx").json()["status"] == "FILLED"
    sim.control.fault("error_after_exec", account=bn.api_key, code=-1007)
    response = bn.order(**MARKET, newClientOrderId="e1007")
    assert response.json()["code"] == -1007 and "execution status unknown" in response.json()["msg"]
    assert lookup(bn, "e1007").json()["status"] == "FILLED"


def test_not_found_window(sim, bn):
    sim.control.fault("not_found_window", account=bn.api_key, ms=600)
    assert bn.order(**MARKET, newClientOrderId="nf-1").json()["status"] == "FILLED"
    assert lookup(bn, "nf-1").json()["code"] == -2013
    assert bn.signed("GET", "/api/v3/myTrades", symbol="BTCUSDT").json() == []
    time.sleep(0.7)
    assert lookup(bn, "nf-1").json()["status"] == "FILLED"


def test_duplicate_fault(sim, bn):
    sim.control.fault("duplicate", account=bn.api_key)
    response = bn.order(**MARKET, newClientOrderId="dup-f")
    assert response.json() == {"code": -2010, "msg": "Duplicate order sent."}
    assert lookup(bn, "dup-f").json()["status"] == "FILLED"  # executed, then called a duplicate
    sim.control.fault("duplicate", account=bn.api_key, execute=False)
    assert bn.order(**MARKET, newClientOrderId="dup-g").json()["code"] == -2010
    assert lookup(bn, "dup-g").json()["code"] == -2013


def test_rate_limit_then_ban(sim, bn):
    sim.control.fault("rate_limit", account=bn.api_key, retry_after=1, ban_seconds=2)
    limited = bn.signed("GET", "/api/v3/account")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert limited.json()["code"] == -1003
    banned = bn.signed("GET", "/api/v3/account")  # did not wait: IP ban
    assert banned.status_code == 418 and int(banned.headers["Retry-After"]) >= 1
    time.sleep(2.1)
    assert bn.signed("GET", "/api/v3/account").is_success


def test_rate_limit_respected_retry_after_is_served(sim, bn):
    sim.control.fault("rate_limit", account=bn.api_key, retry_after=1)
    assert bn.signed("GET", "/api/v3/account").status_code == 429
    time.sleep(1.05)
    assert bn.signed("GET", "/api/v3/account").is_success


def test_reject_auth_and_global_faults(sim, bn):
    other = sim.control.binance_account({"USDT": "100"})
    other_client = BinanceRest(sim.url, other["api_key"], other["api_secret"])
    sim.control.fault("reject_auth", account=bn.api_key, count=-1)
    assert bn.signed("GET", "/api/v3/account").status_code == 401
    assert other_client.signed("GET", "/api/v3/account").is_success  # per account
    sim.control.clear_faults()
    assert bn.signed("GET", "/api/v3/account").is_success
    sim.control.fault("error_after_exec", count=2)  # global
    assert bn.order(**MARKET).status_code == 503
    assert other_client.order(**MARKET).status_code == 503
    assert bn.order(**MARKET).is_success
    other_client.close()


@contextmanager
def ws_subscribed(sim, bn: BinanceRest) -> Iterator[Any]:
    with connect(f"{sim.ws_url}/ws-api/v3") as ws:
        params = binance_ws_subscribe_params(bn.api_key, bn.secret)
        frame = {"id": 1, "method": "userDataStream.subscribe.signature", "params": params}
        ws.send(json.dumps(frame))
        assert json.loads(ws.recv(timeout=3))["status"] == 200
        yield ws


def test_ws_disconnect(sim, bn):
    with ws_subscribed(sim, bn) as ws:
        sim.control.fault("ws_disconnect", account=bn.api_key)
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=3)


def test_ws_stall_swallows_events_but_keeps_the_socket(sim, bn):
    with ws_subscribed(sim, bn) as ws:
        sim.control.fault("ws_stall", account=bn.api_key, count=3)
        bn.order(**MARKET, newClientOrderId="stall-1")  # NEW, TRADE, position: all swallowed
        bn.order(**MARKET, newClientOrderId="stall-2")
        first = json.loads(ws.recv(timeout=3))["event"]
        assert first["c"] == "stall-2" and first["x"] == "NEW"


def test_ws_delay(sim, bn):
    with ws_subscribed(sim, bn) as ws:
        sim.control.fault("ws_delay", account=bn.api_key, ms=400)
        started = time.monotonic()
        bn.order(**MARKET)
        assert json.loads(ws.recv(timeout=3))["event"]["x"] == "NEW"
        assert time.monotonic() - started >= 0.4


def test_listen_key_expired(sim, bn):
    headers = {"X-MBX-APIKEY": bn.api_key}
    key = bn.http.post("/api/v3/userDataStream", headers=headers).json()["listenKey"]
    with connect(f"{sim.ws_url}/ws/{key}") as ws:
        sim.control.fault("listen_key_expired", account=bn.api_key)
        event = json.loads(ws.recv(timeout=3))
        assert event["e"] == "listenKeyExpired" and event["listenKey"] == key
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=3)
    gone = bn.http.put(f"/api/v3/userDataStream?listenKey={key}", headers=headers)
    assert gone.json()["code"] == -1125
    with ws_subscribed(sim, bn) as ws:
        sim.control.fault("listen_key_expired", account=bn.api_key)
        assert json.loads(ws.recv(timeout=3))["event"]["e"] == "eventStreamTerminated"


def test_bitget_faults(sim):
    account = sim.control.bitget_account({"USDT": "1000"})
    bg = BitgetRest(sim.url, account)
    order = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "20"}
    sim.control.fault("drop_reply", account=account["api_key"])
    with pytest.raises(httpx.TransportError):
        bg.place(**order, clientOid="bg-drop")
    (info,) = bg.data(bg.request("GET", "/api/v2/spot/trade/orderInfo", clientOid="bg-drop"))
    assert info["status"] == "filled"
    sim.control.fault("error_after_exec", account=account["api_key"], status=500)
    assert bg.place(**order, clientOid="bg-500").status_code == 500
    sim.control.fault("duplicate", account=account["api_key"])
    assert bg.place(**order, clientOid="bg-dup").json()["code"] == "40786"
    sim.control.fault("not_found_window", account=account["api_key"], ms=500)
    bg.data(bg.place(**order, clientOid="bg-nf"))
    assert (
        bg.request("GET", "/api/v2/spot/trade/orderInfo", clientOid="bg-nf").json()["code"]
        == "43001"
    )
    sim.control.fault("rate_limit", account=account["api_key"])
    limited = bg.request("GET", "/api/v2/spot/account/assets")
    assert limited.status_code == 429 and limited.json()["code"] == "429"
    sim.control.fault("reject_auth", account=account["api_key"])
    time.sleep(1.05)
    assert bg.request("GET", "/api/v2/spot/account/assets").json()["code"] == "40006"
    bg.close()


def test_bitget_ws_faults(sim):
    import base64
    import hashlib
    import hmac

    account = sim.control.bitget_account({"USDT": "1000"})
    stamp = str(int(time.time()))
    digest = hmac.new(
        account["api_secret"].encode(), f"{stamp}GET/user/verify".encode(), hashlib.sha256
    )
    login = {
        "apiKey": account["api_key"],
        "passphrase": account["passphrase"],
        "timestamp": stamp,
        "sign": base64.b64encode(digest.digest()).decode(),
    }
    trade = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "10"}
    path = f"/sim/bitget/accounts/{account['account_id']}/trade"
    with connect(f"{sim.ws_url}/v2/ws/private") as ws:
        ws.send(json.dumps({"op": "login", "args": [login]}))
        ws.recv(timeout=3)
        ws.send(
            json.dumps(
                {
                    "op": "subscribe",
                    "args": [{"instType": "SPOT", "channel": "orders", "instId": "default"}],
                }
            )
        )
        ws.recv(timeout=3)
        sim.control.fault("ws_stall", account=account["api_key"], count=2)  # live + filled pushes
        sim.control.ok("POST", path, json=trade)
        sim.control.ok("POST", path, json={**trade, "clientOid": "after-stall"})
        assert json.loads(ws.recv(timeout=3))["data"][0]["clientOid"] == "after-stall"
        sim.control.fault("ws_disconnect", account=account["api_key"])
        with pytest.raises(ConnectionClosed):
            while True:
                ws.recv(timeout=3)
