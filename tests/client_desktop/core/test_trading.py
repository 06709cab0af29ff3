"""Auto-trading exactly once: placement terms, unknown outcomes, crashes at every step, expired
orders, network loss, the auto switch — live server + simulator, the same core as the app."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from client_desktop.core import journal as j
from client_desktop.core.headless import HeadlessClient
from tests.client_desktop.core.conftest import PASSWORD, sim_orders, wait_for
from trading.exchanges.binance_web.client import EventContractClient
from trading.exchanges.errors import OutcomeUnknown, TemporaryError
from trading.exchanges.venue_errors import explain_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]


class Crash(BaseException):
    """Raised inside the worker to stop it dead, like a killed process."""


def reports(order_id: int) -> list:
    from orders.models import ExecutionReport

    return list(ExecutionReport.objects.filter(order_id=order_id))


def reported(client: HeadlessClient, order_id: int) -> j.Entry | None:
    assert client.journal is not None
    entry = client.journal.get(order_id)
    return entry if entry is not None and entry.reported_at is not None else None


def ready(make_trader, make_client, name: str, **kw) -> HeadlessClient:
    """A logged-in, bound client. The simulator outlives the test database, so each trader
    gets a fresh name (and with it a fresh simulator web user)."""
    name = f"{name}-{uuid.uuid4().hex[:6]}"
    make_trader(name, **kw)
    client = make_client(name)
    client.login()
    client.bind()
    return client


def test_order_is_placed_with_the_traders_terms_and_reported(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "amy", amount="25")
    rows: list = []
    trader = client.start()
    trader.subscribe(on_row=rows.append)
    order = make_order(symbol="ETHUSDT", direction="SHORT", time_increment="THIRTY_MINUTE")
    entry = wait_for(lambda: reported(client, order.pk), what="report")
    placed = sim_orders(web_sim, client.username)
    assert len(placed) == 1
    sim_order = placed[0]
    assert (sim_order["symbolName"], sim_order["direction"], sim_order["timeIncrements"]) == (
        "ETHUSDT",
        "SHORT",
        "THIRTY_MINUTE",
    )
    assert Decimal(sim_order["orderAmount"]) == Decimal("25")
    assert Decimal(sim_order["payoutRatio"]) == Decimal("0.80")
    assert entry.state == j.PLACED and entry.binance_order_id == sim_order["orderId"]
    [report] = reports(order.pk)
    assert report.outcome == "placed" and report.binance_order_id == sim_order["orderId"]
    assert report.amount == Decimal("25") and report.latency_ms is not None
    wait_for(lambda: trader.state().placed_today == 1, what="counters")
    state = trader.state()
    assert (state.received_today, state.placed_today, state.failed_today) == (1, 1, 0)
    assert [r.state for r in rows if r.order_id == order.pk][-1] == j.PLACED
    [view] = trader.rows()
    assert view.binance_order_id == sim_order["orderId"] and view.symbol == "ETHUSDT"


def test_amount_change_takes_effect_on_the_next_order(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "ben")
    trader = client.start()
    assert trader.set_amount(Decimal("42")) == Decimal("42")
    order = make_order()
    wait_for(lambda: reported(client, order.pk), what="report")
    [placed] = sim_orders(web_sim, client.username)
    assert Decimal(placed["orderAmount"]) == Decimal("42")


def test_rejected_order_is_reported_failed_with_the_venue_code(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "cal")
    web_sim.control.ok(
        "POST", f"/sim/web/users/fleet-{client.username}", json={"balances": {"USDT": "1"}}
    )
    trader = client.start()
    order = make_order()
    entry = wait_for(lambda: reported(client, order.pk), what="report")
    assert entry.state == j.FAILED and entry.error_code == "binance_93420002"
    [report] = reports(order.pk)
    assert report.outcome == "failed" and report.error_code == "binance_93420002"
    wait_for(lambda: trader.state().failed_today == 1, what="counters")
    # the catalogue's words for the trader, the raw venue code and message kept after them
    assert trader.state().last_error == "余额不足"
    assert report.error_message.startswith("余额不足 — [binance_web 93420002] ")
    assert explain_report(report.error_code, report.error_message, "en").text == (
        "Insufficient balance"
    )
    assert sim_orders(web_sim, client.username) == []


# --- unknown outcome: never re-sent, resolved from the open orders --------------------------
@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("drop_reply", {}),  # executed, connection reset without a reply
        ("drop_reply", {"mode": "hang", "ms": 5000}),  # executed, reply later than our timeout
        ("error_after_exec", {"status": 503}),  # executed, then a 5xx
    ],
)
def test_unknown_outcome_is_resolved_without_resending(
    make_trader, make_client, make_order, kind, params, web_sim
):
    client = ready(make_trader, make_client, "dan")
    sim = web_sim
    sim.control.fault(kind, account=client.sim_session_id, **params)
    client.start()
    order = make_order()
    entry = wait_for(lambda: reported(client, order.pk), timeout=25, what="report")
    placed = sim_orders(sim, client.username)
    assert len(placed) == 1, placed
    assert entry.state == j.PLACED and entry.binance_order_id == placed[0]["orderId"]
    [report] = reports(order.pk)
    assert report.outcome == "placed" and report.binance_order_id == placed[0]["orderId"]


def test_unknown_outcome_matching_skips_orders_already_owned(
    make_trader, make_client, make_order, web_sim
):
    """Two orders with identical terms: the lost reply of the second must not be matched to the
    first one's Binance order."""
    client = ready(make_trader, make_client, "eve")
    sim = web_sim
    client.start()
    first = make_order()
    wait_for(lambda: reported(client, first.pk), what="first report")
    sim.control.fault("drop_reply", account=client.sim_session_id)
    second = make_order()
    entry = wait_for(lambda: reported(client, second.pk), timeout=25, what="second report")
    placed = sim_orders(sim, client.username)
    assert len(placed) == 2
    first_id = client.journal.get(first.pk).binance_order_id  # type: ignore[union-attr]
    assert {first_id, entry.binance_order_id} == {p["orderId"] for p in placed}


