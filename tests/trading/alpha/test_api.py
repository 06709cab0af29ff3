"""The desktop client's Alpha API: host the QR-bound session (consent), the risk notice, a bot
configured, started, watched and stopped — and refusals in the one error shape."""

from __future__ import annotations

import json

import pytest

from accounts.models import AuditEvent
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaCredential

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
API = "/api/v1"


class Client:
    def __init__(self, client, trader) -> None:
        self.client = client
        reply = client.post(f"{API}/auth/login", json.dumps(
            {"username": trader.username, "password": "pw-12345678", "device_id": "dev-a"}),
            content_type="application/json")  # fmt: skip
        assert reply.status_code == 200, reply.content
        self.headers = {"HTTP_AUTHORIZATION": f"Token {reply.json()['token']}"}

    def __call__(self, method: str, path: str, body=None):
        call = getattr(self.client, method)
        if body is None:
            return call(API + path, **self.headers)
        return call(API + path, json.dumps(body), content_type="application/json", **self.headers)


@pytest.fixture
def trader_client(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import trader_create

    trader = trader_create(username="alphaapi", password="pw-12345678",
                           expires_at=timezone.now() + timedelta(days=5))  # fmt: skip
    return trader, Client(client, trader)


def test_host_configure_start_watch_stop(sim, world, trader_client) -> None:
    trader, api = trader_client
    info = world.session("1000")
    body = {"env": "sim", "csrftoken": info["csrftoken"], "p20t": info["p20t"],
            "expirationTimestamp": info["expirationTimestamp"], "consent": False}  # fmt: skip
    refused = api("post", "/alpha/session", body)
    assert refused.status_code == 400 and refused.json()["code"] == "consent_required"
    assert api("post", "/alpha/session", body | {"consent": True}).status_code == 201
    cred = AlphaCredential.objects.get(trader=trader)
    assert cred.source == "desktop_qr" and cred.consent_at and cred.p20t == info["p20t"]
    assert info["p20t"] not in json.dumps(api("get", "/alpha/session").json())

    config = {"env": "sim", "token": world.alpha_id, "target_kind": "today", "target_value": "15",
              "offset_mode": "pct", "buy_offset": "-1", "sell_offset": "-1", "order_usdt": "10",
              "timeout_s": 60}  # fmt: skip
    bot = api("put", "/alpha/bots", config).json()
    assert bot["phase"] == "idle" and bot["progress"]["loops_left"] == 2
    start = api("post", f"/alpha/bots/{bot['id']}/start")
    assert start.status_code == 400 and start.json()["code"] == "risk_not_accepted"
    notice = api("get", "/alpha/risk-notice").json()
    assert notice["accepted"] is False and "违规" in notice["body_zh"]
    assert api("post", "/alpha/risk-notice").status_code == 201
    assert AuditEvent.objects.filter(trader=trader, action="alpha_risk_accepted").count() == 1
    with InProcess():
        assert api("post", f"/alpha/bots/{bot['id']}/start").status_code == 200
        wait_for(lambda: api("get", "/alpha/bots").json()[0]["phase"] == "target_reached", 30)
    state = api("get", "/alpha/bots").json()[0]
    assert state["progress"]["percent"] == 100.0 and state["progress"]["cycles_today"] == 2
    cycles = api("get", f"/alpha/bots/{bot['id']}/cycles").json()
    assert [c["number"] for c in cycles] == [2, 1] and all(c["counted"] != "0" for c in cycles)
    balances = api("get", f"/alpha/bots/{bot['id']}/balances").json()
    assert set(balances) == {"USDT", world.alpha_id} and balances["USDT"]["locked"] == "0"
    assert api("post", f"/alpha/bots/{bot['id']}/stop").json()["phase"] == "target_reached"
    bad = api("put", "/alpha/bots", config | {"order_usdt": "abc"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    assert api("post", "/alpha/bots/999999/start").status_code == 404
