"""The copy-trading operator API (docs/products.md copy-trading §5): operator auth, followers,
leader, start/stop, status, machine-readable refusals and the OpenAPI schema."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import ExchangeCredential
from trading.copytrade.choices import ExecutionStatus, FollowerState
from trading.copytrade.models import Follower, Leader, OperatorToken
from trading.copytrade.selectors import percentile
from trading.copytrade.services import balances, controls

from .operator_support import PASSWORD, make_event, make_follower, make_leader, make_operator

pytestmark = pytest.mark.django_db
API = "/api/v1"


class Api:
    """A JSON client carrying an operator token."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}

    def __call__(self, method: str, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        call = getattr(self.client, method.lower())
        if data is not None:
            return call(API + path, data, **kwargs, **self.headers)
        return call(API + path, **self.headers)


def login(client, username: str = "op1", password: str = PASSWORD):
    return client.post(
        f"{API}/copy/operator-login",
        json.dumps({"username": username, "password": password}),
        content_type="application/json",
    )


@pytest.fixture
def api(client, django_user_model):
    make_operator(django_user_model)
    reply = login(client)
    assert reply.status_code == 200, reply.content
    return Api(client, reply.json()["token"])


# --- auth ------------------------------------------------------------------------------------------
def test_operator_login_issues_a_hashed_24h_token(client, django_user_model):
    make_operator(django_user_model)
    reply = login(client)
    assert reply.status_code == 200
    token = reply.json()["token"]
    assert token.startswith("op_")
    row = OperatorToken.objects.get()
    assert row.token_hash != token and len(row.token_hash) == 64
    assert not OperatorToken.objects.filter(token_hash=token).exists()
    assert abs(row.expires_at - timezone.now() - timedelta(hours=24)) < timedelta(minutes=1)
    assert Api(client, token)("GET", "/status").status_code == 200


@pytest.mark.parametrize(
    ("staff", "perm", "password", "status", "code"),
    [
        (True, True, "wrong", 401, "invalid_credentials"),
        (False, True, PASSWORD, 403, "not_operator"),
        (True, False, PASSWORD, 403, "not_operator"),
    ],
)
def test_operator_login_refusals(client, django_user_model, staff, perm, password, status, code):
    make_operator(django_user_model, staff=staff, perm=perm)
    reply = login(client, password=password)
    assert reply.status_code == status
    assert reply.json()["code"] == code and reply.json()["message"]
    assert not OperatorToken.objects.exists()


def test_operator_login_bad_body_is_a_400_not_a_500(client):
    reply = client.post(f"{API}/copy/operator-login", "{nope", content_type="application/json")
    assert reply.status_code == 400 and reply.json()["code"] == "malformed_request"
    reply = client.post(f"{API}/copy/operator-login", "{}", content_type="application/json")
    assert reply.status_code == 400 and reply.json()["code"] == "invalid_input"
    assert set(reply.json()["detail"]) == {"username", "password"}


def test_repeated_failures_lock_the_operator_login(client, django_user_model):
    make_operator(django_user_model)
    codes = [login(client, password="wrong").json()["code"] for _ in range(12)]
    assert codes[-1] == "login_locked"
    assert login(client).status_code == 429


def test_requests_without_operator_credentials_are_refused(client, django_user_model, api):
    anonymous = Api(client, None)
    reply = anonymous("GET", "/status")
    assert reply.status_code == 401 and reply.json()["code"] == "not_authenticated"
    reply = Api(client, "op_not-a-token")("GET", "/accounts")
    assert reply.status_code == 401 and reply.json()["code"] == "invalid_token"


def test_revoked_and_expired_tokens_stop_working(client, django_user_model):
    make_operator(django_user_model)
    token = login(client).json()["token"]
    api = Api(client, token)
    assert api("POST", "/copy/operator-logout").status_code == 204
    assert api("GET", "/status").status_code == 401
    token = login(client).json()["token"]
    OperatorToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now())
    assert Api(client, token)("GET", "/status").status_code == 401


def test_a_token_loses_power_with_the_permission(client, django_user_model):
    user = make_operator(django_user_model)
    token = login(client).json()["token"]
    user.user_permissions.clear()
    reply = Api(client, token)("GET", "/status")
    assert reply.status_code == 403 and reply.json()["code"] == "permission_denied"


