"""Event-order history and reports over a date range, against the real database: per day, per
trader, per order, failure reasons, success rate and amounts; the CSV export; the admin pages
(report page, filterable execution-report list, dashboard refresh, read-only order page)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import reports
from orders.models import EventOrder, ExecutionReport
from orders.services import execution_report

pytestmark = pytest.mark.django_db
REPORT_URL = "admin:orders_ordersreport_changelist"


def _report(order, who, outcome, *, amount="10", code="", message="", days_ago=0):
    execution_report(
        order_id=order.pk,
        trader_id=who.trader.pk,
        outcome=outcome,
        amount=Decimal(amount) if outcome == "placed" else None,
        error_code=code,
        error_message=message,
    )
    if days_ago:  # move the order (and so its report) into an earlier day
        moved = timezone.now() - timedelta(days=days_ago)
        EventOrder.objects.filter(pk=order.pk).update(created_at=moved)


@pytest.fixture
def history(make_trader, make_order, pull):
    """alice: 2 placed today + 1 placed 3 days ago; bob: 1 failed today (balance), 1 failed 40 days
    ago (outside 30 days)."""
    alice, bob = make_trader(username="alice"), make_trader(username="bob")
    today = [make_order(), make_order(direction="SHORT")]
    for who in (alice, bob):
        pull(who)
    _report(today[0], alice, "placed", amount="10")
    _report(today[1], alice, "placed", amount="15.5")
    _report(
        today[0],
        bob,
        "failed",
        code="binance_93420002",
        message="[binance_web 93420002] Insufficient balance",
    )
    old = make_order()
    pull(alice)
    _report(old, alice, "placed", amount="20", days_ago=3)
    older = make_order()
    pull(bob)
    _report(older, bob, "failed", code="binance_93420018", message="limit", days_ago=40)
    return alice, bob


def test_presets_and_custom_ranges():
    today = timezone.localdate()
    assert reports.date_range("today") == reports.DateRange(today, today)
    assert reports.date_range("7d").first == today - timedelta(days=6)
    with pytest.raises(ValueError):
        reports.date_range("custom", today, today - timedelta(days=1))
    with pytest.raises(ValueError):
        reports.date_range("custom", today - timedelta(days=400), today)


def test_counts_rate_amounts_and_reasons_per_range(history):
    week = reports.report(reports.date_range("7d"))
    assert (week.total.placed, week.total.failed) == (3, 1)
    assert week.total.amount == Decimal("45.5")
    assert week.total.success_rate == 75.0
    assert dict((name, (c.placed, c.failed)) for name, c in week.per_trader) == {
        "alice": (3, 0),
        "bob": (0, 1),
    }
    assert [(code, n) for code, _msg, n in week.reasons] == [("binance_93420002", 1)]
    assert len(week.per_day) == 7 and week.per_day[-1][1].placed == 2
    assert week.per_day[-4][1].placed == 1  # three days ago
    today = reports.report(reports.date_range("today"))
    assert (today.total.placed, today.total.failed) == (2, 1)
    month = reports.report(reports.date_range("30d"))
    assert month.total.failed == 1  # the 40-day-old failure is outside
    titles = [title for _id, title, _c in today.per_order]
    assert any("看跌" in t and "10 分钟" in t for t in titles)


def test_one_traders_history(history):
    alice, _bob = history
    mine = reports.report(reports.date_range("30d"), alice.trader.pk)
    assert (mine.total.placed, mine.total.failed, mine.total.amount) == (3, 0, Decimal("45.5"))


def test_csv_export_of_a_range(history, admin_client):
    reply = admin_client.get(reverse(REPORT_URL), {"range": "7d", "format": "csv"})
    assert reply.status_code == 200 and reply["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["reported_at", "order_id", "symbol"]
    assert len(rows) == 1 + 4
    assert {r[5] for r in rows[1:]} == {"alice", "bob"}
    assert len(rows[1][0]) == 19  # to the second


def test_the_report_page_shows_the_chart_tables_and_reasons_in_words(history, admin_client):
    page = admin_client.get(reverse(REPORT_URL), {"range": "7d"}).content.decode()
    assert 'id="report-chart"' in page and page.count("<rect") >= 2
    assert 'id="report-placed">3<' in page and 'id="report-failed">1<' in page
    assert "余额不足" in page and "alice" in page and "45.5" in page
    custom = admin_client.get(
        reverse(REPORT_URL), {"range": "custom", "from": "2001-01-01", "to": "2000-01-01"}
    )
    assert "日期范围无效" in custom.content.decode()


def test_execution_report_history_filters_and_exports(history, admin_client):
    url = reverse("admin:orders_executionreporthistory_changelist")
    failed = admin_client.get(url, {"outcome": "failed"}).content.decode()
    assert "余额不足" in failed and "bob" in failed
    placed = admin_client.get(url, {"outcome": "placed", "q": "alice"}).content.decode()
    assert "bob" not in placed.split('id="result_list"')[1]
    ids = list(ExecutionReport.objects.filter(outcome="placed").values_list("pk", flat=True))
    reply = admin_client.post(url, {"action": "export_csv", "_selected_action": ids})
    assert reply["Content-Type"].startswith("text/csv")
    assert len(reply.content.decode("utf-8-sig").strip().splitlines()) == 1 + 3


def test_dashboard_refreshes_itself(admin_client):
    page = admin_client.get(reverse("admin:orders_ordersdashboard_changelist")).content.decode()
    assert '<meta http-equiv="refresh" content="10">' in page


def test_an_order_page_is_read_only_with_labels_and_seconds(history, admin_client, make_order):
    order = make_order(direction="SHORT")
    page = admin_client.get(reverse("admin:orders_eventorder_change", args=[order.pk]))
    text = page.content.decode()
    assert 'name="_save"' not in text and 'name="_continue"' not in text
    assert f"#{order.pk} BTCUSDT 看跌 10 分钟" in text  # the title: words, not SHORT TEN_MINUTE
    valid = timezone.localtime(order.valid_until).strftime("%Y-%m-%d %H:%M:%S")
    assert valid in text
    listing = admin_client.get(reverse("admin:orders_eventorder_changelist")).content.decode()
    assert timezone.localtime(order.valid_until).strftime("%H:%M:%S") in listing
    assert "送达/成功/失败" in listing
