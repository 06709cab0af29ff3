"""The simulator's Binance web replies have the venue's shapes (captured 2026 v2 replies), and the
connector works with them — over real HTTP against the running simulator (uvicorn)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.client import EventContractClient
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.binance_web.qr_login import QrLoginClient
from trading.exchanges.errors import OrderRejected

pytestmark = pytest.mark.integration

PLACE = "/bapi/futures/v2/private/future/event-contract/place-order"
QUERY = "/bapi/accounts/v2/public/qrcode/login/query"
TRUST = "/bapi/accounts/v2/private/authcenter/setTrustDevice"
DETAIL_FIELDS = {"title", "type", "icon", "action", "linkTitle", "linkUrl"}
TERMS = ("BTCUSDT", "LONG", "TEN_MINUTE", Decimal(5), Decimal("0.80"))


def web_session(sim) -> tuple[dict, WebSession]:
    info = sim.control.ok("POST", "/sim/web/sessions", json={"balances": {"USDT": "100"}})
    return info, WebSession(info["csrftoken"], info["p20t"], info["expirationTimestamp"])


def body(**over) -> dict:
    order = {"orderAmount": "5", "timeIncrements": "TEN_MINUTE", "symbolName": "BTCUSDT",
             "payoutRatio": "0.80", "direction": "LONG"}  # fmt: skip
    return {**order, **over}


def test_place_answers_an_empty_object_and_refusals_carry_a_message_detail_object(sim) -> None:
    _info, session = web_session(sim)
    with httpx.Client(base_url=sim.url, headers=session.headers()) as http:
        ok = http.post(PLACE, json=body()).json()
        assert ok == {"code": "000000", "message": None, "messageDetail": None, "data": {},
                      "success": True}  # fmt: skip
        refused = http.post(PLACE, json=body(payoutRatio="0.70")).json()
    assert refused["success"] is False and refused["code"] == "93420010"
    assert refused["data"] is None and refused["message"]
    assert refused["messageDetail"] == dict.fromkeys(DETAIL_FIELDS)


async def test_connector_takes_a_refusal_message_not_the_detail_object(sim) -> None:
    _info, session = web_session(sim)
    async with EventContractClient(session, base_url=sim.url) as client:
        with pytest.raises(OrderRejected) as info:
            await client.place_event_order(
                "BTCUSDT", "LONG", "TEN_MINUTE", Decimal(5), Decimal("0.7")
            )
    assert "payout ratio has changed" in str(info.value) and "{" not in str(info.value)


def test_unknown_qr_code_is_success_with_status_expired(sim) -> None:
    reply = httpx.post(sim.url + QUERY, json={"qrCode": "no-such-code"}).json()
    assert reply["success"] is True and reply["data"]["status"] == "EXPIRED"


async def test_web_confirmation_gives_the_session_in_cookies_only(sim) -> None:
    qr = QrLoginClient(base_url=sim.url)
    try:
        code = await qr.qr_get()
        confirmed = sim.control.ok("POST", f"/sim/web/qr/{code.code}/confirm", json={})
        raw = await asyncio.to_thread(httpx.post, sim.url + QUERY, json={"qrCode": code.code})
        data = raw.json()["data"]
        assert data["status"] == "CONFIRM"
        assert not {"token", "code", "csrftoken", "csrfToken"} & set(data)
        assert raw.cookies["p20t"] == confirmed["p20t"]
        poll = await qr.qr_query(code.code)  # the connector reads the cookies
        assert poll.status is QrStatus.CONFIRM and poll.session is not None
        assert poll.session.p20t == confirmed["p20t"]
        assert poll.session.expiration_timestamp == confirmed["expirationTimestamp"]
    finally:
        await qr.close()


def test_set_trust_device_has_exactly_one_date_header(sim) -> None:
    _info, session = web_session(sim)
    reply = httpx.post(sim.url + TRUST, json={}, headers=session.headers())
    assert reply.json()["success"] is True
    assert len(reply.headers.get_list("date")) == 1
    other = httpx.get(sim.url + "/api/v3/time")  # every reply: one Date, from the sim's clock
    assert len(other.headers.get_list("date")) == 1