def test_admin_session_works_for_superusers_only(client, django_user_model):
    staff = django_user_model.objects.create_user("plainstaff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(f"{API}/status").status_code == 403
    boss = django_user_model.objects.create_superuser("boss", "b@example.com", "x")
    client.force_login(boss)
    assert client.get(f"{API}/status").status_code == 200


def test_session_writes_need_the_csrf_token(django_user_model):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "x"))
    assert browser.get(f"{API}/status").status_code == 200
    reply = browser.post(f"{API}/copy/start")
    assert reply.status_code == 403 and reply.json()["code"] == "permission_denied"
    assert browser.get(f"{API}/status").json()["running"] is False


# --- followers -------------------------------------------------------------------------------------
NEW = {
    "name": "acc-1",
    "exchange": "bitget",
    "env": "demo",
    "api_key": "bg-key-1234567890",
    "api_secret": "bg-secret",
    "passphrase": "bg-pass",
}


def test_create_follower_stores_encrypted_keys_and_never_returns_them(api, caplog):
    caplog.set_level("INFO", logger="fleet.copytrade.operator")
    reply = api("POST", "/accounts", NEW)
    assert "operator op1: follower_create" in caplog.text
    assert [s for s in ("bg-key-1234567890", "bg-secret", "bg-pass") if s in caplog.text] == []
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["status"] == "CREATED" and body["state"] == "PENDING"  # verified after commit
    assert body["exchange"] == "bitget" and body["env"] == "demo" and body["has_passphrase"]
    text = reply.content.decode()
    for secret in ("bg-key-1234567890", "bg-secret", "bg-pass"):
        assert secret not in text
    assert body["api_key_masked"] != NEW["api_key"] and body["api_key_masked"]
    cred = Follower.objects.get(pk=body["id"]).credential
    assert cred.api_secret == "bg-secret"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT api_key, api_secret, passphrase FROM {ExchangeCredential._meta.db_table} "
            "WHERE id = %s",
            [cred.pk],
        )
        raw = cursor.fetchone()
    assert not {"bg-key-1234567890", "bg-secret", "bg-pass"} & set(raw)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"passphrase": ""}, "passphrase"),
        ({"env": "test"}, "env"),  # Bitget has no testnet
        ({"exchange": "okx"}, "exchange"),
        ({"env": "mainnet"}, "env"),
        ({"api_key": ""}, "api_key"),
        ({"name": "x" * 65}, "name"),
    ],
)
def test_create_follower_refuses_bad_input_with_field_detail(api, change, field):
    reply = api("POST", "/accounts", {**NEW, **change})
    assert reply.status_code == 400
    assert reply.json()["code"] == "invalid_input" and field in reply.json()["detail"]
    assert not Follower.objects.exists()


def test_list_shows_cached_balances_state_and_last_copy(api):
    f1 = make_follower("f1")
    make_follower("f2", "bitget")
    balances.balance_store(f1.pk, Decimal("123.45"), Decimal("0.5"))
    leader = make_leader()
    make_event(leader, "L1", {f1: (ExecutionStatus.FILLED, 42)})
    reply = api("GET", "/accounts")
    assert reply.status_code == 200
    rows = {r["name"]: r for r in reply.json()}
    assert Decimal(rows["f1"]["freeUSDT"]) == Decimal("123.45")
    assert Decimal(rows["f1"]["freeBTC"]) == Decimal("0.5")
    assert rows["f1"]["last_copy"]["status"] == "FILLED"
    assert rows["f1"]["last_copy"]["latency_ms"] == 42
    assert rows["f2"]["freeUSDT"] is None and rows["f2"]["last_copy"] is None
    assert rows["f2"]["exchange"] == "bitget"


def test_list_query_count_does_not_grow_with_followers(api, django_assert_max_num_queries):
    leader = make_leader()
    for i in range(8):
        f = make_follower(f"f{i}")
        make_event(leader, f"L{i}", {f: (ExecutionStatus.FILLED, 10)})
    with django_assert_max_num_queries(6):
        assert len(api("GET", "/accounts").json()) == 8


