"""Writes of the orders app: allowed symbols, create / batch / template / cancel orders, persist delivery claims,
store execution reports, set a trader's order amount, sweep expired orders. Views, admin actions
and tasks call these; nothing writes around them."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Trader
from accounts.services import trader_update
from kernel import metrics
from kernel.refusals import Refused
from kernel.runtime_config import config_get
from orders import delivery, report_batch
from orders.errors import (
    AMOUNT_OUT_OF_RANGE,
    INVALID_ORDER,
    NOT_DELIVERED,
    NOT_FOUND,
)
from orders.models import Claim, EventOrder, EventSymbol, ExecutionReport, OrderTemplate
from orders.validation import OrderFields, order_fields_validate, symbol_is_valid

log = logging.getLogger("fleet.orders")


# --- allowed symbols ----------------------------------------------------------------------------


def symbol_add(*, symbol: str, is_active: bool = True) -> EventSymbol:
    """Put a symbol on the allowed list (idempotent). ``" btcusdt "`` is stored as ``BTCUSDT``;
    anything but 2–20 uppercase letters or digits is refused (``INVALID_ORDER``, detail
    ``{"symbol": …}``)."""
    value = str(symbol).strip().upper()
    if not symbol_is_valid(value):
        raise Refused(INVALID_ORDER, {"symbol": value})
    row, _created = EventSymbol.objects.update_or_create(
        symbol=value, defaults={"is_active": is_active}
    )
    log.info("allowed symbol added %s active=%s", value, is_active)
    return row


def symbol_set_active(*, symbol: EventSymbol, is_active: bool) -> EventSymbol:
    """Switch an allowed symbol on or off (orders refuse a switched-off symbol from now on)."""
    EventSymbol.objects.filter(pk=symbol.pk).update(is_active=is_active)
    symbol.is_active = is_active
    log.info("allowed symbol %s active=%s", symbol.symbol, is_active)
    return symbol


# --- orders -------------------------------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    symbol: str,
    direction: str,
    time_increment: str,
    validity_seconds: int | None = None,
    payout_ratio: Decimal | None = None,
    created_by=None,
) -> EventOrder:
    """Create one order valid from now for ``validity_seconds`` (``None`` = knob default);
    deliverable as soon as the transaction commits. Refuses what
    :func:`orders.validation.order_fields_validate` refuses."""
    return orders_batch_create(
        symbols=[symbol],
        directions=[direction],
        time_increment=time_increment,
        validity_seconds=validity_seconds,
        payout_ratio=payout_ratio,
        created_by=created_by,
    )[0]


@transaction.atomic
def orders_batch_create(
    *,
    symbols: list[str],
    directions: list[str],
    time_increment: str,
    validity_seconds: int | None = None,
    payout_ratio: Decimal | None = None,
    created_by=None,
) -> list[EventOrder]:
    """Every symbol × direction at once, all or nothing."""
    fields = order_fields_validate(
        symbols=symbols,
        directions=directions,
        time_increment=time_increment,
        validity_seconds=validity_seconds,
        payout_ratio=payout_ratio,
    )
    return [
        _order_insert(symbol, direction, fields, created_by)
        for symbol in fields.symbols
        for direction in fields.directions
    ]


def _order_insert(symbol: str, direction: str, fields: OrderFields, created_by) -> EventOrder:
    now = timezone.now()
    order = EventOrder.objects.create(
        symbol=symbol,
        direction=direction,
        time_increment=fields.time_increment,
        payout_ratio=fields.payout_ratio,
        validity_seconds=fields.validity_seconds,
        created_by=created_by,
        created_at=now,
        valid_until=now + timedelta(seconds=fields.validity_seconds),
    )
    transaction.on_commit(lambda: _publish_logged(order))
    return order


def _publish_logged(order: EventOrder) -> None:
    metrics.safely(metrics.EVENT_ORDERS_CREATED.inc)
    try:
        delivery.publish([order])
    except Exception:  # Redis down: the sweep (and the rebuild after a restart) republishes
        log.exception("order %s not published to Redis yet", order.pk)
    log.info(
        "order created id=%s %s %s %s payout=%s valid_until=%s by=%s",
        order.pk,
        order.symbol,
        order.direction,
        order.time_increment,
        order.payout_ratio,
        order.valid_until.isoformat(),
        order.created_by_id,
    )


def template_save(
    *,
    name: str,
    symbols: list[str],
    directions: list[str],
    time_increment: str,
    validity_seconds: int | None = None,
    payout_ratio: Decimal | None = None,
) -> OrderTemplate:
    """Save (or overwrite, by name) a combination for one-click creation later. Blank payout and
    validity stay blank (the knob default at creation time); the rest is checked like an order."""
    fields = order_fields_validate(
        symbols=symbols,
        directions=directions,
        time_increment=time_increment,
        validity_seconds=validity_seconds,
        payout_ratio=payout_ratio,
        active_symbols_only=False,
    )
    template, _created = OrderTemplate.objects.update_or_create(
        name=name,
        defaults={
            "symbols": ",".join(fields.symbols),
            "directions": ",".join(fields.directions),
            "time_increment": time_increment,
            "validity_seconds": None if validity_seconds is None else fields.validity_seconds,
            "payout_ratio": None if payout_ratio is None else fields.payout_ratio,
        },
    )
    return template


def template_create_orders(*, template: OrderTemplate, created_by=None) -> list[EventOrder]:
    return orders_batch_create(
        symbols=template.symbol_list,
        directions=template.direction_list,
        time_increment=template.time_increment,
        validity_seconds=template.validity_seconds,
        payout_ratio=template.payout_ratio,
        created_by=created_by,
    )


@transaction.atomic
def order_cancel(*, order: EventOrder, actor=None) -> bool:
    """Withdraw a live order; False when it had already expired or been cancelled."""
    order = EventOrder.objects.select_for_update().get(pk=order.pk)
    if not order.is_live:
        return False
    order.cancelled_at = timezone.now()
    order.save(update_fields=["cancelled_at"])
    transaction.on_commit(lambda: _withdraw_logged(order))
    log.info("order cancelled id=%s by=%s", order.pk, getattr(actor, "pk", None))
    return True


def _withdraw_logged(order: EventOrder) -> None:
    try:
        delivery.withdraw([order])
    except Exception:  # Redis down: the sweep withdraws every cancelled order still live there
        log.exception("cancelled order %s not withdrawn from Redis yet", order.pk)


# --- delivery claims ----------------------------------------------------------------------------


def claims_persist(batch: int = 1000) -> int:
    """Turn the Redis claim log into ``Claim`` rows (idempotent: unique (order, trader)).

    One flusher at a time (a lock); rows are trimmed from the log only after they are written."""
    if not delivery.flush_lock(True):
        return 0
    written = 0
    try:
        while True:
            written += _persist_batch(batch)
            delivery.flush_done()
            if delivery.claimlog_length() == 0:
                break
    finally:
        delivery.flush_lock(False)
    return written


def _persist_batch(batch: int) -> int:
    total = 0
    while rows := delivery.claimlog_peek(batch):
        ids = {r[0] for r in rows}
        existing = set(EventOrder.objects.filter(pk__in=ids).values_list("pk", flat=True))
        claims = [
            Claim(order_id=o, trader_id=t, delivered_at=datetime.fromtimestamp(ts, UTC))
            for o, t, ts in rows
            if o in existing
        ]
        Claim.objects.bulk_create(claims, ignore_conflicts=True)
        delivery.claimlog_trim(len(rows))
        _log_deliveries(rows)
        total += len(claims)
    return total


def _log_deliveries(rows: list[tuple[int, int, float]]) -> None:
    by_order: dict[int, list[int]] = defaultdict(list)
    for order_id, trader_id, _ts in rows:
        by_order[order_id].append(trader_id)
    for order_id, traders in by_order.items():
        log.info("order delivered id=%s traders=%d %s", order_id, len(traders), traders[:20])


# --- execution reports --------------------------------------------------------------------------


def _parse_order_id(raw: str | int) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise Refused(NOT_FOUND) from None
    if value <= 0 or value > 2**62:
        raise Refused(NOT_FOUND)
    return value


def _acknowledge_delivery(order_id: int, trader_id: int) -> None:
    """A report needs a delivery, and proves the client holds the order: acknowledge it in Redis
    (the usual case, no query; the acknowledgement becomes the ``Claim`` row through the claim
    log), else the ``Claim`` row must exist (after a Redis restart)."""
    states, flush_due = delivery.acknowledge(
        trader_id, [delivery.delivery_id(order_id, trader_id)], time.time()
    )
    if flush_due:
        claims_flush_schedule()
    if not states[0]:
        report_delivery_check(order_id=order_id, trader_id=trader_id)


def report_delivery_check(*, order_id: int, trader_id: int) -> None:
    """Redis does not know the delivery (a Redis restart lost it): the ``Claim`` row decides.
    Raises ``not_found`` (no such order) or ``not_delivered``."""
    if Claim.objects.filter(order_id=order_id, trader_id=trader_id).exists():
        return
    if not EventOrder.objects.filter(pk=order_id).exists():
        raise Refused(NOT_FOUND)
    raise Refused(NOT_DELIVERED)


def deliveries_acknowledge(*, trader_id: int, delivery_ids: list[str]) -> list[int]:
    """The client of ``trader_id`` journaled these deliveries: they are never handed out again,
    and each becomes a ``Claim`` row (the admin's 已分配). Any transport calls this (the pull does
    the same step inside its own script). Returns the state per id (see ``delivery.acknowledge``)."""
    states, flush_due = delivery.acknowledge(trader_id, delivery_ids, time.time())
    metrics.safely(metrics.EVENT_ORDERS_ACKNOWLEDGED.inc, states.count(1))
    if flush_due:
        claims_flush_schedule()
    return states


def claims_flush_schedule() -> None:
    """Persist new acknowledgements off the request (a broker hiccup loses nothing: the 30 s
    sweep persists the claim log anyway)."""
    from orders.tasks import persist_claims

    try:
        persist_claims.apply_async(countdown=0.3)
    except Exception:
        log.exception("could not schedule orders.persist_claims")


def _store(row: ExecutionReport) -> tuple[ExecutionReport, bool]:
    """Make the report durable; (stored row, created). Outside a transaction (a request, the push
    process) it joins the process's current batch and returns after that batch's commit
    (``orders.report_batch``: group commit). Inside a caller's transaction it is written there —
    that transaction decides its durability — with a savepoint so a duplicate-key error does not
    break the outer block."""
    if not transaction.get_connection().in_atomic_block:
        return report_batch.writer().write(row)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:  # a repeat (or an order deleted since its delivery)
        existing = ExecutionReport.objects.filter(
            order_id=row.order_id, trader_id=row.trader_id
        ).first()
        if existing is None:
            raise Refused(NOT_FOUND) from None
        return existing, False
    return row, True


def execution_report(
    *,
    order_id: str | int,
    trader_id: int,
    outcome: str,
    binance_order_id: str = "",
    error_code: str = "",
    error_message: str = "",
    amount: Decimal | None = None,
    latency_ms: int | None = None,
) -> tuple[ExecutionReport, bool]:
    """Store what the client did with a delivered order. Idempotent: the first report for
    (order, trader) is kept and returned for every repeat. Returns (row, created) once the row is
    durable (committed).

    The usual report costs one Redis lookup and its share of one multi-row INSERT (the unique
    pair decides repeats; see ``orders.report_batch``)."""
    oid = report_order_id(order_id)
    _acknowledge_delivery(oid, trader_id)
    row = report_row(
        order_id=oid,
        trader_id=trader_id,
        outcome=outcome,
        binance_order_id=binance_order_id,
        error_code=error_code,
        error_message=error_message,
        amount=amount,
        latency_ms=latency_ms,
    )
    report, created = _store(row)
    if created:
        report_logged(report)
    return report, created


def report_order_id(raw: str | int) -> int:
    """The order id of a report (``not_found`` for anything but a positive id ≤ 2^62)."""
    return _parse_order_id(raw)


def report_row(
    *,
    order_id: int,
    trader_id: int,
    outcome: str,
    binance_order_id: str = "",
    error_code: str = "",
    error_message: str = "",
    amount: Decimal | None = None,
    latency_ms: int | None = None,
) -> ExecutionReport:
    """The unsaved report row (texts cut to their columns). The push process builds it here and
    hands it to the group commit itself (``orders.push.server``): same rules, no thread per
    report."""
    return ExecutionReport(
        order_id=order_id,
        trader_id=trader_id,
        outcome=outcome,
        binance_order_id=binance_order_id[:64],
        error_code=error_code[:64],
        error_message=error_message[:500],
        amount=amount,
        latency_ms=latency_ms,
    )


def report_logged(report: ExecutionReport) -> None:
    """The log line of a stored (new) report."""
    log.info(
        "execution report order=%s trader=%s outcome=%s binance_id=%s error=%s latency_ms=%s",
        report.order_id,
        report.trader_id,
        report.outcome,
        report.binance_order_id,
        report.error_code,
        report.latency_ms,
    )
    metrics.safely(metrics.report_counted, report.outcome, report.error_code)


# --- trader settings ----------------------------------------------------------------------------


def amount_range() -> tuple[Decimal, Decimal]:
    return Decimal(config_get("event_amount_min")), Decimal(config_get("event_amount_max"))


def amount_validate(raw) -> Decimal:
    """Parse and range-check an order amount (the knobs ``event_amount_min`` / ``_max``)."""
    low, high = amount_range()
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise Refused(AMOUNT_OUT_OF_RANGE, {"min": str(low), "max": str(high)}) from None
    if (
        not value.is_finite()
        or not low <= value <= high
        or value != value.quantize(Decimal("0.01"))
    ):
        raise Refused(AMOUNT_OUT_OF_RANGE, {"min": str(low), "max": str(high)})
    return value.quantize(Decimal("0.01"))


def trader_amount_set(*, trader: Trader, amount, actor=None) -> Trader:
    """Set a trader's per-order amount (validated; the Redis mirror refreshes on commit, so the
    next pull already carries it)."""
    value = amount_validate(amount)
    trader = trader_update(trader=trader, actor=actor, order_amount=value)
    log.info("order amount trader=%s amount=%s by=%s", trader.pk, value, getattr(actor, "pk", None))
    return trader


# --- housekeeping -------------------------------------------------------------------------------


def orders_sweep_expired() -> int:
    """Beat, every 30 s: drop expired orders from Redis, persist pending claims, republish live
    orders (heals a publish that failed while Redis was down; cancelled ones are refused by their
    tombstone, see ``delivery.publish``), withdraw cancelled orders still live in Redis (heals a
    withdrawal that failed while Redis was down), trim presence."""
    now = timezone.now().timestamp()
    expired = delivery.expired_ids(now)
    delivery.unpublish(expired)
    for order_id in expired:
        log.info("order expired id=%s", order_id)
    claims_persist()
    from orders.selectors import cancelled_among, live_orders

    delivery.publish(live_orders())
    delivery.withdraw(cancelled_among(delivery.live_ids()))
    delivery.online_trim(now)
    return len(expired)