# --- crashes ----------------------------------------------------------------------------------
def _restart(make_client, crashed: HeadlessClient) -> HeadlessClient:
    """A new process on the same data directory (same device id, vault, journal file)."""
    crashed.trader.join(10)  # type: ignore[union-attr]
    assert not crashed.trader.alive  # type: ignore[union-attr]
    client = make_client(crashed.username, data_dir=crashed.data_dir)
    client.login()
    client.bind()  # the stored binding is reused: no QR
    assert client.sim_session_id == ""
    return client


def test_crash_between_place_and_report(make_trader, make_client, make_order, web_sim):
    client = ready(make_trader, make_client, "fin")
    client.start()

    def crash(entry):
        raise Crash

    client.trader._report = crash  # type: ignore[union-attr,method-assign]
    order = make_order()
    wait_for(lambda: not client.trader.alive, what="the crash")  # type: ignore[union-attr]
    assert client.journal.get(order.pk).state == j.PLACED  # type: ignore[union-attr]
    assert reports(order.pk) == []
    restarted = _restart(make_client, client)
    restarted.start()
    entry = wait_for(lambda: reported(restarted, order.pk), what="report after restart")
    placed = sim_orders(web_sim, client.username)
    assert len(placed) == 1  # not placed again
    assert entry.binance_order_id == placed[0]["orderId"]
    assert [r.outcome for r in reports(order.pk)] == ["placed"]


def test_crash_after_the_send_before_the_outcome_is_journaled(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "gil")
    client.start()
    real_finish = client.journal.finish  # type: ignore[union-attr]

    def finish(order_id, state, now, **kw):
        if state == j.PLACED:
            raise Crash  # Binance executed it; the journal still says "placing"
        return real_finish(order_id, state, now, **kw)

    client.journal.finish = finish  # type: ignore[union-attr,method-assign]
    order = make_order()
    wait_for(lambda: not client.trader.alive, what="the crash")  # type: ignore[union-attr]
    assert client.journal.get(order.pk).state == j.PLACING  # type: ignore[union-attr]
    restarted = _restart(make_client, client)
    restarted.start()
    entry = wait_for(lambda: reported(restarted, order.pk), what="report after restart")
    placed = sim_orders(web_sim, client.username)
    assert len(placed) == 1  # resolved from the open orders, not re-sent
    assert entry.state == j.PLACED and entry.binance_order_id == placed[0]["orderId"]
    assert [r.outcome for r in reports(order.pk)] == ["placed"]


def test_crash_after_receiving_then_placed_on_restart_if_still_valid(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "hana")
    client.start()

    def crash(entry):
        raise Crash

    client.trader._process = crash  # type: ignore[union-attr,method-assign]
    order = make_order(validity_seconds=60)
    wait_for(lambda: not client.trader.alive, what="the crash")  # type: ignore[union-attr]
    assert client.journal.get(order.pk).state == j.RECEIVED  # type: ignore[union-attr]
    restarted = _restart(make_client, client)
    restarted.start()
    entry = wait_for(lambda: reported(restarted, order.pk), what="report after restart")
    assert entry.state == j.PLACED
    assert len(sim_orders(web_sim, client.username)) == 1


