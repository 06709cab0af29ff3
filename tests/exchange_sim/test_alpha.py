"""Binance Alpha in the simulator over real HTTP and WebSocket (docs/protocols.md §4): public market
data, web-session auth, strict order validation, LIMIT and OTO matching with fees, cancel,
history/trades/volume/wallet, the nbstream streams and the faults.

The requests here are written from docs/protocols.md, not from ``trading.exchanges`` (the contract
tests in tests/trading/exchanges/test_alpha_sim.py drive the real connector)."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import websockets

pytestmark = pytest.mark.integration

PUB = "/bapi/defi/v1/public"
PRIV = "/bapi/defi/v1/private/alpha-trade"
ASSET = "/bapi/asset/v1/private/alpha-trade"
VOLUME = "/bapi/defi/v1/private/wallet-direct/buw/wallet/today/user-volume"
WALLET = "/bapi/defi/v1/private/wallet-direct/cloud-wallet/alpha"
EXPIRED = {
    "code": "100002001",
    "message": "login state has expired, please log in again",
    "messageDetail": dict.fromkeys(("title", "type", "icon", "action", "linkTitle", "linkUrl")),
    "data": None,
    "success": False,
}


class Web:
    """One web session talking to the simulator like the browser does (header + cookie)."""

    def __init__(self, sim: Any, balances: dict[str, str]) -> None:
        info = sim.control.ok("POST", "/sim/web/sessions", json={"balances": balances})
        self.sim, self.info, self.session_id = sim, info, info["session_id"]
        self.http = httpx.Client(base_url=sim.url, timeout=5)
        self.http.cookies.set("p20t", info["p20t"])
        self.headers = {"csrftoken": info["csrftoken"], "clienttype": "web"}

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.http.get(path, params=params, headers=self.headers).json()

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        content = json.dumps(body)
        headers = self.headers | {"content-type": "application/json"}
        return self.http.post(path, content=content, headers=headers)

    def data(self, path: str, body: dict[str, Any]) -> Any:
        reply = self.post(path, body).json()
        assert reply["success"] is True, reply
        return reply["data"]

    def state(self) -> dict[str, Any]:
        return self.sim.control.ok("GET", f"/sim/alpha/sessions/{self.session_id}")

    def orders(self) -> list[dict[str, Any]]:
        return self.sim.control.ok("GET", f"/sim/alpha/sessions/{self.session_id}/orders")

    def close(self) -> None:
        self.http.close()


def new_token(sim: Any, price: str = "0.5", **extra: Any) -> dict[str, Any]:
    return sim.control.ok("POST", "/sim/alpha/tokens", json={"price": price, **extra})


def limit(alpha: str, side: str, price: str, qty: str) -> dict[str, Any]:
    p, q = Decimal(price), Decimal(qty)
    if side == "BUY":
        pay = {"amount": f"{(p * q).quantize(Decimal('0.00000001'))}", "paymentWalletType": "CARD"}
    else:
        pay = {"amount": float(q), "paymentWalletType": "ALPHA"}
    return {"baseAsset": alpha, "quoteAsset": "USDT", "side": side, "price": float(p),
            "quantity": float(q), "paymentDetails": [pay], "orderType": "LIMIT"}  # fmt: skip


def oto(alpha: str, w_price: str, w_qty: str, p_price: str) -> dict[str, Any]:
    cost = (Decimal(w_price) * Decimal(w_qty)).quantize(Decimal("0.00000001"))
    return {"baseAsset": alpha, "quoteAsset": "USDT", "workingSide": "BUY",
            "workingPrice": float(w_price), "workingQuantity": float(w_qty),
            "paymentDetails": [{"amount": str(cost), "paymentWalletType": "CARD"}],
            "pendingPrice": float(p_price), "pendingType": "LIMIT"}  # fmt: skip


@pytest.fixture
def token(sim):
    return new_token(sim, "0.5", mulPoint="4", symbol="AIT")


@pytest.fixture
def web(sim):
    client = Web(sim, {"USDT": "100"})
    yield client
    client.close()


def D(value: Any) -> Decimal:
    return Decimal(str(value))


# --- public -----------------------------------------------------------------------------------


def test_token_list_and_exchange_info(sim, token) -> None:
    http = sim.control
    tokens = http.ok("GET", f"{PUB}/wallet-direct/buw/wallet/cex/alpha/all/token/list")
    assert tokens["code"] == "000000" and tokens["success"] is True
    (row,) = [t for t in tokens["data"] if t["alphaId"] == token["alphaId"]]
    assert (row["symbol"], row["mulPoint"], row["tradeDecimal"], row["decimals"]) == (
        "AIT", 4, 2, 18)  # fmt: skip
    assert row["chainId"] == "56" and row["contractAddress"].startswith("0x")
    info = http.ok("GET", f"{PUB}/alpha-trade/get-exchange-info")["data"]
    symbol = token["alphaId"] + "USDT"
    (sym,) = [s for s in info["symbols"] if s["symbol"] == symbol]
    filters = {f["filterType"]: f for f in sym["filters"]}
    assert filters["LOT_SIZE"]["stepSize"] == "0.01" and filters["PRICE_FILTER"]["tickSize"] == (
        "0.00000001")  # fmt: skip
    assert filters["MIN_NOTIONAL"]["minNotional"] == "0.1"
    assert (sym["baseAsset"], sym["quoteAsset"], sym["orderTypes"]) == (
        token["alphaId"], "USDT", ["LIMIT"])  # fmt: skip


def test_market_data_follows_the_price_path(sim, token) -> None:
    symbol = token["alphaId"] + "USDT"
    sim.control.ok("POST", "/sim/prices", json={"symbol": symbol, "script": ["0.51", "0.52"],
                                                "steps": 2})  # fmt: skip
    ticker = sim.control.ok("GET", f"{PUB}/alpha-trade/ticker", params={"symbol": symbol})["data"]
    assert ticker["lastPrice"] == "0.52000000" and ticker["symbol"] == symbol
    trades = sim.control.ok("GET", f"{PUB}/alpha-trade/agg-trades", params={"symbol": symbol})
    assert [t["p"] for t in trades["data"]][-2:] == ["0.51000000", "0.52000000"]
    assert set(trades["data"][-1]) == {"a", "p", "q", "f", "l", "T", "m"}
    klines = sim.control.ok("GET", f"{PUB}/alpha-trade/klines",
                            params={"symbol": symbol, "interval": "1m", "limit": 3})["data"]  # fmt: skip
    assert len(klines) == 3 and all(isinstance(v, str) for v in klines[-1])
    assert klines[-1][4] == "0.52000000"
    book = sim.control.ok("GET", f"{PUB}/alpha-trade/fullDepth",
                          params={"symbol": symbol, "limit": 5})["data"]  # fmt: skip
    assert len(book["bids"]) == len(book["asks"]) == 5 and book["symbol"] == symbol
    assert D(book["bids"][0][0]) < D("0.52") < D(book["asks"][0][0])
    assert [D(b[0]) for b in book["bids"]] == sorted((D(b[0]) for b in book["bids"]), reverse=True)
    bad = sim.control.ok("GET", f"{PUB}/alpha-trade/ticker", params={"symbol": "ALPHA_0USDT"})
    assert bad["success"] is False and bad["code"] == "000002"


# --- auth -------------------------------------------------------------------------------------


def test_private_endpoints_need_the_web_session(sim, token, web) -> None:
    anonymous = httpx.get(f"{sim.url}{PRIV}/order/get-open-order").json()
    assert anonymous == EXPIRED
    assert web.get(f"{PRIV}/order/get-open-order")["data"] == []
    sim.control.fault("session_expired", account=web.session_id)
    assert web.post(f"{ASSET}/order/place", limit(token["alphaId"], "BUY", "0.4", "10")).json() == (
        EXPIRED)  # fmt: skip
    assert web.get(WALLET) == EXPIRED  # the session stays dead
    assert web.orders() == []


# --- strictness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"price": 0.123456789}, "price"),
        ({"quantity": 10.001}, "quantity"),
        ({"price": 0.001, "quantity": 10}, "order value"),
        ({"paymentDetails": [{"amount": "1", "paymentWalletType": "CARD"}]}, "paymentDetails"),
        ({"paymentDetails": []}, "paymentDetails"),
        ({"side": "HOLD"}, "side"),
        ({"baseAsset": "ALPHA_0"}, "symbol"),
    ],
)
def test_bad_orders_are_refused_with_the_web_error_shape(sim, token, web, change, why) -> None:
    body = limit(token["alphaId"], "BUY", "0.4", "10") | change
    if "paymentDetails" not in change and ("price" in change or "quantity" in change):
        cost = D(body["price"]) * D(body["quantity"])
        body["paymentDetails"] = [{"amount": str(cost), "paymentWalletType": "CARD"}]
    reply = web.post(f"{ASSET}/order/place", body)
    assert reply.status_code == 200
    data = reply.json()
    assert (data["success"], data["code"], data["data"]) == (False, "000002", None)
    assert why in data["message"] and data["messageDetail"]["title"] is None
    assert web.orders() == []


def test_insufficient_balance_and_open_order_limit(sim, token, web) -> None:
    alpha = token["alphaId"]
    poor = web.post(f"{ASSET}/order/place", limit(alpha, "BUY", "0.4", "1000")).json()
    assert (poor["success"], poor["code"]) == (False, "93420002")
    no_base = web.post(f"{ASSET}/order/place", limit(alpha, "SELL", "0.6", "1")).json()
    assert no_base["code"] == "93420002"
    sim.control.ok("POST", "/sim/alpha/config", json={"max_open": 2})
    web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.4", "1"))
    full = web.post(f"{ASSET}/oto-order/place", oto(alpha, "0.4", "1", "0.6")).json()
    assert full["code"] == "93420018"
    assert len(web.orders()) == 1
    assert D(web.state()["balances"]["USDT"]) == Decimal("99.6")


# --- matching ---------------------------------------------------------------------------------


def test_resting_buy_fills_at_its_price_when_crossed_with_base_fee(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    order_id = web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.4", "100"))
    assert isinstance(order_id, str)
    state = web.state()
    assert D(state["balances"]["USDT"]) == 60 and D(state["locked"]["USDT"]) == 40
    sim.control.set_price(symbol, "0.39")
    (row,) = web.get(f"{PRIV}/order/get-order-history-merge", page=1, rows=10)["data"]
    assert (row["orderId"], row["status"], row["executedQty"], row["avgPrice"]) == (
        order_id, "FILLED", "100.00000000", "0.40000000")  # fmt: skip
    assert row["orderListId"] == "-1" and row["contingencyType"] is None
    state = web.state()
    assert D(state["balances"][alpha]) == Decimal("99.99")  # 0.01 % fee in the base asset
    assert D(state["balances"]["USDT"]) == 60 and "USDT" not in state["locked"]
    (fill,) = web.get(f"{PRIV}/order/get-user-trades", orderId=order_id, symbol=symbol)["data"]
    assert (fill["qty"], fill["price"], fill["commission"], fill["commissionAsset"]) == (
        "100.00000000", "0.40000000", "0.01000000", alpha)  # fmt: skip
    volume = web.get(VOLUME)["data"]
    assert volume == {"totalVolume": 160.0,  # 40 USDT × mulPoint 4
                      "tradeVolumeInfoList": [{"icon": "", "tokenName": "AIT", "volume": 160.0}]}  # fmt: skip
    (holding,) = web.get(WALLET, includeCex=1)["data"]["list"]
    assert (holding["tokenId"], holding["free"], holding["symbol"]) == (alpha, "99.99000000", "AIT")
    assert D(holding["valuation"]) == Decimal("99.99") * Decimal("0.39")


def test_crossing_order_takes_at_the_market_price_and_refunds_the_rest(sim, token, web) -> None:
    alpha = token["alphaId"]
    web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.6", "10"))
    (row,) = web.orders()
    assert row["status"] == "FILLED" and row["avgPrice"] == "0.50000000"
    assert D(web.state()["balances"]["USDT"]) == 95  # paid 5, not 6


def test_partial_fills_by_policy_and_cancel_of_the_rest(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    sim.control.ok("POST", "/sim/alpha/config", json={"fill_parts": 4})
    order_id = web.data(f"{PRIV}/order/place", limit(alpha, "BUY", "0.4", "10"))
    sim.control.set_price(symbol, "0.4")
    sim.control.set_price(symbol, "0.39")
    (row,) = web.get(f"{PRIV}/order/get-open-order")["data"]
    assert (row["status"], row["executedQty"]) == ("PARTIALLY_FILLED", "5.00000000")
    assert web.data(f"{PRIV}/order/cancel", {"orderId": order_id, "symbol": symbol}) is None
    (done,) = web.get(f"{PRIV}/order/get-order-history-merge", orderStatus="CANCELED")["data"]
    assert done["executedQty"] == "5.00000000"
    assert D(web.state()["balances"]["USDT"]) == 98  # 2 spent, 2.4 released


def test_manual_fill_policy(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    sim.control.ok("POST", "/sim/alpha/config", json={"auto_fill": False})
    order_id = web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.6", "10"))
    sim.control.set_price(symbol, "0.3")
    assert web.orders()[0]["status"] == "NEW"
    row = sim.control.ok("POST", f"/sim/alpha/orders/{order_id}/fill", json={"qty": "4"})
    assert (row["status"], row["executedQty"]) == ("PARTIALLY_FILLED", "4.00000000")
    worse = sim.control.post(f"/sim/alpha/orders/{order_id}/fill", json={"price": "0.7"})
    assert worse.status_code == 400
    rest = sim.control.ok("POST", f"/sim/alpha/orders/{order_id}/fill", json={"price": "0.5"})
    assert (rest["status"], rest["cumQuote"]) == ("FILLED", "5.40000000")  # 4 × 0.6 + 6 × 0.5
    assert D(web.state()["balances"]["USDT"]) == Decimal("94.6")  # the better price is refunded


def test_oto_legs_fill_through_both_prefixes(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    for prefix in (ASSET, PRIV):
        placed = web.data(f"{prefix}/oto-order/place", oto(alpha, "0.4", "20", "0.6"))
        assert placed["pendingOrderId"] == placed["workingOrderId"] + 1
    rows = web.get(f"{PRIV}/order/get-open-order")["data"]
    assert len(rows) == 4
    pending = [r for r in rows if r["contingencyOrderPosition"] == "OTO_PENDING"]
    assert {(r["status"], r["origQty"], r["side"]) for r in pending} == {("PENDING", "0.00000000",
                                                                          "SELL")}  # fmt: skip
    assert all(r["contingencyType"] == "OTO" for r in rows)
    sim.control.set_price(symbol, "0.4")  # working legs fill; pending legs go live
    live = web.get(f"{PRIV}/order/get-open-order", side="SELL")["data"]
    assert {(r["status"], r["origQty"]) for r in live} == {("NEW", "19.99000000")}  # 20 - fee
    sim.control.set_price(symbol, "0.6")
    history = web.get(f"{PRIV}/order/get-order-history-merge", baseAsset=alpha, rows=100)["data"]
    assert len(history) == 4 and {r["status"] for r in history} == {"FILLED"}
    by_list: dict[str, list[str]] = {}
    for r in history:
        by_list.setdefault(r["orderListId"], []).append(r["contingencyOrderPosition"])
    assert sorted(map(sorted, by_list.values())) == [["OTO_PENDING", "OTO_WORKING"]] * 2
    state = web.state()
    # spent 2 × 8, received 2 × 19.99 × 0.6 minus 0.01 % USDT fee
    expected = 100 - 16 + 2 * (Decimal("11.994") - Decimal("0.0011994"))
    assert D(state["balances"]["USDT"]) == expected.quantize(Decimal("0.00000001"))
    assert D(state["balances"][alpha]) == Decimal("0.016")
    assert D(web.get(VOLUME)["data"]["totalVolume"]) == 16 * 4  # buys only, × mulPoint


def test_cancel_variants_and_oto_cancel_takes_both_legs(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    placed = web.data(f"{ASSET}/oto-order/place", oto(alpha, "0.4", "20", "0.6"))
    old = {"orderId": str(placed["workingOrderId"]), "baseAsset": alpha, "quoteAsset": "USDT"}
    assert web.data(f"{ASSET}/order/cancel", old) is None
    assert {r["status"] for r in web.orders()} == {"CANCELED"}
    assert D(web.state()["balances"]["USDT"]) == 100
    again = web.post(f"{PRIV}/order/cancel", {"orderId": old["orderId"], "symbol": symbol}).json()
    assert (again["success"], again["code"]) == (False, "93420006")
    other = web.post(f"{PRIV}/order/cancel", {"orderId": "1", "symbol": symbol}).json()
    assert other["success"] is False
    placed = web.data(f"{ASSET}/oto-order/place", oto(alpha, "0.4", "20", "0.6"))
    pending = {"orderId": str(placed["pendingOrderId"]), "symbol": symbol}
    web.data(f"{PRIV}/order/cancel", pending)  # cancelling the waiting leg cancels the pair
    assert web.get(f"{PRIV}/order/get-open-order")["data"] == []


def test_history_filters_and_pages(sim, token, web) -> None:
    alpha = token["alphaId"]
    ids = [web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.6", "1")) for _ in range(3)]
    page1 = web.get(f"{PRIV}/order/get-order-history-merge", page=1, rows=2)["data"]
    page2 = web.get(f"{PRIV}/order/get-order-history-merge", page=2, rows=2)["data"]
    assert [r["orderId"] for r in page1 + page2] == ids[::-1]
    assert web.get(f"{PRIV}/order/get-order-history-merge", orderStatus="CANCELED")["data"] == []
    assert web.get(f"{PRIV}/order/get-order-history-merge", baseAsset="ALPHA_0")["data"] == []
    assert web.get(f"{PRIV}/order/get-order-history-merge", rows=500)["code"] == "000002"


# --- faults -----------------------------------------------------------------------------------


def test_dropped_reply_still_places_the_order_once(sim, token, web) -> None:
    sim.control.fault("drop_reply", account=web.session_id)
    with pytest.raises(httpx.TransportError):
        web.post(f"{ASSET}/oto-order/place", oto(token["alphaId"], "0.4", "20", "0.6"))
    assert len(web.orders()) == 2
    sim.control.fault("error_after_exec", account=web.session_id)
    failed = web.post(f"{ASSET}/order/place", limit(token["alphaId"], "BUY", "0.4", "1"))
    assert failed.status_code == 503 and failed.json()["code"] == "100001001"
    assert len(web.orders()) == 3


# --- streams ----------------------------------------------------------------------------------


async def _subscribe(ws: Any, params: list[str], ident: int = 1) -> None:
    await ws.send(json.dumps({"method": "SUBSCRIBE", "params": params, "id": ident}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 5)) == {"result": None, "id": ident}


async def _frames(ws: Any, n: int) -> list[dict[str, Any]]:
    return [json.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(n)]


async def test_order_stream_carries_the_oto_lifecycle(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    fund = {"balances": {"USDT": "1000"}}
    sim.control.ok("POST", f"/sim/alpha/sessions/{web.session_id}/fund", json=fund)
    key = web.data(f"{PRIV}/get-listen-key", {})
    assert web.data(f"{PRIV}/get-listen-key", {}) == key  # same key while it lives
    async with websockets.connect(f"{sim.ws_url}/w3w/stream") as ws:
        await _subscribe(ws, [f"alpha@{key}"], 2)
        placed = await asyncio.to_thread(
            web.data, f"{ASSET}/oto-order/place", oto(alpha, "0.4", "869.56", "0.0001")
        )
        await asyncio.to_thread(sim.control.set_price, symbol, "0.4")
        frames = await _frames(ws, 5)
    assert {f["stream"] for f in frames} == {f"alpha@{key}"}
    d = [f["data"] for f in frames]
    working, pending = str(placed["workingOrderId"]), str(placed["pendingOrderId"])
    assert [(x["i"], x["x"], x["X"], x["cp"]) for x in d] == [
        (working, "NEW", "NEW", "OTO_WORKING"),
        (pending, "NEW", "PENDING", "OTO_PENDING"),
        (working, "TRADE", "FILLED", "OTO_WORKING"),
        (pending, "NEW", "NEW", "OTO_PENDING"),
        (pending, "TRADE", "FILLED", "OTO_PENDING"),  # SELL far below market takes at once
    ]
    assert d[0]["q"] == "869.56000000" and d[1]["q"] == "0"  # zeros are "0" in real frames
    assert (d[0]["z"], d[0]["l"], d[0]["L"], d[0]["Z"]) == ("0", "0", "0", "0")
    assert (d[2]["n"], d[2]["N"], d[2]["l"], d[2]["L"]) == (
        "0.08695600", alpha, "869.56000000", "0.40000000")  # fmt: skip
    assert d[3]["q"] == "869.47000000"  # working qty - base fee, floored to the lot step
    assert d[4]["N"] == "USDT" and d[4]["L"] == "0.40000000"
    assert {x["il"] for x in d} == {d[0]["il"]} and {x["ct"] for x in d} == {"OTO"}
    assert all(x["e"] == "executionReport" and x["s"] == symbol and x["ba"] == alpha for x in d)
    assert all(x["c"].startswith("web_") and len(x["c"]) == 36 for x in d)


async def test_public_agg_trade_stream(sim, token) -> None:
    symbol = token["alphaId"] + "USDT"
    async with websockets.connect(f"{sim.ws_url}/w3w/wsa/stream") as ws:
        await _subscribe(ws, [f"{symbol.lower()}@aggTrade"])
        await asyncio.to_thread(sim.control.set_price, symbol, "0.55")
        (frame,) = await _frames(ws, 1)
    assert frame["stream"] == f"{symbol.lower()}@aggTrade"
    data = frame["data"]
    assert (data["e"], data["s"], data["p"]) == ("aggTrade", symbol, "0.55000000")
    assert {"E", "T", "a", "q", "f", "l", "m"} <= set(data)


async def test_unknown_listen_key_is_refused(sim) -> None:
    async with websockets.connect(f"{sim.ws_url}/w3w/stream") as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["alpha@nope"], "id": 3}))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert reply["id"] == 3 and reply["error"]["code"] == 2


async def test_stream_faults(sim, token, web) -> None:
    alpha = token["alphaId"]
    key = web.data(f"{PRIV}/get-listen-key", {})
    async with websockets.connect(f"{sim.ws_url}/w3w/stream") as ws:
        await _subscribe(ws, [f"alpha@{key}"])
        await asyncio.to_thread(sim.control.fault, "ws_stall", web.session_id, 1)
        await asyncio.to_thread(web.data, f"{ASSET}/order/place", limit(alpha, "BUY", "0.4", "1"))
        await asyncio.to_thread(web.data, f"{ASSET}/order/place", limit(alpha, "BUY", "0.3", "1"))
        (frame,) = await _frames(ws, 1)  # the first event was swallowed by the stall
        assert frame["data"]["p"] == "0.30000000"
        await asyncio.to_thread(sim.control.fault, "listen_key_expired", web.session_id)
        (expired,) = await _frames(ws, 1)
        assert expired["data"]["e"] == "listenKeyExpired"
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
    fresh = web.data(f"{PRIV}/get-listen-key", {})
    assert fresh != key
    async with websockets.connect(f"{sim.ws_url}/w3w/stream") as ws:
        await _subscribe(ws, [f"alpha@{fresh}"])
        await asyncio.to_thread(sim.control.fault, "ws_disconnect", web.session_id)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)


async def test_delayed_events(sim, token, web) -> None:
    key = web.data(f"{PRIV}/get-listen-key", {})
    async with websockets.connect(f"{sim.ws_url}/w3w/stream") as ws:
        await _subscribe(ws, [f"alpha@{key}"])
        await asyncio.to_thread(sim.control.fault, "ws_delay", web.session_id, 1, ms=400)
        started = asyncio.get_running_loop().time()
        body = limit(token["alphaId"], "BUY", "0.4", "1")
        await asyncio.to_thread(web.data, f"{ASSET}/order/place", body)
        (frame,) = await _frames(ws, 1)
        assert asyncio.get_running_loop().time() - started >= 0.4
    assert frame["data"]["x"] == "NEW"


def test_control_tokens_and_funding(sim, web) -> None:
    token = new_token(sim, "0.00012345", alphaId="ALPHA_9001", tradeDecimal=0, symbol="NINE")
    assert token["alphaId"] == "ALPHA_9001" and token["tradeDecimal"] == 0
    moved = sim.control.ok("POST", "/sim/alpha/tokens/ALPHA_9001/price", json={"price": "0.0002"})
    assert moved["price"] == "0.00020000"
    state = sim.control.ok(
        "POST", f"/sim/alpha/sessions/{web.session_id}/fund",
        json={"balances": {"ALPHA_9001": "1000"}, "mode": "add"},
    )  # fmt: skip
    assert state["balances"]["ALPHA_9001"] == "1000" and state["balances"]["USDT"] == "100"
    bad = sim.control.post("/sim/alpha/tokens", json={"alphaId": "BTC", "price": "1"})
    assert bad.status_code == 400
    frac = web.post(f"{ASSET}/order/place", limit("ALPHA_9001", "SELL", "0.0003", "1000.5"))
    assert frac.json()["code"] == "000002"  # tradeDecimal 0: whole units only


def test_demo_world_has_alpha_tokens_and_a_funded_web_session() -> None:
    from exchange_sim.alpha.demo import DEMO_CSRFTOKEN, DEMO_P20T
    from exchange_sim.serve import build_world
    from tests.fixtures.sim import SimServer

    server = SimServer(build_world(demo=True)).start()
    try:
        tokens = server.control.ok(
            "GET", f"{PUB}/wallet-direct/buw/wallet/cex/alpha/all/token/list"
        )
        assert {t["alphaId"] for t in tokens["data"]} == {"ALPHA_175", "ALPHA_373"}
        http = httpx.Client(base_url=server.url, cookies={"p20t": DEMO_P20T}, timeout=5)
        with http:
            wallet = http.get(WALLET, headers={"csrftoken": DEMO_CSRFTOKEN}).json()["data"]
        assert [(r["tokenId"], r["free"]) for r in wallet["list"]] == [
            ("ALPHA_175", "500.00000000")
        ]
    finally:
        server.stop()


# --- fidelity fixes: what real bots and the Binance page send and see -------------------------


def test_only_buys_count_in_today_volume(sim, token, web) -> None:
    alpha, symbol = token["alphaId"], token["alphaId"] + "USDT"
    web.data(f"{ASSET}/oto-order/place", oto(alpha, "0.5", "100", "0.4"))  # crosses: both fill
    assert {o["status"] for o in web.orders()} == {"FILLED"}
    volume = web.get(VOLUME)["data"]
    assert volume["totalVolume"] == 200.0  # buy 50 USDT × mulPoint 4; the sell adds nothing
    sim.control.set_price(symbol, "0.5")
    web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.5", "10"))
    assert web.get(VOLUME)["data"]["totalVolume"] == 220.0
    web.data(f"{ASSET}/order/place", limit(alpha, "SELL", "0.5", "9"))
    assert web.get(VOLUME)["data"]["totalVolume"] == 220.0


def test_user_trade_ids_are_strings(sim, token, web) -> None:
    alpha = token["alphaId"]
    order_id = web.data(f"{ASSET}/order/place", limit(alpha, "BUY", "0.5", "10"))
    (row,) = web.get(f"{PRIV}/order/get-user-trades", orderId=order_id)["data"]
    assert all(isinstance(row[k], str) for k in ("id", "tradeId", "pageId", "orderId"))
    assert row["id"] == row["tradeId"] == row["pageId"]


def test_oto_amount_may_be_the_total_the_user_typed(sim, web) -> None:
    token = new_token(sim, "0.08", symbol="TYP")  # above the buy: the working leg rests
    body = oto(token["alphaId"], "0.07", "14.28", "0.09")
    body["paymentDetails"][0]["amount"] = "1"  # the page sends what was typed: 0.9996 → "1"
    placed = web.data(f"{ASSET}/oto-order/place", body)
    working = next(o for o in web.orders() if o["orderId"] == str(placed["workingOrderId"]))
    assert working["origQty"] == "14.28000000" and working["locked"] == "0.99960000"
    body["paymentDetails"][0]["amount"] = "1.001"  # more than one lot step over the cost
    assert web.post(f"{ASSET}/oto-order/place", body).json()["code"] == "000002"


def test_open_order_limit_fault_and_offsell(sim, token, web) -> None:
    sim.control.fault("open_order_limit", web.session_id)
    body = oto(token["alphaId"], "0.4", "10", "0.6")
    reply = web.post(f"{ASSET}/oto-order/place", body).json()
    assert reply["code"] == "93420018" and web.orders() == []
    sim.control.ok("POST", "/sim/alpha/tokens", json={"alphaId": token["alphaId"], "offsell": True})
    listed = sim.control.ok("GET", "/sim/alpha/tokens")
    assert [t["offsell"] for t in listed if t["alphaId"] == token["alphaId"]] == [True]
    assert web.post(f"{ASSET}/oto-order/place", body).json()["code"] == "000002"


async def test_listen_key_lapses_unless_fetched_again(sim, token, web) -> None:
    sim.control.ok("POST", "/sim/alpha/config", json={"listen_key_ttl_ms": 600})
    key = web.data(f"{PRIV}/get-listen-key", {})
    async with websockets.connect(f"{sim.ws_url}/w3w/stream") as ws:
        await _subscribe(ws, [f"alpha@{key}"])
        for _ in range(3):  # keep-alive: asking again extends the same key
            await asyncio.sleep(0.3)
            assert await asyncio.to_thread(web.data, f"{PRIV}/get-listen-key", {}) == key
        (expired,) = await _frames(ws, 1)  # then nobody asks: the key lapses
        assert expired["data"] == expired["data"] | {"e": "listenKeyExpired", "listenKey": key}
    assert web.data(f"{PRIV}/get-listen-key", {}) != key


async def test_price_stream_faults_by_stream_name(sim, token) -> None:
    name = token["alphaId"].lower() + "usdt@aggTrade"
    async with websockets.connect(f"{sim.ws_url}/w3w/wsa/stream") as ws:
        await _subscribe(ws, [name])
        await asyncio.to_thread(sim.control.fault, "ws_disconnect", name)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
