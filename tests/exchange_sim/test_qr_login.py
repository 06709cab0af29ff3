"""QR-code login: NEW → SCAN → CONFIRM (cookies + csrftoken), EXPIRED, setTrustDevice expiry."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from tests.exchange_sim.simb_support import WebSession, sim_client

GET_V2 = "/bapi/accounts/v2/public/qrcode/login/get"
GET_V1 = "/bapi/accounts/v1/public/qrcode/login/get"
QUERY_V1 = "/bapi/accounts/v1/public/qrcode/login/query"
QUERY_V2 = "/bapi/accounts/v2/public/qrcode/login/query"
TRUST = "/bapi/accounts/v2/private/authcenter/setTrustDevice"
ONGOING = "/bapi/futures/v2/private/future/event-contract/ongoing-order-list"


@pytest.fixture
def env():
    with sim_client() as (client, world):
        now = world.clock_ms()
        world.clock_ms = lambda: now
        yield client, world


def advance(world, ms):
    now = world.clock_ms() + ms
    world.clock_ms = lambda: now


def status(client, code, path=QUERY_V2):
    body = client.post(path, json={"qrCode": code}).json()
    assert body["success"] is True
    return body["data"]["status"]


def test_full_login_flow(env):
    client, world = env
    got = client.post(GET_V2, json={"random": "abc"}).json()
    code = got["data"]["qrCode"]
    assert got["success"] is True and isinstance(code, str) and len(code) == 32
    assert status(client, code) == "NEW"
    assert client.post(f"/sim/web/qr/{code}/scan").json()["status"] == "SCAN"
    assert status(client, code, QUERY_V1) == "SCAN"
    confirmed = client.post(f"/sim/web/qr/{code}/confirm", json={"balances": {"USDT": "50"}})
    assert confirmed.status_code == 200
    reply = client.post(QUERY_V2, json={"qrCode": code})
    data = reply.json()["data"]
    assert data == {"status": "CONFIRM", "bncLocation": ""}  # web clients: cookies only
    assert reply.cookies["p20t"] == confirmed.json()["p20t"]
    assert reply.cookies["csrftoken"] == confirmed.json()["csrftoken"]
    assert "Max-Age=" in reply.headers["set-cookie"]
    session = WebSession(client, world, confirmed.json())
    trust = session.post(TRUST)
    assert trust.json()["success"] is True
    cookie = next(c for c in trust.headers.get_list("set-cookie") if c.startswith("p20t="))
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    date_s = int(parsedate_to_datetime(trust.headers["date"]).timestamp())
    assert date_s + max_age == confirmed.json()["expirationTimestamp"]
    assert session.get(ONGOING).json()["success"] is True


def test_code_expires_after_ttl(env):
    client, world = env
    code = client.post(GET_V2).json()["data"]["qrCode"]
    advance(world, 59_999)
    assert status(client, code) == "NEW"
    advance(world, 1)
    assert status(client, code) == "EXPIRED"
    assert client.post(f"/sim/web/qr/{code}/confirm").status_code == 400


def test_configurable_ttl_and_auto_confirm(env):
    client, world = env
    client.post("/sim/web/config", json={"qr_ttl_s": 10, "qr_auto_confirm_s": 4})
    code = client.post(GET_V2).json()["data"]["qrCode"]
    assert status(client, code) == "NEW"
    advance(world, 2_000)
    assert status(client, code) == "SCAN"
    advance(world, 2_000)
    first = client.post(QUERY_V2, json={"qrCode": code})
    assert first.json()["data"]["status"] == "CONFIRM" and first.cookies["csrftoken"]
    again = client.post(QUERY_V2, json={"qrCode": code})
    assert again.cookies["p20t"] == first.cookies["p20t"]  # one session per code


def test_v1_get_returns_bare_code_and_unknown_code_is_expired(env):
    client, _ = env
    code = client.post(GET_V1).json()["data"]
    assert isinstance(code, str) and status(client, code) == "NEW"
    assert status(client, "nope") == "EXPIRED"  # success with status EXPIRED, not an error


def test_trust_device_needs_a_session(env):
    client, _ = env
    r = client.post(TRUST, json={}, headers={"csrftoken": "x", "cookie": "p20t=y"})
    assert r.json()["code"] == "100002001"