def test_order_expired_while_down_is_reported_skipped(
    make_trader, make_client, make_order, web_sim
):
    client = ready(make_trader, make_client, "ivy")
    client.start()

    def crash(entry):
        raise Crash

    client.trader._process = crash  # type: ignore[union-attr,method-assign]
    order = make_order(validity_seconds=2)
    wait_for(lambda: not client.trader.alive, what="the crash")  # type: ignore[union-attr]
    wait_for(lambda: restarted_clock_passed(client, order), timeout=5, what="expiry")
    restarted = _restart(make_client, client)
    restarted.start()
    entry = wait_for(lambda: reported(restarted, order.pk), what="report after restart")
    assert entry.state == j.SKIPPED
    assert sim_orders(web_sim, client.username) == []
    assert [r.outcome for r in reports(order.pk)] == ["skipped_expired"]


def restarted_clock_passed(client: HeadlessClient, order) -> bool:
    return client.api.clock.now() > order.valid_until


# --- server connection --------------------------------------------------------------------------
class Outage(httpx.BaseTransport):
    """The network to the server: down while ``down`` is set (mocked at the edge only)."""

    def __init__(self) -> None:
        self.down = False
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("network unreachable", request=request)
        return self.inner.handle_request(request)


def test_network_loss_backs_off_shows_it_and_recovers(make_trader, make_client, make_order):
    client = ready(make_trader, make_client, "jay")
    outage = Outage()
    client.api._http = httpx.Client(base_url=client.api.server, transport=outage, timeout=5)
    trader = client.start()
    outage.down = True
    wait_for(lambda: not trader.state().server_ok, what="server down")
    state = trader.state()
    assert state.retry_in_s is not None and state.retry_in_s >= 1
    assert state.last_error_code == "network" and state.running
    order = make_order(validity_seconds=60)
    outage.down = False
    entry = wait_for(lambda: reported(client, order.pk), timeout=20, what="report after outage")
    assert entry.state == j.PLACED
    assert trader.state().server_ok and trader.alive


def test_report_lost_to_the_network_is_retried(make_trader, make_client, make_order, web_sim):
    client = ready(make_trader, make_client, "kai")
    outage = Outage()
    client.api._http = httpx.Client(base_url=client.api.server, transport=outage, timeout=5)
    trader = client.start()
    real_report = trader._report

    def report_during_outage(entry):
        outage.down = True
        real_report(entry)
        outage.down = False

    trader._report = report_during_outage  # type: ignore[method-assign]
    order = make_order()
    wait_for(lambda: client.journal.get(order.pk), what="journal")  # type: ignore[union-attr]
    trader._report = real_report  # type: ignore[method-assign]
    entry = wait_for(lambda: reported(client, order.pk), timeout=20, what="retried report")
    assert entry.state == j.PLACED
    assert [r.outcome for r in reports(order.pk)] == ["placed"]
    assert len(sim_orders(web_sim, client.username)) == 1


def test_auto_off_pulls_nothing_and_on_resumes(make_trader, make_client, make_order):
    client = ready(make_trader, make_client, "lou")
    trader = client.start(auto_on=False)
    order = make_order(validity_seconds=60)
    time.sleep(1.0)
    assert client.journal.get(order.pk) is None  # type: ignore[union-attr]
    trader.set_auto(True)
    entry = wait_for(lambda: reported(client, order.pk), what="report")
    assert entry.state == j.PLACED


KILLED_CLIENT = """
import os, signal, sys, time
from pathlib import Path
from client_desktop.core.headless import HeadlessClient

server, sim, user, password, data_dir = sys.argv[1:6]
client = HeadlessClient(server, sim, user, password, Path(data_dir))
client.login()
client.bind()
trader = client.start()
trader._report = lambda entry: os.kill(os.getpid(), signal.SIGKILL)  # placed, then killed
print("ready", flush=True)
time.sleep(60)
"""


def test_process_killed_between_place_and_report(
    make_trader, make_client, make_order, web_sim, server, tmp_path
):
    name = f"kill-{uuid.uuid4().hex[:6]}"
    make_trader(name)
    data_dir = tmp_path / name
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_CLIENT, server.url, web_sim.url, name, PASSWORD, data_dir],
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        order = make_order()
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    assert reports(order.pk) == []
    restarted = make_client(name, data_dir=data_dir)
    restarted.login()
    restarted.bind()
    assert restarted.journal.get(order.pk).state == j.PLACED  # type: ignore[union-attr]
    restarted.start()
    entry = wait_for(lambda: reported(restarted, order.pk), what="report after restart")
    placed = sim_orders(web_sim, name)
    assert len(placed) == 1 and entry.binance_order_id == placed[0]["orderId"]
    assert [r.outcome for r in reports(order.pk)] == ["placed"]


