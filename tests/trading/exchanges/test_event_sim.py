"""Event contracts and the QR login against the simulator on loopback (contract tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.client import EventContractClient
from trading.exchanges.errors import OpenOrderLimit, OrderRejected, OutcomeUnknown, SessionExpired

pytestmark = pytest.mark.integration

TERMS = ("BTCUSDT", "LONG", "TEN_MINUTE", Decimal(5), Decimal("0.80"))


def web_session(sim, usdt: str = "100") -> tuple[str, WebSession]:
    info = sim.control.ok("POST", "/sim/web/sessions", json={"balances": {"USDT": usdt}})
    return info["session_id"], WebSession.from_token_json(info)


def sim_orders(sim, session_id: str) -> list[dict]:
    return sim.control.ok("GET", f"/sim/web/sessions/{session_id}/event-orders")


@pytest.fixture
async def session_client(sim):
    session_id, session = web_session(sim)
    client = EventContractClient(session, base_url=sim.url)
    yield session_id, client
    await client.close()


async def test_place_and_list(sim, session_client) -> None:
    session_id, client = session_client
    placed = await client.place_event_order(*TERMS)
    assert placed.order_id is None  # the venue answers ``data: {}``
    (listed,) = await client.open_orders()
    assert await client.find_matching_open_order(*TERMS[:4]) == listed
    assert (listed.symbol, listed.direction, listed.amount) == ("BTCUSDT", "LONG", Decimal(5))
    balances = sim.control.ok("GET", f"/sim/web/sessions/{session_id}")["balances"]
    assert Decimal(balances["USDT"]) == Decimal(95)


@pytest.mark.parametrize("fault", [{"kind": "drop_reply"}, {"kind": "error_after_exec"}])
async def test_lost_reply_is_resolved_through_open_orders_never_placed_twice(
    sim, session_client, fault
) -> None:
    session_id, client = session_client
    sim.control.fault(fault["kind"], account=session_id)
    sent_at = datetime.now(UTC)
    with pytest.raises(OutcomeUnknown):
        await client.place_event_order(*TERMS)
    found = await client.find_matching_open_order(*TERMS[:4], placed_after=sent_at)
    assert found is not None
    (only,) = sim_orders(sim, session_id)
    assert only["orderId"] == found.order_id


async def test_session_expiry_raises_session_expired(sim, session_client) -> None:
    session_id, client = session_client
    sim.control.ok("POST", f"/sim/web/sessions/{session_id}/expire")
    with pytest.raises(SessionExpired):
        await client.open_orders()
    with pytest.raises(SessionExpired):
        await client.place_event_order(*TERMS)
    assert sim_orders(sim, session_id) == []


async def test_session_expired_fault(sim, session_client) -> None:
    session_id, client = session_client
    sim.control.fault("session_expired", account=session_id)
    with pytest.raises(SessionExpired):
        await client.place_event_order(*TERMS)


async def test_sixth_open_order_is_refused_as_the_open_order_limit(sim, session_client) -> None:
    """The venue allows 5 open event contracts per account (the simulator's default)."""
    session_id, client = session_client
    sim.control.ok(
        "POST", f"/sim/web/users/{_user(sim, session_id)}", json={"balances": {"USDT": "100"}}
    )
    for _ in range(5):
        await client.place_event_order(*TERMS)
    with pytest.raises(OpenOrderLimit) as info:
        await client.place_event_order(*TERMS)
    assert info.value.code == "93420018" and "maximum limit." in str(info.value)
    assert len(sim_orders(sim, session_id)) == 5 and len(await client.open_orders()) == 5


async def test_rejections(sim, session_client) -> None:
    session_id, client = session_client
    with pytest.raises(OrderRejected):
        await client.place_event_order("BTCUSDT", "LONG", "TEN_MINUTE", Decimal(5), Decimal("0.5"))
    sim.control.ok("POST", f"/sim/web/users/{_user(sim, session_id)}", json={"unavailable": True})
    with pytest.raises(OrderRejected) as info:
        await client.place_event_order(*TERMS)
    assert info.value.code == "93420004"
    assert sim_orders(sim, session_id) == []


def _user(sim, session_id: str) -> str:
    return sim.control.ok("GET", f"/sim/web/sessions/{session_id}")["user_id"]


async def test_expiry_timestamp_from_control_matches_session(sim) -> None:
    _, session = web_session(sim)
    now = datetime.now(UTC)
    assert not session.is_expired(now)
    assert session.is_expired(now + timedelta(days=6))  # sim sessions live 5 days
