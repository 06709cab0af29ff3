"""Event-contract client against a mock transport: body shape, v1 fallback, OutcomeUnknown on a
lost reply (sent exactly once) and matching it among the open orders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import aiohttp
import httpx
import pytest

from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.client import EventContractClient, decimal_str
from trading.exchanges.binance_web.mapping import parse_event_orders, parse_place_result
from trading.exchanges.errors import OutcomeUnknown

SESSION = WebSession("csrf", "p20t", -1)
V2 = "/bapi/futures/v2/private/future/event-contract/place-order"
V1 = "/bapi/futures/v1/private/future/event-contract/place-order"
# A row as the simulator's ongoing-order-list returns it (the real shape is not published).
ROW = {"orderId": "77", "symbolName": "BTCUSDT", "direction": "LONG",
       "timeIncrements": "TEN_MINUTE", "orderAmount": "5", "payoutRatio": "0.80",
       "createTime": 1_767_225_600_000, "status": "ONGOING"}  # fmt: skip


def ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"code": "000000", "data": data, "success": True})


def client(handler) -> EventContractClient:
    return EventContractClient(SESSION, base_url="https://web.test", transport=MockVenue(handler))


async def test_place_order_body_and_result() -> None:
    seen: list[httpx.Request] = []
    c = client(lambda r: seen.append(r) or ok({"orderId": 77}))
    result = await c.place_event_order(
        "BTCUSDT", "LONG", "TEN_MINUTE", Decimal("5.00"), Decimal("0.80")
    )
    await c.close()
    assert result.order_id == "77"
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", V2)
    assert json.loads(request.content) == {
        "orderAmount": "5",
        "timeIncrements": "TEN_MINUTE",
        "symbolName": "BTCUSDT",
        "payoutRatio": "0.8",
        "direction": "LONG",
        "walletType": "UM",
    }


async def test_v1_path_is_used_when_v2_is_gone() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(404) if request.url.path == V2 else ok("5001")

    c = client(handler)
    result = await c.place_event_order("ETHUSDT", "SHORT", "ONE_HOUR", Decimal(10), Decimal("0.85"))
    await c.close()
    assert paths == [V2, V1] and result.order_id == "5001"


@pytest.mark.parametrize(
    "failure",
    [
        lambda r: httpx.Response(503, text="busy"),
        lambda r: (_ for _ in ()).throw(aiohttp.ClientOSError(104, "reset")),
        lambda r: (_ for _ in ()).throw(aiohttp.SocketTimeoutError("slow")),
    ],
)
async def test_lost_reply_is_outcome_unknown_and_not_resent(failure) -> None:
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(request)
            return failure(request)
        return ok([ROW])

    c = client(handler)
    with pytest.raises(OutcomeUnknown):
        await c.place_event_order("BTCUSDT", "LONG", "TEN_MINUTE", Decimal(5), Decimal("0.80"))
    found = await c.find_matching_open_order(
        "BTCUSDT", "LONG", "TEN_MINUTE", Decimal(5), placed_after=datetime(2026, 1, 1, tzinfo=UTC)
    )
    await c.close()
    assert len(posts) == 1
    assert found is not None and found.order_id == "77"


async def test_matching_skips_owned_ids_other_terms_and_older_orders() -> None:
    c = client(lambda r: ok([ROW]))
    args = ("BTCUSDT", "LONG", "TEN_MINUTE")
    assert await c.find_matching_open_order(*args, Decimal(5), exclude_ids={"77"}) is None
    assert await c.find_matching_open_order(*args, Decimal(6)) is None
    assert await c.find_matching_open_order("BTCUSDT", "SHORT", "TEN_MINUTE", Decimal(5)) is None
    later = datetime(2026, 1, 2, tzinfo=UTC)
    assert await c.find_matching_open_order(*args, Decimal(5), placed_after=later) is None
    await c.close()


def test_parsers_tolerate_the_shapes_clients_report() -> None:
    assert parse_place_result({"orderNo": "9"}).order_id == "9"
    assert parse_place_result(12).order_id == "12"
    assert parse_place_result(None).order_id is None
    (order,) = parse_event_orders({"total": 1, "list": [ROW]})
    assert order.amount == Decimal(5) and order.payout_ratio == Decimal("0.80")
    assert order.created_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_event_orders(None) == []


def test_decimal_str() -> None:
    assert [decimal_str(Decimal(x)) for x in ("5.00", "500", "0.850", "1E+2")] == [
        "5",
        "500",
        "0.85",
        "100",
    ]


async def test_invalid_terms_are_refused_before_sending() -> None:
    c = client(lambda r: pytest.fail("must not send"))
    with pytest.raises(ValueError):
        await c.place_event_order("BTCUSDT", "UP", "TEN_MINUTE", Decimal(5), Decimal("0.8"))
    with pytest.raises(ValueError):
        await c.place_event_order("BTCUSDT", "LONG", "TEN_MINUTE", Decimal(0), Decimal("0.8"))
    await c.close()