def test_unknown_outcome_not_among_open_orders_is_failed_not_resent(
    make_trader, make_client, make_order, web_sim, monkeypatch
):
    """The reply was lost and the order never executed: after the looks it is reported failed,
    and the placement was sent exactly once."""
    client = ready(make_trader, make_client, "mia")
    sends: list[tuple] = []

    async def lost(self, *args, **kw):  # the request vanished on the way (edge of the connector)
        sends.append(args)
        raise OutcomeUnknown("read timeout", venue="binance_web")

    monkeypatch.setattr(EventContractClient, "place_event_order", lost)
    trader = client.start()
    trader.resolve_wait_s = 0.1
    order = make_order()
    entry = wait_for(lambda: reported(client, order.pk), timeout=20, what="report")
    assert len(sends) == 1
    assert entry.state == j.FAILED and entry.error_code == "binance_not_found"
    assert [r.error_code for r in reports(order.pk)] == ["binance_not_found"]
    assert sim_orders(web_sim, client.username) == []


def test_unknown_outcome_waits_while_binance_cannot_be_asked(
    make_trader, make_client, make_order, web_sim, monkeypatch
):
    """Lookups failing (Binance unreachable) keep the order "unknown" — neither failed nor
    re-sent — until a lookup answers."""
    client = ready(make_trader, make_client, "ned")
    web_sim.control.fault("drop_reply", account=client.sim_session_id)
    real_find = EventContractClient.find_matching_open_order
    lookups = {"n": 0}

    async def flaky(self, *args, **kw):
        lookups["n"] += 1
        if lookups["n"] <= 4:
            raise TemporaryError("connect timeout", venue="binance_web")
        return await real_find(self, *args, **kw)

    monkeypatch.setattr(EventContractClient, "find_matching_open_order", flaky)
    trader = client.start()
    trader.resolve_wait_s = 0.1
    order = make_order()
    wait_for(lambda: lookups["n"] >= 3, what="failed lookups")
    assert client.journal.get(order.pk).state == j.UNKNOWN  # type: ignore[union-attr]
    assert reports(order.pk) == []
    entry = wait_for(lambda: reported(client, order.pk), timeout=20, what="report")
    placed = sim_orders(web_sim, client.username)
    assert len(placed) == 1 and entry.binance_order_id == placed[0]["orderId"]


class DropPullReply(httpx.BaseTransport):
    """The first pull that brings an order reaches the server, which answers, but the answer
    never reaches the client (a proxy reset, a timeout): mocked at the edge only."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.dropped: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/pull") and not self.dropped:
            body = response.read()
            response.close()
            if b'"delivery_id"' in body:
                self.dropped.append(body.decode())
                raise httpx.ReadError("connection reset by peer", request=request)
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        return response


def test_a_lost_pull_reply_is_delivered_again_and_placed_once(
    make_trader, make_client, make_order, web_sim
):
    from orders.models import Claim
    from orders.services import claims_persist

    client = ready(make_trader, make_client, "ack")
    drop = DropPullReply()
    client.api._http = httpx.Client(base_url=client.api.server, transport=drop, timeout=5)
    trader = client.start()
    order = make_order(validity_seconds=60)
    entry = wait_for(lambda: reported(client, order.pk), timeout=20, what="placed after the loss")
    assert drop.dropped, "the first delivery's reply was dropped"
    assert entry.state == j.PLACED
    time.sleep(1.0)  # more pulls: acknowledged, so nothing comes again
    trader.stop()
    assert len(sim_orders(web_sim, client.username)) == 1
    assert [r.outcome for r in reports(order.pk)] == ["placed"]
    claims_persist()
    assert Claim.objects.filter(order=order).count() == 1  # acknowledged: 已分配


def test_an_order_the_journal_holds_is_acknowledged_not_placed_again(
    make_trader, make_client, make_order, web_sim
):
    """Redis forgot the acknowledgement (e.g. lost before its claim row was written): the order
    comes again and the client only acknowledges it."""
    from kernel.redis import get_redis
    from orders import delivery

    client = ready(make_trader, make_client, "jnl")
    trader = client.start()
    order = make_order(validity_seconds=60)
    wait_for(lambda: reported(client, order.pk), timeout=20, what="placed")
    acks = delivery.ACKS_PREFIX + str(order.pk)
    member = str(client.trader_id)
    wait_for(lambda: get_redis().sismember(acks, member), what="acknowledged")
    get_redis().srem(acks, member)
    wait_for(lambda: get_redis().sismember(acks, member), what="acknowledged again")
    trader.stop()
    assert len(sim_orders(web_sim, client.username)) == 1
    assert [r.outcome for r in reports(order.pk)] == ["placed"]