def test_patch_follower(api):
    f = make_follower("f1")
    Follower.objects.filter(pk=f.pk).update(last_error="bad key")
    reply = api("PATCH", f"/accounts/{f.pk}", {"name": "renamed", "api_key": "new-key-12345678"})
    assert reply.status_code == 200, reply.content
    assert reply.json()["name"] == "renamed" and reply.json()["last_error"] == ""
    f.refresh_from_db()
    assert f.credential.api_key == "new-key-12345678" and f.credential.label == "renamed"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "non_field_errors"), ({"exchange": "bitget"}, "passphrase"), ({"env": "x"}, "env")],
)
def test_patch_refusals(api, body, field):
    f = make_follower("f1")
    reply = api("PATCH", f"/accounts/{f.pk}", body)
    assert reply.status_code == 400
    assert reply.json()["code"] == "invalid_input" and field in reply.json()["detail"]


def test_delete_follower_and_unknown_ids(api):
    f = make_follower("f1")
    cred_id = f.credential_id
    assert api("DELETE", f"/accounts/{f.pk}").status_code == 204
    assert not ExchangeCredential.objects.filter(pk=cred_id).exists()
    for method, path in [
        ("GET", f"/accounts/{f.pk}"),
        ("DELETE", f"/accounts/{f.pk}"),
        ("POST", f"/accounts/{f.pk}/pause"),
        ("POST", "/accounts/999999/verify"),
    ]:
        reply = api(method, path)
        assert reply.status_code == 404 and reply.json()["code"] == "not_found", path


def test_pause_resume_and_disabled_follower(api):
    f = make_follower("f1")
    reply = api("POST", f"/accounts/{f.pk}/pause")
    assert reply.status_code == 200 and reply.json()["state"] == "PAUSED"
    assert api("POST", f"/accounts/{f.pk}/resume").json()["state"] == "ACTIVE"
    Follower.objects.filter(pk=f.pk).update(state=FollowerState.DISABLED)
    for action in ("resume", "pause"):
        reply = api("POST", f"/accounts/{f.pk}/{action}")
        assert reply.status_code == 409 and reply.json()["code"] == "follower_disabled"
    assert Follower.objects.get(pk=f.pk).state == FollowerState.DISABLED


@pytest.mark.integration
def test_verify_against_the_simulator(api, sim):
    acct = sim.control.binance_account({"USDT": "1500", "BTC": "0.25"})
    good = make_follower("good", api_key=acct["api_key"], api_secret=acct["api_secret"])
    reply = api("POST", f"/accounts/{good.pk}/verify")
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["ok"] is True and body["state"] == "ACTIVE"
    assert Decimal(body["freeUSDT"]) == Decimal("1500") and Decimal(body["freeBTC"]) == Decimal(
        "0.25"
    )
    assert balances.balances_get([good.pk])[good.pk].usdt == Decimal("1500")

    bad = make_follower("bad", api_key="unknown-key-000000", api_secret="nope")
    body = api("POST", f"/accounts/{bad.pk}/verify").json()
    assert body["ok"] is False and body["error"] and body["state"] == "DISABLED"
    assert Follower.objects.get(pk=bad.pk).last_error


@pytest.mark.integration
def test_verify_bitget_follower_against_the_simulator(api, sim):
    acct = sim.control.bitget_account({"USDT": "700"})
    f = make_follower(
        "bg",
        "bitget",
        api_key=acct["api_key"],
        api_secret=acct["api_secret"],
        passphrase=acct["passphrase"],
    )
    body = api("POST", f"/accounts/{f.pk}/verify").json()
    assert body["ok"] is True and Decimal(body["freeUSDT"]) == Decimal("700")


