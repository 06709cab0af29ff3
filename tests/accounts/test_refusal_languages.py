"""Every refusal a trader can meet, as a table: login refusals (code, HTTP status, message) in
Chinese and in English, and the refusals of a live session's next call in the trader's language —
the desktop client sends no Accept-Language, so the trader's own setting must decide."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import Trader
from accounts.services import device_save, trader_set_disabled, trader_update
from tests.accounts.conftest import PASSWORD, auth
from tests.accounts.test_sessions import _age_session

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"
MESSAGES = {
    "invalid_credentials": {ZH: "用户名或密码错误", EN: "Wrong username or password"},
    "account_expired": {
        ZH: "账号已过期，请联系管理员",
        EN: "Your account has expired, please contact the administrator",
    },
    "account_disabled": {
        ZH: "账号已被禁用，请联系管理员",
        EN: "Your account has been disabled, please contact the administrator",
    },
    "device_not_allowed": {
        ZH: "此设备未获授权，请将设备ID发给管理员",
        EN: "This device is not authorized; send its device ID to the administrator",
    },
    "session_expired": {
        ZH: "登录已超过24小时，请重新登录",
        EN: "Your session is older than 24 hours, please log in again",
    },
}
LOGIN_CASES = [
    # (what is wrong, expected code, HTTP status)
    ("wrong password", "invalid_credentials", 401),
    ("expired account", "account_expired", 403),
    ("disabled account", "account_disabled", 403),
    ("unregistered device", "device_not_allowed", 403),
]


@override_settings(APP_MODE="device_whitelist")
@pytest.mark.parametrize("lang", [ZH, EN])
@pytest.mark.parametrize("wrong, code, status", LOGIN_CASES, ids=[c[0] for c in LOGIN_CASES])
def test_login_refusal(make_trader, api_login, lang, wrong, code, status):
    trader = make_trader("neo", days=-1 if wrong == "expired account" else 30, language=lang)
    if wrong == "disabled account":
        trader_set_disabled(trader=trader, disabled=True)
    device_save(device_id="registered-pc", label="office")
    r = api_login(
        "neo",
        "wrong-password" if wrong == "wrong password" else PASSWORD,
        device_id="stranger-pc" if wrong == "unregistered device" else "registered-pc",
    )
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert r.json()["message"] == MESSAGES[code][lang]
    if code == "account_expired" and lang == ZH:
        assert "请联系管理员" in r.json()["message"]


@override_settings(APP_MODE="device_whitelist")
@pytest.mark.parametrize("lang", [ZH, EN])
def test_the_same_setup_with_nothing_wrong_logs_in(make_trader, api_login, lang):
    """The table above is not refusing everything: the baseline of every row succeeds."""
    make_trader("neo", language=lang)
    device_save(device_id="registered-pc", label="office")
    assert api_login("neo", device_id="registered-pc").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/auth/me", "/api/v1/event-orders/pull"])
@pytest.mark.parametrize("lang", [ZH, EN])
@pytest.mark.parametrize("change", ["disabled", "expired", "24 hours"])
def test_a_live_sessions_next_call_is_refused_in_the_traders_language(
    client, make_trader, api_login, committed, lang, change, url
):
    """On the DRF endpoints and on the hand-written 1 s order pull alike."""
    from datetime import timedelta

    from django.utils import timezone

    make_trader("neo", language=lang)
    token = api_login("neo").json()["token"]
    trader = Trader.objects.get(username="neo")
    assert client.get(url, **auth(token)).status_code == 200
    with committed():
        if change == "disabled":
            trader_set_disabled(trader=trader, disabled=True)
        elif change == "expired":
            trader_update(trader=trader, expires_at=timezone.now() - timedelta(seconds=1))
        else:
            _age_session(token, 24)
    code = {"disabled": "account_disabled", "expired": "account_expired"}.get(
        change, "session_expired"
    )
    r = client.get(url, **auth(token))
    assert r.json()["code"] == code
    assert r.json()["message"] == MESSAGES[code][lang]
