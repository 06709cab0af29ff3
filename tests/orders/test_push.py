"""The push process (``manage.py run_push``, a real process) over a real WebSocket: orders pushed
the moment they exist with the pull's delivery ids and lease, acknowledgements, reports answered
once durable, pings, refusals, a crash mid-stream, and several push processes at once."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from accounts.services import session_login, trader_create, trader_update
from orders import services
from orders.models import Claim, EventSymbol, ExecutionReport
from tests.fixtures.push import PushProcess, database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def symbols(transactional_db):
    for name in ("BTCUSDT", "ETHUSDT"):
        EventSymbol.objects.get_or_create(symbol=name)


def login(name: str) -> tuple[int, str]:
    trader = trader_create(
        username=name,
        password="pw-123456",
        expires_at=timezone.now() + timedelta(days=5),
        order_amount=Decimal("12.50"),
    )
    token = session_login(username=name, password="pw-123456", device_id=name, ip=None).token
    return trader.pk, token


def order(**kw):
    kw.setdefault("symbol", "BTCUSDT")
    kw.setdefault("direction", "LONG")
    kw.setdefault("time_increment", "TEN_MINUTE")
    return services.order_create(**kw)


class Socket:
    """A minimal test client: frames by type, with a deadline."""

    def __init__(self, url: str, token: str) -> None:
        self.ws = connect(
            url, additional_headers={"Authorization": f"Token {token}"}, proxy=None, legacy=True
        )
        self.hello = self.next("hello")

    def next(self, kind: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(self.ws.recv(max(0.01, deadline - time.monotonic())))
            if frame["type"] == kind:
                return frame

    def send(self, **frame) -> None:
        self.ws.send(json.dumps(frame))

    def close(self) -> None:
        self.ws.close()


def test_an_order_is_pushed_acknowledged_and_reported(symbols, push_process):
    trader_id, token = login("p1")
    sock = Socket(push_process.url, token)
    assert sock.hello["trader_id"] == trader_id
    created = time.monotonic()
    new = order()
    frame = sock.next("orders", timeout=2)
    assert time.monotonic() - created < 1.0
    [pushed] = frame["orders"]
    assert pushed["id"] == new.pk and pushed["amount"] == "12.50"
    assert pushed["delivery_id"] == f"{new.pk}-{trader_id}"
    sock.send(type="ack", ids=[pushed["delivery_id"]])
    assert sock.next("acked") == {"type": "acked", "ids": [pushed["delivery_id"]], "states": [1]}
    body = {"outcome": "placed", "binance_order_id": "88", "latency_ms": 120}
    sock.send(type="report", ref="a", order_id=new.pk, report=body)
    answer = sock.next("reported")
    assert (answer["ref"], answer["status"], answer["report"]["binance_order_id"]) == (
        "a",
        201,
        "88",
    )
    assert ExecutionReport.objects.filter(order=new, trader_id=trader_id).count() == 1  # durable
    sock.send(type="report", ref="b", order_id=new.pk, report={"outcome": "failed"})
    again = sock.next("reported")
    assert (again["status"], again["report"]["outcome"]) == (200, "placed")  # the first wins
    sock.send(type="ping", ref="p")
    assert sock.next("pong")["ref"] == "p"
    deadline = time.monotonic() + 5  # the acknowledgement's Claim row is written off the socket
    while not Claim.objects.filter(order=new, trader_id=trader_id).exists():
        assert time.monotonic() < deadline, "the acknowledgement never became a Claim row"
        time.sleep(0.05)
    health = push_process.wait_healthy()
    assert health["ok"] and health["feed"] and health["connections"] == 1
    sock.close()


def test_make_demo_runs_a_push_process():
    from backoffice import launcher

    push = next(proc for proc in launcher.demo_processes() if proc.name == "push")
    assert "run_push" in push.argv


def test_refusals_and_bad_frames(symbols, push_process):
    with pytest.raises(InvalidStatus) as exc:
        connect(push_process.url, proxy=None, legacy=True)
    assert exc.value.response.status_code == 401
    assert json.loads(exc.value.response.body)["code"] == "not_authenticated"
    with pytest.raises(InvalidStatus) as exc:
        connect(
            push_process.url,
            additional_headers={"Authorization": "Token nope"},
            proxy=None,
            legacy=True,
        )
    assert json.loads(exc.value.response.body)["code"] == "invalid_token"
    trader_id, token = login("p2")
    sock = Socket(push_process.url, token)
    sock.ws.send("not json")
    assert sock.next("error")["code"] == "malformed_request"
    sock.send(type="report", ref="x", order_id=999999, report={"outcome": "placed"})
    refused = sock.next("error")
    assert (refused["ref"], refused["status"], refused["code"]) == ("x", 404, "not_found")
    sock.send(type="report", ref="y", order_id=1, report={"outcome": "maybe"})
    assert sock.next("error")["code"] == "invalid_input"
    from accounts.models import Trader

    trader_update(trader=Trader.objects.get(pk=trader_id), is_disabled=True)
    gone = sock.next("error", timeout=10)  # the next sweep notices (≤ 5 s)
    assert gone["code"] == "account_disabled" and gone["status"] == 403


def test_unacknowledged_order_comes_again_on_reconnect_and_pull_shares_the_lease(
    symbols, push_process, client
):
    _trader_id, token = login("p3")
    sock = Socket(push_process.url, token)
    new = order()
    did = sock.next("orders", timeout=2)["orders"][0]["delivery_id"]
    sock.close()  # dropped before the acknowledgement
    sock = Socket(push_process.url, token)
    assert sock.next("orders", timeout=2)["orders"][0]["delivery_id"] == did
    sock.close()
    # The same client session falls back to the pull: the same delivery, under the same lease.
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    body = client.get("/api/v1/event-orders/pull", **auth).json()
    assert [o["delivery_id"] for o in body["orders"]] == [did]
    # Another session of the trader does not get it while the lease runs.
    other = session_login(username="p3", password="pw-123456", device_id="p3b", ip=None).token
    body = client.get("/api/v1/event-orders/pull", HTTP_AUTHORIZATION=f"Token {other}").json()
    assert body["orders"] == []
    client.get("/api/v1/event-orders/pull", {"ack": did}, **auth)
    sock = Socket(push_process.url, token)
    order(symbol="ETHUSDT")
    assert [o["id"] for o in sock.next("orders", timeout=2)["orders"]] != [new.pk]
    sock.close()


def test_a_killed_push_process_loses_nothing(symbols, push_process):
    """SIGKILL mid-stream, then a restart: the unacknowledged order comes again, the
    acknowledged one never."""
    _trader_id, token = login("p4")
    sock = Socket(push_process.url, token)
    first = order()
    did = sock.next("orders", timeout=2)["orders"][0]["delivery_id"]
    sock.send(type="ack", ids=[did])
    sock.next("acked")
    second = order(symbol="ETHUSDT")
    assert sock.next("orders", timeout=2)["orders"][0]["id"] == second.pk
    push_process.kill()
    push_process.start()
    sock = Socket(push_process.url, token)
    frame = sock.next("orders", timeout=3)
    assert [o["id"] for o in frame["orders"]] == [second.pk]
    assert first.pk != second.pk
    sock.close()


def test_two_push_processes_deliver_each_order_once_per_session(symbols, push_process, tmp_path):
    from backoffice.embedded_redis import free_port

    other = PushProcess(free_port(), push_process.redis_url, database_url(), log=tmp_path / "b.log")
    other.start()
    try:
        _a, token_a = login("p5")
        _b, token_b = login("p6")
        a, b = Socket(push_process.url, token_a), Socket(other.url, token_b)
        new = order()
        assert a.next("orders", timeout=2)["orders"][0]["id"] == new.pk
        assert b.next("orders", timeout=2)["orders"][0]["id"] == new.pk
        a.close()
        b.close()
    finally:
        other.stop()
