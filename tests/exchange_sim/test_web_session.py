"""Binance web session auth (csrftoken header + p20t cookie) shared by Alpha and event contracts."""

from __future__ import annotations

import pytest

from tests.exchange_sim.simb_support import WebSession, sim_client

ONGOING = "/bapi/futures/v2/private/future/event-contract/ongoing-order-list"
EXPIRED = {
    "code": "100002001",
    "message": "login state has expired, please log in again",
    "messageDetail": dict.fromkeys(("title", "type", "icon", "action", "linkTitle", "linkUrl")),
    "data": None,
    "success": False,
}


@pytest.fixture
def web():
    with sim_client() as (client, world):
        yield WebSession.create(client, world, balances={"USDT": "100"})


def test_session_create_shape(web):
    info = web.info
    assert set(info) >= {"session_id", "csrftoken", "p20t", "expirationTimestamp", "expires_ms"}
    assert isinstance(info["expirationTimestamp"], int)
    assert info["expires_ms"] == info["expirationTimestamp"] * 1000
    assert info["balances"] == {"USDT": "100"}


def test_valid_session_gets_envelope(web):
    r = web.get(ONGOING, {"page": 1, "rows": 10})
    body = r.json()
    assert r.status_code == 200
    assert (body["code"], body["success"], body["data"], body["message"]) == (
        "000000", True, [], None)  # fmt: skip


@pytest.mark.parametrize(
    "auth",
    [{"csrftoken": ""}, {"csrftoken": "0" * 32}, {"p20t": ""}, {"p20t": "web.1.NOPE"}],
)
def test_missing_or_wrong_credentials(web, auth):
    r = web.get(ONGOING, **auth)
    assert r.status_code == 200 and r.json() == EXPIRED


def test_control_expiry_and_clock_expiry(web):
    other = WebSession.create(web.client, web.world, ttl_s=60)
    assert other.get(ONGOING).json()["success"] is True
    web.client.post(f"/sim/web/sessions/{web.session_id}/expire")
    assert web.get(ONGOING).json() == EXPIRED
    now = web.world.clock_ms()
    web.world.clock_ms = lambda: now + 61_000
    assert other.get(ONGOING).json() == EXPIRED


def test_session_expired_fault_is_per_session(web):
    other = WebSession.create(web.client, web.world)
    web.world.faults.arm("session_expired", account=web.session_id)
    assert web.get(ONGOING).json() == EXPIRED
    assert web.get(ONGOING).json() == EXPIRED  # an expired session stays expired
    assert other.get(ONGOING).json()["success"] is True


def test_rate_limit_fault(web):
    web.world.faults.arm("rate_limit", account=web.session_id, retry_after=5)
    first = web.get(ONGOING)
    assert first.status_code == 429 and first.headers["Retry-After"] == "5"
    assert first.json()["success"] is False
    assert web.get(ONGOING).status_code == 418
