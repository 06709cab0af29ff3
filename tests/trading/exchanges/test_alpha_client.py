"""Every AlphaClient REST method against a mock transport: method, path, parameters, body and
headers as docs/protocols.md §4.1/§4.3 describe, and the parse of the reply."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import aiohttp
import httpx
import pytest

from tests.trading.exchanges.mock_venue import MockVenue
from tests.trading.exchanges.test_alpha import HISTORY_ROW, SYMBOL, TOKEN
from trading.exchanges.binance_alpha.client import AlphaClient
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.errors import OutcomeUnknown, SessionExpired
from trading.exchanges.types import Side

P = "/bapi/defi/v1/private/alpha-trade"
REPLIES = {
    "/bapi/defi/v1/public/wallet-direct/buw/wallet/cex/alpha/all/token/list": [TOKEN],
    "/bapi/defi/v1/public/alpha-trade/get-exchange-info": {"timezone": "UTC", "symbols": [SYMBOL]},
    "/bapi/asset/v1/private/alpha-trade/oto-order/place": {
        "workingOrderId": 100,
        "pendingOrderId": 101,
    },
    "/bapi/asset/v1/private/alpha-trade/order/place": "2459886",
    f"{P}/order/cancel": None,
    f"{P}/order/get-open-order": [HISTORY_ROW],
    f"{P}/order/get-order-history-merge": [HISTORY_ROW],
    f"{P}/get-listen-key": "LK",
    "/bapi/defi/v1/private/wallet-direct/buw/wallet/today/user-volume": {
        "totalVolume": 10,
        "tradeVolumeInfoList": [],
    },
    "/bapi/defi/v1/private/wallet-direct/cloud-wallet/alpha": {"list": []},
}


@pytest.fixture
def recorded():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        data = REPLIES[request.url.path]
        return httpx.Response(200, json={"code": "000000", "data": data, "success": True})

    client = AlphaClient(
        WebSession("csrf", "p20t"),
        base_url="https://web.test",
        transport=MockVenue(handler),
    )
    return client, seen


async def test_public_methods_send_no_session(recorded) -> None:
    client, seen = recorded
    (token,) = await client.tokens()
    rules = await client.symbol_rules("ALPHA_175USDT")
    await client.close()
    assert token.alpha_id == "ALPHA_175" and rules.step_size == Decimal("0.01")
    assert all(r.method == "GET" and "csrftoken" not in r.headers for r in seen)
    assert all("cookie" not in r.headers for r in seen)


async def test_place_oto_and_limit(recorded) -> None:
    client, seen = recorded
    placed = await client.place_oto(
        "ALPHA_175", "USDT", Decimal("0.5"), Decimal("20"), Decimal("0.51"),
        rules=await client.symbol_rules("ALPHA_175USDT"),
    )  # fmt: skip
    order_id = await client.place_limit("ALPHA_175", "USDT", Side.SELL, Decimal("0.6"), Decimal(3))
    await client.close()
    assert (placed.working_order_id, placed.pending_order_id, order_id) == ("100", "101", "2459886")
    oto, limit = seen[-2:]
    assert oto.method == "POST" and oto.headers["csrftoken"] == "csrf"
    assert json.loads(oto.content)["paymentDetails"] == [
        {"amount": "10.00000000", "paymentWalletType": "CARD"}
    ]
    assert json.loads(limit.content)["paymentDetails"] == [
        {"amount": 3, "paymentWalletType": "ALPHA"}
    ]


async def test_orders_account_and_listen_key(recorded) -> None:
    client, seen = recorded
    await client.cancel("2459886", "ALPHA_971USDT")
    (open_order,) = await client.open_orders(Side.BUY)
    history = await client.order_history(
        start=datetime(2026, 1, 1, tzinfo=UTC), base_asset="ALPHA_971", rows=20
    )
    volume, wallet, key = (
        await client.today_volume(),
        await client.wallet(),
        await client.listen_key(),
    )
    await client.close()
    cancel, open_req, hist_req, *_ = seen
    assert json.loads(cancel.content) == {"orderId": "2459886", "symbol": "ALPHA_971USDT"}
    assert open_req.url.params["side"] == "BUY" and open_order.order_list_id == "555"
    assert dict(hist_req.url.params) == {
        "page": "1",
        "rows": "20",
        "orderStatus": "FILLED,PARTIALLY_FILLED,EXPIRED,CANCELED,REJECTED",
        "startTime": "1767225600000",
        "kind": "LIMIT",
        "baseAsset": "ALPHA_971",
    }
    assert history[0].status == "FILLED"
    assert (volume.total, wallet, key) == (Decimal(10), {}, "LK")
    assert seen[-1].method == "POST" and seen[-1].content == b"{}"


async def test_lost_oto_reply_is_outcome_unknown_and_session_errors_surface() -> None:
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(request)
            raise aiohttp.ClientOSError(104, "reset")
        body = {"code": "100002001", "message": "expired", "data": None, "success": False}
        return httpx.Response(200, json=body)

    client = AlphaClient(
        WebSession("c", "p"), base_url="https://web.test", transport=MockVenue(handler)
    )
    with pytest.raises(OutcomeUnknown):
        await client.place_oto("ALPHA_1", "USDT", Decimal("1"), Decimal("1"), Decimal("1.1"))
    with pytest.raises(SessionExpired):
        await client.open_orders()
    await client.close()
    assert len(posts) == 1
