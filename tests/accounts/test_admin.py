"""The back office for traders, sessions and devices, driven through the Django test client as a
logged-in superuser: every write goes through the services and is audited with the admin as actor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import override_settings
from django.utils import timezone

from accounts.models import AuditEvent, ClientSession, Device, Trader
from accounts.services import trader_set_disabled
from tests.accounts.conftest import PASSWORD, auth

pytestmark = pytest.mark.django_db
TRADERS = "/admin/accounts/trader/"


def _action(admin_client, url: str, action: str, pks) -> None:
    r = admin_client.post(url, {"action": action, ACTION_CHECKBOX_NAME: list(pks)})
    assert r.status_code == 302, r.content[:2000]


def _form(trader_kwargs: dict) -> dict:
    base = {
        "display_name": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "order_amount": "10",
        "language": "zh-hans",
        "new_password": "",
    }
    return {**base, **trader_kwargs}


def _local(dt) -> tuple[str, str]:
    dt = timezone.localtime(dt)
    return dt.strftime("%Y-%m-%d"), dt.strftime("%H:%M:%S")


def test_admin_is_chinese_by_default(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "交易员" in page and "审计日志" in page


def test_list_shows_colored_status_and_filters_by_it(admin_client, make_trader):
    make_trader("ok1")
    make_trader("old1", days=-2)
    trader_set_disabled(trader=make_trader("off1"), disabled=True)
    page = admin_client.get(TRADERS).content.decode()
    for label in ("正常", "已过期", "已禁用"):
        assert f">{label}</b>" in page
    assert "color:#c62828" in page
    expired = admin_client.get(TRADERS, {"status": "expired"}).content.decode()
    assert "old1" in expired and "ok1" not in expired and "off1" not in expired
    found = admin_client.get(TRADERS, {"q": "off"}).content.decode()
    assert "off1" in found and "ok1" not in found


def test_create_hashes_the_password_and_audits_the_admin(
    admin_client, admin_user, api_login, committed
):
    day, time = _local(timezone.now() + timedelta(days=7))
    with committed():
        r = admin_client.post(
            f"{TRADERS}add/",
            _form(
                {
                    "username": "neo",
                    "display_name": "尼奥",
                    "expires_at_0": day,
                    "expires_at_1": time,
                    "new_password": PASSWORD,
                }
            ),
        )
    assert r.status_code == 302, r.content[:3000]
    trader = Trader.objects.get(username="neo")
    assert trader.password != PASSWORD and trader.check_password(PASSWORD)
    assert AuditEvent.objects.get(action="trader_created").actor == admin_user
    assert api_login("neo").status_code == 200


def test_create_requires_a_password(admin_client):
    day, time = _local(timezone.now() + timedelta(days=7))
    form = _form({"username": "neo", "expires_at_0": day, "expires_at_1": time})
    r = admin_client.post(f"{TRADERS}add/", form)
    assert r.status_code == 200 and not Trader.objects.exists()


def test_change_keeps_password_when_blank_and_sets_a_new_one(
    admin_client, admin_user, make_trader, api_login
):
    trader = make_trader("neo")
    day, time = _local(trader.expires_at)
    url = f"{TRADERS}{trader.pk}/change/"
    form = _form({"display_name": "改名", "expires_at_0": day, "expires_at_1": time})
    assert admin_client.post(url, form).status_code == 302
    assert api_login("neo").status_code == 200
    form["new_password"] = "another-pass-1"
    assert admin_client.post(url, form).status_code == 302
    assert api_login("neo").status_code == 401
    assert api_login("neo", "another-pass-1").status_code == 200
    changes = AuditEvent.objects.filter(action="trader_changed", actor=admin_user)
    assert [e.detail for e in changes.order_by("at")] == [
        {"display_name": "改名"},
        {"password": "***"},
    ]


def test_extend_action_restores_an_expired_trader(
    admin_client, admin_user, make_trader, api_login, committed
):
    trader = make_trader("old", days=-3)
    assert api_login("old").json()["code"] == "account_expired"
    with committed():
        _action(admin_client, TRADERS, "extend_30_days", [trader.pk])
    trader.refresh_from_db()
    assert timedelta(days=29) < trader.expires_at - timezone.now() <= timedelta(days=30)
    r = api_login("old")
    assert r.status_code == 200, r.content
    assert AuditEvent.objects.get(action="trader_extended").actor == admin_user


def test_extend_adds_to_a_future_expiry(admin_client, make_trader):
    trader = make_trader("fresh", days=10)
    _action(admin_client, TRADERS, "extend_30_days", [trader.pk])
    trader.refresh_from_db()
    assert trader.expires_at - timezone.now() > timedelta(days=39)


def test_disable_action_ends_a_live_session_and_enable_allows_a_new_login(
    admin_client, admin_user, client, make_trader, api_login, committed
):
    trader = make_trader("neo")
    token = api_login("neo").json()["token"]
    with committed():
        _action(admin_client, TRADERS, "disable", [trader.pk])
    assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == "account_disabled"
    with committed():
        _action(admin_client, TRADERS, "enable", [trader.pk])
    # the disable ended the session for good: the trader logs in again
    assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == "invalid_token"
    assert api_login("neo").status_code == 200
    actions = AuditEvent.objects.filter(actor=admin_user).values_list("action", flat=True)
    assert sorted(actions) == ["trader_disabled", "trader_enabled"]


def test_session_admin_is_read_only_and_revokes(
    admin_client, admin_user, client, make_trader, api_login
):
    make_trader("neo")
    token = api_login("neo").json()["token"]
    session = ClientSession.objects.get()
    page = admin_client.get("/admin/accounts/clientsession/").content.decode()
    assert "dev-1" in page and session.token_hash not in page
    assert admin_client.get("/admin/accounts/clientsession/add/").status_code == 403
    _action(admin_client, "/admin/accounts/clientsession/", "revoke", [session.pk])
    session.refresh_from_db()
    assert session.end_reason == "revoked"
    assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == "invalid_token"
    assert AuditEvent.objects.get(action="session_revoked").actor == admin_user


@override_settings(APP_MODE="device_whitelist")
def test_device_admin_adds_labels_and_revokes(admin_client, admin_user, make_trader, api_login):
    make_trader("neo")
    assert api_login("neo", device_id="pc-7").json()["code"] == "device_not_allowed"
    r = admin_client.post("/admin/accounts/device/add/", {"device_id": "pc-7", "label": "办公室"})
    assert r.status_code == 302
    assert api_login("neo", device_id="pc-7").status_code == 200
    device = Device.objects.get()
    _action(admin_client, "/admin/accounts/device/", "revoke", [device.pk])
    assert api_login("neo", device_id="pc-7").json()["code"] == "device_not_allowed"
    reasons = AuditEvent.objects.filter(action="device_changed", actor=admin_user)
    assert sorted(reasons.values_list("reason", flat=True)) == ["registered", "revoked"]


def test_audit_admin_lists_and_filters(admin_client, make_trader, api_login):
    make_trader("neo")
    api_login("neo")
    api_login("neo", "bad-password")
    page = admin_client.get("/admin/accounts/auditevent/", {"action": "login_refused"})
    text = page.content.decode()
    assert page.status_code == 200 and "invalid_credentials" in text
    assert admin_client.get("/admin/accounts/auditevent/add/").status_code == 403


def test_admin_speaks_english_when_asked(admin_client):
    admin_client.cookies["django_language"] = "en"  # what the header switcher sets
    page = admin_client.get("/admin/").content.decode()
    assert "Traders" in page and "Audit log" in page
