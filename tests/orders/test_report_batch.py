"""Group commit of execution reports (``orders.report_batch``): concurrent reports share one
multi-row INSERT, each sender is answered after the commit, the first report of a pair wins
(also inside one batch), a deleted order is ``not_found``, a database failure is 503."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connections
from django.utils import timezone

from accounts.services import trader_create
from kernel.refusals import Refused
from orders import report_batch, services
from orders.models import EventOrder, EventSymbol, ExecutionReport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    EventSymbol.objects.create(symbol="BTCUSDT")
    traders = [
        trader_create(
            username=f"rb{n}",
            password="pw-123456",
            expires_at=timezone.now() + timedelta(days=1),
            order_amount=Decimal("10"),
        )
        for n in range(40)
    ]
    order = services.order_create(symbol="BTCUSDT", direction="LONG", time_increment="TEN_MINUTE")
    return order, traders


def row(order_id: int, trader_id: int, outcome: str = "placed") -> ExecutionReport:
    return ExecutionReport(order_id=order_id, trader_id=trader_id, outcome=outcome)


def committed(order_id: int, trader_id: int) -> bool:
    """Looked up on a connection of its own: what another process would see."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM orders_executionreport WHERE order_id = %s AND trader_id = %s",
                [order_id, trader_id],
            )
            return int(cursor.fetchone()[0]) == 1
    finally:
        other.close()


def test_concurrent_reports_share_batches_and_are_durable_when_answered(world):
    order, traders = world
    writer = report_batch.ReportWriter(wait_s=0.02)
    seen_after_answer: list[bool] = []
    lock = threading.Lock()

    def send(trader):
        _stored, created = writer.write(row(order.pk, trader.pk))
        with lock:
            seen_after_answer.append(committed(order.pk, trader.pk))
        return created

    with ThreadPoolExecutor(max_workers=40) as pool:
        created = list(pool.map(send, traders))
    assert all(created)
    assert ExecutionReport.objects.filter(order=order).count() == 40
    assert writer.batches < 40  # grouped, not one INSERT each
    assert seen_after_answer == [True] * 40  # each answer came after its row was committed


def test_the_first_report_wins_within_and_across_batches(world):
    order, traders = world
    writer = report_batch.ReportWriter(wait_s=0.05)
    trader = traders[0]
    futures = [writer.submit(row(order.pk, trader.pk, o)) for o in ("placed", "failed", "failed")]
    results = [f.result(5) for f in futures]
    assert [created for _r, created in results] == [True, False, False]
    assert {r.outcome for r, _c in results} == {"placed"}
    stored, created = writer.write(row(order.pk, trader.pk, "failed"))
    assert (stored.outcome, created) == ("placed", False)


def test_a_deleted_order_is_not_found(world):
    order, traders = world
    writer = report_batch.ReportWriter()
    missing = EventOrder.objects.order_by("-pk").first().pk + 1000
    good = writer.submit(row(order.pk, traders[1].pk))
    bad = writer.submit(row(missing, traders[1].pk))
    assert good.result(5)[1] is True
    with pytest.raises(Refused) as exc:
        bad.result(5)
    assert exc.value.refusal.code == "not_found"


def test_a_database_failure_answers_service_unavailable(world, monkeypatch):
    order, traders = world
    writer = report_batch.ReportWriter()

    def down(rows):
        raise DatabaseError("gone away")

    monkeypatch.setattr(writer, "_insert_and_read", down)
    with pytest.raises(Refused) as exc:
        writer.write(row(order.pk, traders[2].pk))
    assert exc.value.refusal.code == "service_unavailable"
    assert not ExecutionReport.objects.filter(order=order).exists()
