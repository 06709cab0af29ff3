"""Event-order history and reports over a date range (订单统计报表 / 用户交易历史查询): per day, per
trader, per order and per failure reason, from the execution reports. Reads only.

Days are the operators' days (``settings.TIME_ZONE``); a range is inclusive of both dates and is
turned into aware UTC bounds here, so the database needs no time-zone tables (MariaDB without them
returns NULL for ``CONVERT_TZ``): the per-day counts are one aggregate per day over an indexed
range, at most ``MAX_DAYS`` of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from orders.choices import DIRECTION_WORDS, Outcome, TimeIncrement
from orders.models import ExecutionReport

MAX_DAYS = 366
PRESETS = {"today": 0, "7d": 6, "30d": 29}  # days back from today, inclusive of today


@dataclass(frozen=True)
class DateRange:
    """Two inclusive local dates."""

    first: date
    last: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """Aware [start, end) covering both dates in the operators' time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.first, time.min, tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def date_range(
    preset: str = "7d", first: date | None = None, last: date | None = None
) -> DateRange:
    """A preset (today, 7d, 30d) or a custom range; refuses reversed or over-long ranges."""
    today = timezone.localdate()
    if preset in PRESETS:
        return DateRange(today - timedelta(days=PRESETS[preset]), today)
    if first is None or last is None:
        raise ValueError("a custom range needs both dates")
    if last < first:
        raise ValueError("the end date is before the start date")
    if (last - first).days >= MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days")
    return DateRange(first, last)


@dataclass(frozen=True)
class Counts:
    """Reports of one group: placed / failed / skipped, the amount placed (USDT)."""

    placed: int = 0
    failed: int = 0
    skipped: int = 0
    amount: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return self.placed + self.failed + self.skipped

    @property
    def success_rate(self) -> float | None:
        """Placed among placed + failed (an expired skip is not the venue's success or failure)."""
        tried = self.placed + self.failed
        return round(100.0 * self.placed / tried, 1) if tried else None


COUNTS = {
    "placed": Count("id", filter=Q(outcome=Outcome.PLACED)),
    "failed": Count("id", filter=Q(outcome=Outcome.FAILED)),
    "skipped": Count("id", filter=Q(outcome=Outcome.SKIPPED_EXPIRED)),
    "amount": Sum("amount", filter=Q(outcome=Outcome.PLACED)),
}


def _counts(row: Mapping[str, Any]) -> Counts:
    return Counts(row["placed"], row["failed"], row["skipped"], row["amount"] or Decimal(0))


@dataclass
class Report:
    """Everything the report page shows for one range."""

    range: DateRange
    total: Counts
    per_day: list[tuple[date, Counts]] = field(default_factory=list)
    per_trader: list[tuple[str, Counts]] = field(default_factory=list)
    per_order: list[tuple[int, str, Counts]] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)  # code, message, count


def reports_in(span: DateRange, trader_id: int | None = None) -> QuerySet[ExecutionReport]:
    """The execution reports of orders created inside ``span`` (optionally one trader's)."""
    start, end = span.bounds
    found = ExecutionReport.objects.filter(order__created_at__gte=start, order__created_at__lt=end)
    return found.filter(trader_id=trader_id) if trader_id else found


def report(span: DateRange, trader_id: int | None = None, top: int = 50) -> Report:
    reports = reports_in(span, trader_id)
    return Report(
        range=span,
        total=_counts(reports.aggregate(**COUNTS)),
        per_day=_per_day(span, reports),
        per_trader=[
            (r["trader__username"], _counts(r))
            for r in reports.values("trader__username")
            .annotate(**COUNTS)
            .order_by("trader__username")
        ],
        per_order=[
            (r["order_id"], _order_title(r), _counts(r))
            for r in reports.values(
                "order_id", "order__symbol", "order__direction", "order__time_increment"
            )
            .annotate(**COUNTS)
            .order_by("-order_id")[:top]
        ],
        reasons=[
            (r["error_code"], r["sample"] or "", r["n"])
            for r in reports.filter(outcome=Outcome.FAILED)
            .values("error_code")
            .annotate(n=Count("id"), sample=Max("error_message"))
            .order_by("-n")[:20]
        ],
    )


def _per_day(span: DateRange, reports: QuerySet[ExecutionReport]) -> list[tuple[date, Counts]]:
    """One aggregate per local day (bounds computed here, see the module docstring)."""
    zone = timezone.get_current_timezone()
    out = []
    for day in span.days():
        start = datetime.combine(day, time.min, tzinfo=zone)
        end = start + timedelta(days=1)
        found = reports.filter(order__created_at__gte=start, order__created_at__lt=end)
        out.append((day, _counts(found.aggregate(**COUNTS))))
    return out


def _order_title(row: Mapping[str, Any]) -> str:
    direction = DIRECTION_WORDS.get(row["order__direction"], row["order__direction"])
    increment = TimeIncrement(row["order__time_increment"]).label
    return f"{row['order__symbol']} {direction} {increment}"


CSV_COLUMNS = (
    "reported_at",
    "order_id",
    "symbol",
    "direction",
    "time_increment",
    "trader",
    "outcome",
    "amount",
    "binance_order_id",
    "error_code",
    "error_message",
    "latency_ms",
)


def csv_rows(reports: QuerySet[ExecutionReport]) -> Iterable[list[str]]:
    """One CSV row per report (local times to the second), header first."""
    yield list(CSV_COLUMNS)
    rows = reports.select_related("order", "trader").order_by("reported_at", "id")
    for r in rows.iterator(chunk_size=2000):
        yield [
            timezone.localtime(r.reported_at).strftime("%Y-%m-%d %H:%M:%S"),
            str(r.order_id),
            r.order.symbol,
            r.order.direction,
            r.order.time_increment,
            r.trader.username,
            r.outcome,
            "" if r.amount is None else str(r.amount),
            r.binance_order_id,
            r.error_code,
            r.error_message,
            "" if r.latency_ms is None else str(r.latency_ms),
        ]


def csv_text(reports: QuerySet[ExecutionReport]) -> str:
    """The whole CSV (UTF-8 with BOM so spreadsheet programs read the Chinese right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in csv_rows(reports):
        writer.writerow(row)
    return out.getvalue()
