"""``/admin/login/`` goes through the same waits, locks and audit as the API logins, and asks for
a TOTP code from staff users who have an authenticator; with ``ADMIN_REQUIRE_2FA`` operators
(``copytrade.operate``) must enrol one before the admin (or the operator API) lets them in."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, LoginLock
from kernel.runtime_config import config_get
from tests.trading.copytrade.operator_support import PASSWORD, make_operator

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings):
    """django-otp throttles a device for seconds after a wrong code; the tests do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def admin_login(client, username="operator1", password=PASSWORD, otp="", **extra):
    data = {"username": username, "password": password, "otp_token": otp, "next": "/admin/"}
    return client.post(LOGIN, data, **extra)


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_wrong_passwords_lock_the_admin_login(client, django_user_model, clock):
    """The issue's case: 30 wrong passwords for operator1, then the right one, got in."""
    make_operator(django_user_model, "operator1")
    for _ in range(30):
        page = admin_login(client, password="wrong", REMOTE_ADDR="203.0.113.7")
        assert page.status_code == 200
        clock.advance(1)
    assert LoginLock.objects.filter(scope="username", value="user:operator1").exists()
    page = admin_login(client, REMOTE_ADDR="203.0.113.7")
    assert page.status_code == 200 and "登录失败次数过多" in page.content.decode()
    assert not logged_in(client)
    refused = AuditEvent.objects.filter(action="login_refused", username="operator1")
    assert set(refused.values_list("reason", flat=True)) == {"invalid_credentials", "login_locked"}
    assert set(refused.values_list("ip", flat=True)) == {"203.0.113.7"}
    assert all(e.detail == {"via": "admin"} for e in refused)


def test_admin_login_is_audited_and_shares_the_operator_api_lock(client, django_user_model, clock):
    make_operator(django_user_model, "operator1")
    assert admin_login(client, REMOTE_ADDR="198.51.100.4").status_code == 302
    event = AuditEvent.objects.get(action="login")
    assert (event.username, event.ip, event.detail) == (
        "operator1",
        "198.51.100.4",
        {"via": "admin"},
    )
    client.logout()
    for _ in range(config_get("login_max_failures")):
        client.post(
            "/api/v1/copy/operator-login",
            {"username": "operator1", "password": "wrong"},
            content_type="application/json",
        )
        clock.advance(31)
    assert admin_login(client).status_code == 200  # locked by the API failures
    assert not logged_in(client)


def test_a_user_with_an_authenticator_must_give_its_code(client, django_user_model, clock):
    user = make_operator(django_user_model, "operator1")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = admin_login(client)
    assert page.status_code == 200 and "动态验证码" in page.content.decode()
    assert not logged_in(client)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    assert admin_login(client, otp=wrong).status_code == 200
    assert not logged_in(client)
    assert admin_login(client, otp=code_of(device)).status_code == 302
    assert logged_in(client)
    reasons = AuditEvent.objects.filter(action="login_refused").values_list("reason", flat=True)
    assert sorted(reasons) == ["otp_invalid", "otp_required"]


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_required_two_factor_sends_an_operator_to_enrol_first(client, django_user_model):
    user = make_operator(django_user_model, "operator1")
    assert admin_login(client).status_code == 302
    assert client.get("/admin/").url == "/admin/2fa/"
    assert client.get("/admin/accounts/trader/").url == "/admin/2fa/"
    assert client.get("/api/v1/status").status_code == 403  # the session, not verified
    page = client.get("/admin/2fa/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/admin/2fa/", {"otp_token": "12345"}).status_code == 200
    assert client.post("/admin/2fa/", {"otp_token": code_of(device)}).url == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert logged_in(client)
    assert client.get("/api/v1/status").status_code == 200


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_required_two_factor_spares_staff_without_the_operate_permission(client, django_user_model):
    make_operator(django_user_model, "clerk", perm=False)
    assert admin_login(client, "clerk").status_code == 302
    assert logged_in(client)


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_operator_api_login_needs_the_code_too(client, django_user_model):
    user = make_operator(django_user_model, "operator1")

    def api(**extra):
        body = {"username": "operator1", "password": PASSWORD, **extra}
        return client.post("/api/v1/copy/operator-login", body, content_type="application/json")

    reply = api()
    assert reply.status_code == 403 and reply.json()["code"] == "otp_setup_required"
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    reply = api()
    assert reply.status_code == 401 and reply.json()["code"] == "otp_required"
    assert api(otp_token=code_of(device)).status_code == 200
