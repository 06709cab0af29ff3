"""Bitget spot v2 on the simulator: signing, demo header, orders, lookups, private channels."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from websockets.sync.client import connect

from tests.exchange_sim.clients import BitgetRest, now_ms

pytestmark = pytest.mark.integration


@pytest.fixture
def bg(sim):
    account = sim.control.bitget_account({"USDT": "1000", "BTC": "0.5"})
    client = BitgetRest(sim.url, account)
    client.info = account
    yield client
    client.close()


def err(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_public_endpoints(sim, bg):
    import httpx

    payload = httpx.get(f"{sim.url}/api/v2/public/time").json()
    assert payload["code"] == "00000" and payload["msg"] == "success"
    assert isinstance(payload["requestTime"], int) and payload["data"]["serverTime"].isdigit()
    symbols = httpx.get(
        f"{sim.url}/api/v2/spot/public/symbols", params={"symbol": "BTCUSDT"}
    ).json()
    assert (
        symbols["data"][0]["quantityPrecision"] == "6" and symbols["data"][0]["status"] == "online"
    )
    ticker = httpx.get(f"{sim.url}/api/v2/spot/market/tickers", params={"symbol": "BTCUSDT"}).json()
    assert ticker["data"][0]["lastPr"] == "65000"


def test_auth_errors(sim, bg):
    path = "/api/v2/spot/account/assets"
    good = bg.request("GET", path)
    assert good.status_code == 200 and good.json()["code"] == "00000"
    assert err(bg.request("GET", path, ts=str(now_ms() - 60_000))) == (400, "40008")
    wrong = BitgetRest(sim.url, {**bg.info, "api_secret": "nope"})
    assert err(wrong.request("GET", path)) == (400, "40009")
    bad_pass = BitgetRest(sim.url, {**bg.info, "passphrase": "nope"})
    assert err(bad_pass.request("GET", path)) == (400, "40012")
    unknown = BitgetRest(sim.url, {**bg.info, "api_key": "bg_unknown"})
    assert err(unknown.request("GET", path)) == (400, "40037")
    # the signature covers the exact query string: signing one and sending another fails
    headers = bg.headers("GET", path, "coin=BTC", "", str(now_ms()))
    tampered = bg.http.get(f"{path}?coin=USDT", headers=headers)
    assert err(tampered) == (400, "40009")
    for client in (wrong, bad_pass, unknown):
        client.close()


def test_demo_accounts_need_paptrading(sim):
    demo = sim.control.bitget_account({"USDT": "100"}, demo=True)
    with_header = BitgetRest(sim.url, demo, demo=True)
    without = BitgetRest(sim.url, demo, demo=False)
    assert with_header.available("USDT") == "100.00000000"
    assert err(without.request("GET", "/api/v2/spot/account/assets")) == (400, "40099")
    live = sim.control.bitget_account({"USDT": "100"})
    live_with_header = BitgetRest(sim.url, live, demo=True)
    assert err(live_with_header.request("GET", "/api/v2/spot/account/assets")) == (400, "40099")
    for client in (with_header, without, live_with_header):
        client.close()


def test_market_buy_size_is_quote_and_sell_is_base(sim, bg):
    sim.control.set_price("BTCUSDT", "50000.00")
    placed = bg.data(
        bg.place(
            symbol="BTCUSDT",
            side="buy",
            orderType="market",
            force="gtc",
            size="100",
            clientOid="bg-buy-1",
        )
    )
    assert placed["clientOid"] == "bg-buy-1" and placed["orderId"].isdigit()
    (info,) = bg.data(bg.request("GET", "/api/v2/spot/trade/orderInfo", clientOid="bg-buy-1"))
    assert (info["status"], info["size"], info["baseVolume"], info["quoteVolume"]) == (
        "filled",
        "100",
        "0.002",
        "100",
    )
    assert info["priceAvg"] == "50000" and info["orderId"] == placed["orderId"]
    fee = json.loads(info["feeDetail"])
    assert fee["BTC"]["totalFee"] == pytest.approx(-0.000002)
    assert bg.available("USDT") == "900.00000000" and bg.available("BTC") == "0.50199800"
    sell = bg.data(
        bg.place(symbol="BTCUSDT", side="sell", orderType="market", force="gtc", size="0.01")
    )
    (sold,) = bg.data(bg.request("GET", "/api/v2/spot/trade/orderInfo", orderId=sell["orderId"]))
    assert (sold["baseVolume"], sold["quoteVolume"]) == ("0.01", "500")
    assert bg.available("USDT") == "1399.50000000"
    fills = bg.data(bg.request("GET", "/api/v2/spot/trade/fills", symbol="BTCUSDT"))
    assert [f["orderId"] for f in fills] == [sell["orderId"], placed["orderId"]]
    assert fills[1]["feeDetail"]["feeCoin"] == "BTC" and fills[1]["tradeScope"] == "taker"
    history = bg.data(bg.request("GET", "/api/v2/spot/trade/history-orders", symbol="BTCUSDT"))
    assert {h["orderId"] for h in history} == {placed["orderId"], sell["orderId"]}


def test_limit_rest_cancel_and_errors(sim, bg):
    sim.control.set_price("BTCUSDT", "65000.00")
    placed = bg.data(
        bg.place(
            symbol="BTCUSDT",
            side="buy",
            orderType="limit",
            force="gtc",
            price="60000",
            size="0.01",
            clientOid="bg-lim-1",
        )
    )
    (row,) = bg.data(bg.request("GET", "/api/v2/spot/trade/unfilled-orders", symbol="BTCUSDT"))
    assert (row["status"], row["priceAvg"], row["size"]) == ("live", "60000", "0.01")
    dup = bg.place(
        symbol="BTCUSDT",
        side="buy",
        orderType="limit",
        force="gtc",
        price="60000",
        size="0.01",
        clientOid="bg-lim-1",
    )
    assert err(dup) == (400, "40786")
    assert bg.available("USDT") == "400.00000000"
    cancel = bg.request(
        "POST", "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "clientOid": "bg-lim-1"}
    )
    assert bg.data(cancel) == {"orderId": placed["orderId"], "clientOid": "bg-lim-1"}
    assert bg.available("USDT") == "1000.00000000"
    again = bg.request(
        "POST", "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "clientOid": "bg-lim-1"}
    )
    assert err(again) == (400, "43001")
    assert err(bg.request("GET", "/api/v2/spot/trade/orderInfo", orderId="1")) == (400, "43001")
    assert err(bg.place(symbol="BTCUSDT", side="buy", orderType="market", size="5000")) == (
        400,
        "43012",
    )
    assert err(bg.place(symbol="BTCUSDT", side="buy", orderType="market", size="0.5")) == (
        400,
        "45110",
    )
    assert (
        err(bg.place(symbol="BTCUSDT", side="sell", orderType="market", size="0.0000001"))[1]
        == "40808"
    )
    assert err(bg.place(symbol="NOPEUSDT", side="sell", orderType="market", size="1"))[1] == "40034"
    assert err(bg.place(symbol="BTCUSDT", side="sell", orderType="market"))[1] == "40019"


def test_limit_fills_when_crossed(sim, bg):
    sim.control.set_price("BTCUSDT", "65000.00")
    placed = bg.data(
        bg.place(
            symbol="BTCUSDT", side="sell", orderType="limit", force="gtc", price="66000", size="0.1"
        )
    )
    sim.control.set_price("BTCUSDT", "66500.00")
    (info,) = bg.data(bg.request("GET", "/api/v2/spot/trade/orderInfo", orderId=placed["orderId"]))
    assert (info["status"], info["priceAvg"], info["quoteVolume"]) == ("filled", "66000", "6600")
    assert bg.available("USDT") == "7593.40000000"


def login_args(account: dict[str, Any], ts: int | None = None) -> dict[str, Any]:
    stamp = str(ts if ts is not None else int(time.time()))
    digest = hmac.new(
        account["api_secret"].encode(), f"{stamp}GET/user/verify".encode(), hashlib.sha256
    )
    return {
        "apiKey": account["api_key"],
        "passphrase": account["passphrase"],
        "timestamp": stamp,
        "sign": base64.b64encode(digest.digest()).decode(),
    }


def test_private_ws_orders_and_account(sim, bg):
    with connect(f"{sim.ws_url}/v2/ws/private") as ws:
        ws.send("ping")
        assert ws.recv(timeout=3) == "pong"
        ws.send(json.dumps({"op": "login", "args": [login_args(bg.info)]}))
        assert json.loads(ws.recv(timeout=3)) == {"event": "login", "code": "0", "msg": ""}
        orders_arg = {"instType": "SPOT", "channel": "orders", "instId": "default"}
        account_arg = {"instType": "SPOT", "channel": "account", "coin": "default"}
        ws.send(json.dumps({"op": "subscribe", "args": [orders_arg, account_arg]}))
        assert json.loads(ws.recv(timeout=3)) == {"event": "subscribe", "arg": orders_arg}
        assert json.loads(ws.recv(timeout=3)) == {"event": "subscribe", "arg": account_arg}
        snapshot = json.loads(ws.recv(timeout=3))
        assert snapshot["action"] == "snapshot" and {r["coin"] for r in snapshot["data"]} == {
            "USDT",
            "BTC",
        }
        bg.data(
            bg.place(symbol="BTCUSDT", side="buy", orderType="market", size="65", clientOid="ws-bg")
        )
        frames = [json.loads(ws.recv(timeout=3)) for _ in range(4)]
    orders = [f for f in frames if f["arg"]["channel"] == "orders"]
    assert [o["data"][0]["status"] for o in orders] == ["live", "filled"]
    filled = orders[1]["data"][0]
    assert (
        filled["clientOid"],
        filled["fillPrice"],
        filled["baseVolume"],
        filled["tradeScope"],
    ) == ("ws-bg", "65000", "0.001", "T")
    assert (
        filled["fillFeeCoin"] == "BTC" and filled["accBaseVolume"] == "0.001" and "ts" in orders[1]
    )
    coins = {f["data"][0]["coin"] for f in frames if f["arg"]["channel"] == "account"}
    assert coins == {"BTC", "USDT"}


def test_private_ws_login_failures(sim, bg):
    with connect(f"{sim.ws_url}/v2/ws/private") as ws:
        ws.send(
            json.dumps(
                {
                    "op": "subscribe",
                    "args": [{"instType": "SPOT", "channel": "orders", "instId": "default"}],
                }
            )
        )
        assert json.loads(ws.recv(timeout=3))["event"] == "error"
        ws.send(json.dumps({"op": "login", "args": [login_args({**bg.info, "api_secret": "x"})]}))
        assert json.loads(ws.recv(timeout=3))["code"] == "30005"
        ws.send(
            json.dumps({"op": "login", "args": [login_args(bg.info, ts=int(time.time()) - 300)]})
        )
        assert json.loads(ws.recv(timeout=3))["event"] == "error"


def test_malformed_query_is_a_venue_error(bg):
    assert err(bg.request("GET", "/api/v2/spot/trade/fills", symbol="BTCUSDT", limit="x")) == (
        400,
        "40017",
    )
