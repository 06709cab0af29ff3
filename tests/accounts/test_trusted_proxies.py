"""Behind the TLS proxy every request comes from the proxy's address: the client IP is taken from
``X-Forwarded-For`` only when the request came from a ``TRUSTED_PROXIES`` entry, so one attacker's
failures do not lock everyone out, and the audit log records the real client."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import AuditEvent, LoginLock
from kernel.runtime_config import config_get
from tests.trading.copytrade.operator_support import PASSWORD as OP_PASSWORD
from tests.trading.copytrade.operator_support import make_operator

PROXY = "10.0.0.1"


def via_proxy(client_address: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.1", "203.0.113.5", [], "10.0.0.1"),  # no trusted proxy: header ignored
        ("198.51.100.7", "203.0.113.5", ["10.0.0.0/8"], "198.51.100.7"),  # not from the proxy
        ("10.0.0.1", "203.0.113.5", ["10.0.0.1"], "203.0.113.5"),
        ("10.0.0.1", "1.1.1.1, 203.0.113.5", ["10.0.0.0/8"], "203.0.113.5"),  # spoofed left part
        ("10.0.0.1", "1.1.1.1, 203.0.113.5, 10.0.0.3", ["10.0.0.0/8"], "203.0.113.5"),  # 2 proxies
        ("10.0.0.1", "", ["10.0.0.0/8"], "10.0.0.1"),
        ("10.0.0.1", "junk, 203.0.113.5", ["10.0.0.0/8"], "203.0.113.5"),
        ("10.0.0.1", "203.0.113.5, junk", ["10.0.0.0/8"], "10.0.0.1"),  # malformed: stop there
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
        ("", "203.0.113.5", ["10.0.0.0/8"], None),
    ],
)
def test_client_ip_table(remote, forwarded, trusted, expected):
    from kernel.client_ip import client_ip

    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_ip(meta) == expected


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_made_up_usernames_behind_the_proxy_lock_out_nobody(
    make_trader, api_login, client, django_user_model
):
    """The issue's attack: five (and more) wrong logins for made-up usernames through the proxy;
    a trader and an operator with the right password still get in, from their own addresses."""
    make_trader("trader2")
    make_operator(django_user_model, "operator1")
    for i in range(config_get("login_max_failures") + 2):
        api_login(f"made-up-{i}", "x", **via_proxy("203.0.113.66"))
    assert api_login("trader2", **via_proxy("198.51.100.2")).status_code == 200
    reply = client.post(
        "/api/v1/copy/operator-login",
        {"username": "operator1", "password": OP_PASSWORD},
        content_type="application/json",
        **via_proxy("198.51.100.3"),
    )
    assert reply.status_code == 200, reply.json()
    assert not LoginLock.objects.exists()
    login = AuditEvent.objects.get(action="login", username="trader2")
    assert login.ip == "198.51.100.2"
    assert AuditEvent.objects.get(action="login", username="operator1").ip == "198.51.100.3"
    refused = AuditEvent.objects.filter(action="login_refused")
    assert set(refused.values_list("ip", flat=True)) == {"203.0.113.66"}


@pytest.mark.django_db
def test_a_forwarded_header_from_anyone_else_is_not_believed(make_trader, api_login):
    make_trader("alice")
    reply = api_login("alice", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert reply.status_code == 200
    assert AuditEvent.objects.get(action="login").ip == "198.51.100.9"
