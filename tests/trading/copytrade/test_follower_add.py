"""A follower added by a person (API or admin) is verified against its venue before it copies:
PENDING (待验证) until its keys read balances on the venue, then ACTIVE (跟单中); refused keys make
it DISABLED with the venue's reason. Real simulator over HTTP, real database."""

from __future__ import annotations

import pytest

from kernel.refusals import Refused
from trading.copytrade.choices import FollowerState
from trading.copytrade.models import Follower
from trading.copytrade.services import controls
from trading.copytrade.services import followers as services
from trading.exchanges.venue_errors import explain_text

from .operator_support import make_operator
from .test_api import Api, login

pytestmark = pytest.mark.django_db


def _add(api_key: str, api_secret: str, name: str = "new-one") -> Follower:
    return services.follower_add(
        name=name, venue="binance", environment="sim", api_key=api_key, api_secret=api_secret
    )


def test_good_keys_start_copying_only_after_the_check(sim, django_capture_on_commit_callbacks):
    acct = sim.control.binance_account({"USDT": "800"})
    with django_capture_on_commit_callbacks(execute=False) as pending:
        follower = _add(acct["api_key"], acct["api_secret"])
    assert follower.state == FollowerState.PENDING  # not 跟单中 before the venue said yes
    with pytest.raises(Refused):
        controls.follower_resume(follower=follower)
    for callback in pending:
        callback()
    follower.refresh_from_db()
    assert follower.state == FollowerState.ACTIVE and follower.last_error == ""


def test_refused_keys_disable_the_new_follower_with_the_reason(
    sim, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follower = _add("unknown-key-0000000000", "nope")
    follower.refresh_from_db()
    assert follower.state == FollowerState.DISABLED
    said = explain_text(follower.last_error, "zh")
    assert said.code and said.text.startswith("API 密钥无效"), follower.last_error


def test_the_api_adds_followers_pending_and_verifies_them(
    client, django_user_model, sim, django_capture_on_commit_callbacks
):
    make_operator(django_user_model)
    api = Api(client, login(client).json()["token"])
    acct = sim.control.binance_account({"USDT": "50"})
    body = {
        "name": "via-api",
        "exchange": "binance",
        "env": "sim",
        "api_key": acct["api_key"],
        "api_secret": acct["api_secret"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        reply = api("POST", "/accounts", body)
    assert reply.status_code == 201 and reply.json()["state"] == "PENDING"
    assert Follower.objects.get(pk=reply.json()["id"]).state == FollowerState.ACTIVE
