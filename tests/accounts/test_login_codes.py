"""Every refusal of POST /api/v1/auth/login, with its code, status and localized message."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import AuditEvent
from accounts.services import device_save, trader_set_disabled
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_success_returns_token_expiry_and_trader(make_trader, api_login):
    make_trader("alice", display_name="爱丽丝")
    body = api_login("alice").json()
    assert len(body["token"]) >= 32
    assert body["trader"]["display_name"] == "爱丽丝"
    assert body["trader"]["status"] == "active"
    assert body["expires_at"] > body["server_time"]


@pytest.mark.parametrize("username,password", [("alice", "wrong-pass"), ("nobody", PASSWORD)])
def test_invalid_credentials_is_401(make_trader, api_login, username, password):
    make_trader("alice")
    r = api_login(username, password)
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials"
    assert r.json()["message"] == "用户名或密码错误"


def test_expired_account_is_403_and_says_contact_admin(make_trader, api_login):
    make_trader("old", days=-1)
    r = api_login("old")
    assert r.status_code == 403
    assert r.json()["code"] == "account_expired"
    assert "请联系管理员" in r.json()["message"]
    assert "expired_at" in r.json()["detail"]


def test_disabled_account_is_403(make_trader, api_login):
    trader = make_trader("bob")
    trader_set_disabled(trader=trader, disabled=True)
    r = api_login("bob")
    assert r.status_code == 403
    assert r.json()["code"] == "account_disabled"


def test_disabled_wins_over_expired(make_trader, api_login):
    trader = make_trader("carl", days=-1)
    trader_set_disabled(trader=trader, disabled=True)
    assert api_login("carl").json()["code"] == "account_disabled"


@override_settings(APP_MODE="device_whitelist")
def test_whitelist_refuses_unknown_device_with_its_id(make_trader, api_login):
    make_trader("dora")
    r = api_login("dora", device_id="laptop-42")
    assert r.status_code == 403
    assert r.json()["code"] == "device_not_allowed"
    assert r.json()["detail"] == {"device_id": "laptop-42"}


@override_settings(APP_MODE="device_whitelist")
def test_whitelist_admits_registered_device_until_revoked(make_trader, api_login):
    from accounts.services import device_set_revoked

    make_trader("dora")
    device = device_save(device_id="laptop-42", label="Dora's laptop")
    assert api_login("dora", device_id="laptop-42").status_code == 200
    device_set_revoked(device=device, revoked=True)
    assert api_login("dora", device_id="laptop-42").json()["code"] == "device_not_allowed"


def test_open_mode_admits_any_device(make_trader, api_login):
    make_trader("eve")
    assert api_login("eve", device_id="anything").status_code == 200


def test_messages_follow_the_traders_language(make_trader, api_login):
    make_trader("zed", days=-1, language="en")
    r = api_login("zed")
    assert r.json()["code"] == "account_expired"
    assert r.json()["message"] == "Your account has expired, please contact the administrator"
    r = api_login("zed", "wrong-pass")
    assert r.json()["message"] == "Wrong username or password"


def test_unknown_username_gets_the_default_language(api_login):
    assert api_login("ghost").json()["message"] == "用户名或密码错误"


def test_refusals_are_audited_with_their_reason(make_trader, api_login):
    make_trader("old", days=-1)
    api_login("old")
    api_login("ghost")
    reasons = dict(
        AuditEvent.objects.filter(action="login_refused").values_list("username", "reason")
    )
    assert reasons == {"old": "account_expired", "ghost": "invalid_credentials"}


def test_malformed_body_has_the_error_shape(client):
    r = client.post("/api/v1/auth/login", {"username": "x"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert "password" in r.json()["detail"]
