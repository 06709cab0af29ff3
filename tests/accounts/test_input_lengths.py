"""Every input length the models allow fits every column it reaches: a 140-character operator
username (Django allows 150) answered 500 and wrote no lock row (``LoginLock.value`` was 128
characters, ``AuditEvent.username`` 64)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts import bruteforce
from accounts.models import AuditEvent, ClientSession, LoginLock, Trader
from accounts.serializers import LoginIn
from kernel.runtime_config import config_get
from tests.trading.copytrade.operator_support import make_operator
from trading.copytrade.serializers import OperatorLoginIn


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def test_the_longest_allowed_usernames_fit_the_lock_and_audit_columns():
    staff = max(_max(get_user_model(), "username"), OperatorLoginIn().fields["username"].max_length)
    trader = max(_max(Trader, "username"), LoginIn().fields["username"].max_length)
    assert len(bruteforce.STAFF_PREFIX) + staff <= _max(LoginLock, "value")
    assert trader <= _max(LoginLock, "value")
    assert max(staff, trader) <= _max(AuditEvent, "username")
    device = LoginIn().fields["device_id"].max_length
    assert device <= _max(ClientSession, "device_id") and device <= _max(AuditEvent, "device_id")


@pytest.mark.django_db
@pytest.mark.parametrize("length", [140, 150])
def test_a_long_operator_username_is_refused_and_locked_not_a_500(
    client, django_user_model, clock, length
):
    name = "o" * length
    make_operator(django_user_model, name)
    body = {"username": name, "password": "wrong"}
    for _ in range(config_get("login_max_failures")):
        reply = client.post("/api/v1/copy/operator-login", body, content_type="application/json")
        assert reply.status_code == 401 and reply.json()["code"] == "invalid_credentials"
        clock.advance(31)
    assert LoginLock.objects.get().value == f"user:{name}"
    assert AuditEvent.objects.filter(username=name, reason="invalid_credentials").count() == 5
    reply = client.post("/api/v1/copy/operator-login", body, content_type="application/json")
    assert reply.status_code == 429 and reply.json()["code"] == "login_locked"


@pytest.mark.django_db
def test_an_unknown_long_username_is_a_401(client):
    body = {"username": "x" * 150, "password": "wrong"}
    reply = client.post("/api/v1/copy/operator-login", body, content_type="application/json")
    assert reply.status_code == 401 and reply.json()["code"] == "invalid_credentials"
    reply = client.post(
        "/api/v1/auth/login",
        {"username": "y" * 64, "password": "w"},
        content_type="application/json",
    )
    assert reply.status_code == 401 and reply.json()["code"] == "invalid_credentials"
