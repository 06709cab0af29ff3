"""Reads of the orders app: live orders, claims, per-order outcomes and the dashboard metrics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.choices import Outcome
from orders.core.open_contracts import VENUE_OPEN_LIMIT, open_after_creation
from orders.models import Claim, EventOrder, EventSymbol, ExecutionReport

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def active_symbols() -> list[str]:
    return list(EventSymbol.objects.filter(is_active=True).values_list("symbol", flat=True))


def live_orders(now: datetime | None = None) -> list[EventOrder]:
    """Orders that are deliverable now (not cancelled, validity not passed)."""
    now = now or timezone.now()
    return list(EventOrder.objects.filter(cancelled_at__isnull=True, valid_until__gt=now))


def cancelled_among(order_ids: list[int]) -> list[EventOrder]:
    """The cancelled orders among ``order_ids``."""
    if not order_ids:
        return []
    return list(EventOrder.objects.filter(pk__in=order_ids, cancelled_at__isnull=False))


def claims_of(order_ids: list[int]) -> dict[int, list[int]]:
    """order id → trader ids it was delivered to (from the durable ``Claim`` rows)."""
    out: dict[int, list[int]] = defaultdict(list)
    rows = Claim.objects.filter(order_id__in=order_ids).values_list("order_id", "trader_id")
    for order_id, trader_id in rows:
        out[order_id].append(trader_id)
    return out


def open_contracts_over_limit(now: datetime | None = None, extra: int = 0) -> dict[str, int]:
    """Active traders who would hold more open event contracts than the venue allows once their
    clients placed every live order and ``extra`` orders more: username → that count
    (``open_contracts``). Contracts can run up to a day, so placements of the last day are read."""
    from accounts.models import Trader

    now = now or timezone.now()
    live = [o.pk for o in live_orders(now)]
    placed: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    reported_live: dict[int, int] = defaultdict(int)
    rows = ExecutionReport.objects.filter(
        Q(outcome=Outcome.PLACED, reported_at__gt=now - timedelta(days=1)) | Q(order_id__in=live)
    ).values_list("trader_id", "order_id", "outcome", "reported_at", "order__time_increment")
    for trader_id, order_id, outcome, reported_at, increment in rows:
        if outcome == Outcome.PLACED:
            placed[trader_id].append((reported_at, increment))
        if order_id in live:
            reported_live[trader_id] += 1
    traders = Trader.objects.filter(is_disabled=False, expires_at__gt=now)
    out = {}
    for trader_id, username in traders.values_list("pk", "username"):
        unreported = len(live) - reported_live[trader_id] + extra
        count = open_after_creation(placed[trader_id], unreported, now)
        if count > VENUE_OPEN_LIMIT:
            out[username] = count
    return out


class OrderCounts(TypedDict):
    """What :func:`orders_with_counts` annotates on each order."""

    delivered_count: int
    placed_count: int
    failed_count: int


def orders_with_counts() -> QuerySet[WithAnnotations[EventOrder, OrderCounts]]:
    """Orders annotated with delivered / placed / failed counts (for the admin list)."""
    return EventOrder.objects.annotate(
        delivered_count=Count("claims", distinct=True),
        placed_count=Count("reports", filter=Q(reports__outcome=Outcome.PLACED), distinct=True),
        failed_count=Count("reports", filter=Q(reports__outcome=Outcome.FAILED), distinct=True),
    )


@dataclass
class DeliveryRow:
    """One trader's story for one order: received when, reported what, how long it took."""

    trader: str
    delivered_at: datetime | None
    outcome: str = ""
    outcome_label: str = ""
    error_code: str = ""
    error_message: str = ""
    binance_order_id: str = ""
    latency_ms: int | None = None
    reported_at: datetime | None = None


def order_deliveries(order: EventOrder) -> list[DeliveryRow]:
    """Who received the order, who placed it, who failed and why, and how long each took."""
    rows: dict[int, DeliveryRow] = {}
    for claim in Claim.objects.filter(order=order).select_related("trader"):
        rows[claim.trader_id] = DeliveryRow(str(claim.trader), claim.delivered_at)
    for rep in ExecutionReport.objects.filter(order=order).select_related("trader"):
        row = rows.setdefault(rep.trader_id, DeliveryRow(str(rep.trader), None))
        row.outcome, row.outcome_label = rep.outcome, rep.get_outcome_display()
        row.error_code, row.error_message = rep.error_code, rep.error_message
        row.binance_order_id, row.latency_ms = rep.binance_order_id, rep.latency_ms
        row.reported_at = rep.reported_at
    return sorted(rows.values(), key=lambda r: (r.delivered_at is None, r.delivered_at, r.trader))