# --- leader, start/stop, status ----------------------------------------------------------------------
def test_put_leader_sets_and_replaces(api):
    body = {"exchange": "binance", "env": "sim", "api_key": "leader-key-123456", "api_secret": "s"}
    reply = api("PUT", "/leader", body)
    assert reply.status_code == 200 and reply.json()["listening"] is True
    assert "leader-key-123456" not in reply.content.decode()
    first = Leader.objects.get(is_active=True)
    api("PUT", "/leader", {**body, "api_key": "leader-key-999999"})
    assert Leader.objects.filter(is_active=True).exclude(pk=first.pk).count() == 1
    assert not Leader.objects.get(pk=first.pk).is_active

    controls.leader_connection_report(state="connected")
    got = api("GET", "/leader").json()
    assert got["connected"] is True and got["connection"] == "connected" and got["env"] == "sim"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"exchange": "bitget", "env": "prod"}, "exchange"),
        ({"env": "nowhere"}, "env"),
        ({"env": "prod", "api_secret": ""}, "api_secret"),
    ],
)
def test_put_leader_refusals(api, body, field):
    full = {"exchange": "binance", "api_key": "k" * 20, "api_secret": "s", **body}
    reply = api("PUT", "/leader", full)
    assert reply.status_code == 400 and field in reply.json()["detail"]
    assert not Leader.objects.exists()


def test_get_leader_before_one_is_set(api):
    reply = api("GET", "/leader")
    assert reply.status_code == 404 and reply.json()["code"] == "no_leader"


def test_leader_connection_goes_unknown_when_reports_stop(api):
    from kernel.redis import get_redis

    make_leader()
    controls.leader_connection_report(state="connected")
    get_redis().hset(controls.LEADER_CONN_KEY, "at_ms", 0)
    got = api("GET", "/status").json()["leader"]
    assert got["connected"] is False and got["connection"] == "unknown"
    with pytest.raises(ValueError):
        controls.leader_connection_report(state="happy")


def test_start_stop(api):
    assert api("GET", "/status").json()["running"] is False
    assert api("POST", "/copy/start").json() == {"running": True}
    assert api("GET", "/status").json()["running"] is True
    assert api("POST", "/copy/stop").json() == {"running": False}
    assert api("GET", "/status").json()["running"] is False
    assert api("GET", "/copy/start").status_code == 405


def test_status_summarises_recent_events(api, django_assert_max_num_queries):
    f1, f2, f3 = make_follower("a"), make_follower("b", "bitget"), make_follower("c")
    leader = make_leader()
    make_event(
        leader,
        "L1",
        {f1: ("FILLED", 40), f2: ("FAILED", None), f3: ("SKIPPED", None)},
        ratio="0.125",
    )
    make_event(leader, "L2", {f1: ("FILLED", 80), f2: ("FILLED", 120)}, side="SELL")
    controls.leader_connection_report(state="connected")
    with django_assert_max_num_queries(10):
        reply = api("GET", "/status")
    body = reply.json()
    assert body["leader"]["connected"] is True and body["leader"]["exchange"] == "binance"
    assert [f["name"] for f in body["followers"]] == ["a", "b", "c"]
    newest, older = body["recent_events"]
    assert (newest["type"], newest["fanout"], newest["ok"], newest["fail"]) == ("SELL", 2, 2, 0)
    assert newest["latency_ms"] == 120
    assert (older["type"], older["fanout"], older["ok"], older["fail"], older["skipped"]) == (
        "BUY",
        3,
        1,
        1,
        1,
    )
    assert Decimal(older["x_percent"]) == Decimal("12.5")
    assert body["latency"] == {"events": 2, "p50_ms": 40, "p95_ms": 120}


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 50, None),
        ([7], 95, 7),
        ([1, 2, 3, 4], 50, 2),
        (list(range(1, 101)), 95, 95),
        (list(range(1, 101)), 50, 50),
        ([100, 1, 50], 100, 100),
    ],
)
def test_percentile_nearest_rank(values, q, expected):
    assert percentile(values, q) == expected


# --- schema ------------------------------------------------------------------------------------------
def test_openapi_schema_documents_the_operator_api_without_warnings(client):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/accounts", "/accounts/{id}/verify", "/leader", "/copy/start", "/status"):
        assert f"/api/v1{path}" in schema["paths"], path
    assert "operatorToken" in schema["components"]["securitySchemes"]
    ours = [
        w
        for w in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if "copytrade" in w.lower() or "exchange" in w.lower()
    ]
    assert not ours, ours
    assert client.get(f"{API}/schema/").status_code == 200
