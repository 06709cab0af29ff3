"""An expired (or disabled) trader restored by an admin through the trader's change form in the
back office — not only the list action or the service — logs in again; the change is audited with
the admin as actor and listed on the audit page; the list shows the new status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Trader
from accounts.services import trader_set_disabled
from tests.accounts.conftest import auth

pytestmark = pytest.mark.django_db
TRADERS = "/admin/accounts/trader/"


def _change_form(trader: Trader, **overrides) -> dict:
    """The change form as the browser posts it (the admin's split date / time inputs)."""
    expires = timezone.localtime(overrides.pop("expires_at", trader.expires_at))
    form = {
        "display_name": trader.display_name,
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": expires.strftime("%H:%M:%S"),
        "order_amount": str(trader.order_amount),
        "language": trader.language,
        "new_password": "",
    }
    if overrides.pop("is_disabled", trader.is_disabled):
        form["is_disabled"] = "on"
    return {**form, **overrides}


def _row(page: str, username: str) -> str:
    """The list row of one trader (from its username link to the end of the row; the last link,
    since a "changed successfully" message above the list links the trader too)."""
    start = page.rindex(f">{username}</a>")
    return page[start : page.index("</tr>", start)]


def test_expired_trader_restored_through_the_change_form_logs_in_again(
    admin_client, admin_user, make_trader, api_login, committed
):
    trader = make_trader("old", days=-3)
    assert api_login("old").json()["code"] == "account_expired"
    assert ">已过期</b>" in _row(admin_client.get(TRADERS).content.decode(), "old")

    new_expiry = timezone.now() + timedelta(days=60)
    with committed():
        r = admin_client.post(
            f"{TRADERS}{trader.pk}/change/", _change_form(trader, expires_at=new_expiry)
        )
    assert r.status_code == 302, r.content[:3000]

    trader.refresh_from_db()
    assert abs(trader.expires_at - new_expiry) < timedelta(seconds=1)
    r = api_login("old")
    assert r.status_code == 200, r.content
    assert r.json()["trader"]["status"] == "active"
    assert ">正常</b>" in _row(admin_client.get(TRADERS).content.decode(), "old")

    event = AuditEvent.objects.get(action="trader_extended")
    assert (event.actor, event.trader, event.username) == (admin_user, trader, "old")
    assert "expires_at" in event.detail
    audit_page = admin_client.get("/admin/accounts/auditevent/", {"action": "trader_extended"})
    assert (
        "old" in audit_page.content.decode() and admin_user.username in audit_page.content.decode()
    )


def test_a_session_ended_by_expiry_stays_ended_after_the_restore(
    client, admin_client, make_trader, api_login, committed
):
    """Setting an expiry in the past ends every session of the trader; the restore lets the
    trader log in again but does not bring the old session back."""
    trader = make_trader("neo", days=1)
    token = api_login("neo").json()["token"]
    with committed():
        admin_client.post(
            f"{TRADERS}{trader.pk}/change/",
            _change_form(trader, expires_at=timezone.now() - timedelta(minutes=1)),
        )
    assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == "account_expired"
    trader.refresh_from_db()
    with committed():
        admin_client.post(
            f"{TRADERS}{trader.pk}/change/",
            _change_form(trader, expires_at=timezone.now() + timedelta(days=30)),
        )
    assert client.get("/api/v1/auth/me", **auth(token)).json()["code"] == "invalid_token"
    assert api_login("neo").status_code == 200


def test_disabled_trader_re_enabled_through_the_change_form(
    admin_client, admin_user, make_trader, api_login, committed
):
    trader = trader_set_disabled(trader=make_trader("off"), disabled=True)
    assert api_login("off").json()["code"] == "account_disabled"
    with committed():
        r = admin_client.post(
            f"{TRADERS}{trader.pk}/change/", _change_form(trader, is_disabled=False)
        )
    assert r.status_code == 302, r.content[:3000]
    assert api_login("off").status_code == 200
    assert AuditEvent.objects.get(action="trader_enabled").actor == admin_user


def test_an_invalid_restore_changes_nothing(admin_client, make_trader, api_login):
    """A malformed expiry re-renders the form with the error; the trader stays expired."""
    trader = make_trader("old", days=-3)
    form = _change_form(trader)
    form["expires_at_0"] = "not-a-date"
    r = admin_client.post(f"{TRADERS}{trader.pk}/change/", form)
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert api_login("old").json()["code"] == "account_expired"
    assert not AuditEvent.objects.filter(action__startswith="trader_", actor__isnull=False)