@dataclass
class Dashboard:
    """The operators' numbers (docs/event_orders.md defines each one)."""

    online_now: int
    orders_today: int
    delivered_today: int
    eligible_today: int
    reports_today: int
    placed_today: int
    failed_today: int
    errors_by_code: list[tuple[str, int, float]] = field(default_factory=list)
    latest_failures: list[ExecutionReport] = field(default_factory=list)
    hourly: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def allocation_rate(self) -> float | None:
        return _ratio(self.delivered_today, self.eligible_today)

    @property
    def success_rate(self) -> float | None:
        return _ratio(self.placed_today, self.reports_today)

    @property
    def error_rate(self) -> float | None:
        return _ratio(self.failed_today, self.reports_today)


def _ratio(a: int, b: int) -> float | None:
    return round(100.0 * a / b, 1) if b else None


def today_start() -> datetime:
    """Midnight of today in the operators' time zone (settings.TIME_ZONE), as an aware datetime."""
    local = timezone.localtime()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def dashboard(online_now: int) -> Dashboard:
    start = today_start()
    orders = EventOrder.objects.filter(created_at__gte=start)
    n_orders = orders.count()
    delivered, eligible = _allocation(orders)
    reports = ExecutionReport.objects.filter(order__created_at__gte=start)
    counts = reports.aggregate(
        total=Count("id"),
        placed=Count("id", filter=Q(outcome=Outcome.PLACED)),
        failed=Count("id", filter=Q(outcome=Outcome.FAILED)),
    )
    return Dashboard(
        online_now=online_now,
        orders_today=n_orders,
        delivered_today=delivered,
        eligible_today=eligible,
        reports_today=counts["total"],
        placed_today=counts["placed"],
        failed_today=counts["failed"],
        errors_by_code=_errors_by_code(reports, counts["total"]),
        latest_failures=list(
            reports.filter(outcome=Outcome.FAILED).select_related("order", "trader")[:10]
        ),
        hourly=_hourly(start),
    )


def _allocation(orders: QuerySet[EventOrder]) -> tuple[int, int]:
    """(delivered, eligible) (order, trader) pairs of ``orders`` — the allocation rate.

    An order's window runs from its creation to its expiry, or to its cancellation. A trader is
    eligible for the order when it received any order (this one or another) inside the window: a
    pulling client receives every live order, so that trader was pulling while this order was
    deliverable. Delivered = eligible pairs where the trader received this very order inside the
    window, a subset of eligible, so the rate is a true ratio in [0, 1]. Deliveries are the only
    record of pulls, so a trader whose pulls brought nothing during a window is not counted."""
    in_window = {"delivered_at__gte": OuterRef("created_at"), "delivered_at__lt": OuterRef("end")}
    rows = orders.annotate(end=Coalesce("cancelled_at", "valid_until")).annotate(
        got=_count(Claim.objects.filter(order=OuterRef("pk"), **in_window), "id"),
        present=_count(Claim.objects.filter(**in_window), "trader_id"),
    )
    totals = rows.aggregate(delivered=Coalesce(Sum("got"), 0), eligible=Coalesce(Sum("present"), 0))
    return totals["delivered"], totals["eligible"]


def _count(claims: QuerySet[Claim], column: str) -> Subquery:
    """``COUNT(DISTINCT column)`` of ``claims`` as a scalar subquery (one row: no GROUP BY)."""
    counted = (
        claims.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count(column, distinct=True))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _errors_by_code(reports: QuerySet[ExecutionReport], total: int) -> list[tuple[str, int, float]]:
    rows = (
        reports.filter(outcome=Outcome.FAILED)
        .values("error_code")
        .annotate(n=Count("id"))
        .order_by("-n")[:12]
    )
    return [(r["error_code"] or "-", r["n"], round(100.0 * r["n"] / total, 1)) for r in rows]


def _hourly(start: datetime) -> list[tuple[str, int, int]]:
    """(hour label, placed, failed) for each hour of today so far — the dashboard's bar chart."""
    now = timezone.localtime()
    out = []
    hour = start
    while hour <= now:
        nxt = hour + timedelta(hours=1)
        qs = ExecutionReport.objects.filter(reported_at__gte=hour, reported_at__lt=nxt)
        agg = qs.aggregate(
            placed=Count("id", filter=Q(outcome=Outcome.PLACED)),
            failed=Count("id", filter=Q(outcome=Outcome.FAILED)),
        )
        out.append((f"{hour:%H}", agg["placed"], agg["failed"]))
        hour = nxt
    return out
