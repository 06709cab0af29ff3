"""The Binance web session, its headers, the bapi envelope and error table, and pacing."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.binance_web import mapping
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.rest import WebRest
from trading.exchanges.errors import (
    ExchangeError,
    InsufficientBalance,
    OpenOrderLimit,
    OrderRejected,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    SessionExpired,
    TemporaryError,
    TermsChanged,
)

SESSION = WebSession("csrf-SECRET-123", "web.1.P20T-SECRET", 1_800_000_000)


def test_repr_and_str_never_show_the_tokens() -> None:
    for text in (repr(SESSION), str(SESSION), f"{SESSION}", str([SESSION])):
        assert "SECRET" not in text
    assert "1800000000" in repr(SESSION) and SESSION.credential_id in repr(SESSION)


def test_is_expired() -> None:
    assert not SESSION.is_expired(datetime.fromtimestamp(1_799_999_999, UTC))
    assert SESSION.is_expired(datetime.fromtimestamp(1_800_000_000, UTC))
    assert SESSION.is_expired(datetime.fromtimestamp(1_799_999_990, UTC), margin_s=10)
    unknown = WebSession("a", "b", -1)
    assert not unknown.is_expired(datetime(2100, 1, 1, tzinfo=UTC))


def test_token_json_round_trip() -> None:
    data = SESSION.to_token_json()
    assert data == {
        "csrftoken": "csrf-SECRET-123",
        "p20t": "web.1.P20T-SECRET",
        "expirationTimestamp": 1_800_000_000,
    }
    assert WebSession.from_token_json(data) == SESSION


async def test_requests_carry_session_headers_and_cookie() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": "000000", "data": [1], "success": True})

    rest = WebRest(
        SESSION,
        base_url="https://web.test",
        transport=MockVenue(handler),
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert await rest.post("/bapi/x", {"a": 1}) == [1]
    await rest.close()
    h = seen[0].headers
    assert h["content-type"] == "application/json" and h["clienttype"] == "web"
    assert h["csrftoken"] == "csrf-SECRET-123" and h["cookie"] == "p20t=web.1.P20T-SECRET"
    assert seen[0].content == b'{"a":1}'


async def test_known_expired_session_is_refused_without_a_request() -> None:
    seen: list[httpx.Request] = []
    transport = MockVenue(lambda r: seen.append(r) or httpx.Response(200))
    rest = WebRest(
        SESSION,
        base_url="https://web.test",
        transport=transport,
        clock=lambda: datetime.fromtimestamp(1_800_000_001, UTC),
    )
    with pytest.raises(SessionExpired):
        await rest.get("/bapi/x")
    await rest.close()
    assert seen == []


def test_default_pacing_is_ten_per_second_per_credential() -> None:
    a, b = WebRest(SESSION), WebRest(WebSession("x", "web.1.P20T-SECRET"))
    assert a.http.limiter is b.http.limiter  # same p20t → one budget
    assert a.http.limiter.rate == 10.0
    assert WebRest(WebSession("x", "other")).http.limiter is not a.http.limiter


def envelope(code: str, message: str = "m") -> dict:
    return {"code": code, "message": message, "messageDetail": None, "data": None, "success": False}


@pytest.mark.parametrize(
    ("code", "placing", "error"),
    [
        ("100002001", False, SessionExpired),
        ("100002001", True, SessionExpired),
        ("93420018", True, OpenOrderLimit),
        ("93420010", True, TermsChanged),
        ("93420004", True, OrderRejected),
        ("93420002", True, InsufficientBalance),
        ("1021110", True, TemporaryError),
        ("100001001", True, OutcomeUnknown),
        ("100001001", False, TemporaryError),
        ("000002", True, OrderRejected),
        ("000002", False, ExchangeError),
    ],
)
def test_envelope_error_table(code: str, placing: bool, error: type) -> None:
    with pytest.raises(error) as info:
        mapping.unwrap(envelope(code), placing=placing)
    assert type(info.value) is error and info.value.code == code


def test_open_order_limit_is_a_refusal_not_a_rate_limit() -> None:
    with pytest.raises(OpenOrderLimit) as info:
        mapping.unwrap(envelope("93420018"), placing=True)
    assert not isinstance(info.value, RateLimited) and info.value.code == "93420018"


def test_refusal_words_come_from_message_then_the_detail_title() -> None:
    detail = dict.fromkeys(("title", "type", "icon", "action", "linkTitle", "linkUrl"))
    body = {**envelope("93420010", "payout ratio has changed"), "messageDetail": detail}
    with pytest.raises(TermsChanged, match=r"payout ratio has changed$"):
        mapping.unwrap(body, placing=True)
    body = {**envelope("93420010", ""), "messageDetail": {**detail, "title": "Odds changed"}}
    with pytest.raises(TermsChanged, match=r"Odds changed$"):
        mapping.unwrap(body, placing=True)


def test_envelope_success_and_garbage() -> None:
    ok = {
        "code": "000000",
        "message": None,
        "messageDetail": None,
        "data": {"x": 1},
        "success": True,
    }
    assert mapping.unwrap(ok) == {"x": 1}
    with pytest.raises(ProtocolError):
        mapping.unwrap(["not", "an", "envelope"])
    with pytest.raises(ProtocolError):
        mapping.parse_response(httpx.Response(200, text="<html>"))
