"""Recording a chunk in the database: the plan written as ``CopyExecution`` rows BEFORE anything is
sent (one INSERT; the unique (event, follower) keeps a re-run from writing twice), the rows still
to send marked SENT, the outcomes written back in batches, refused keys disabled, the traded
balances refreshed in the cache, and the event's ``fanout_ms`` once its last chunk is done."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from kernel import metrics
from trading.copytrade import notices
from trading.copytrade.choices import ExecutionStatus, FollowerState
from trading.copytrade.core.fanout_plan import PlannedCopy
from trading.copytrade.core.sizing import balance_after
from trading.copytrade.models import CopyExecution, Follower, LeaderEvent
from trading.copytrade.services import balances
from trading.copytrade.services.balances import store_if_newer
from trading.copytrade.services.fanout_send import Result

FEE_ALLOWANCE = Decimal("0.002")  # a fill's proceeds cut by ≥ the taker fee when no fee is known
RESULT_FIELDS = [
    "status",
    "venue_order_id",
    "filled_base",
    "filled_quote",
    "error",
    "attempts",
    "latency_ms",
    "updated_at",
]
OPEN = (ExecutionStatus.PENDING, ExecutionStatus.SENT)


def rows_write(event: LeaderEvent, plan: list[PlannedCopy]) -> None:
    """The plan as rows — PENDING, or SKIPPED with the reason — in one INSERT; rows a crashed or
    redelivered run already wrote are kept as they are."""
    rows = [
        CopyExecution(
            event=event,
            follower_id=p.follower_id,
            client_order_id=p.client_order_id,
            side=p.side,
            balance_used=p.balance_used,
            requested=p.requested,
            status=ExecutionStatus.SKIPPED if p.skipped else ExecutionStatus.PENDING,
            skip_reason=p.skip_reason,
            error=p.detail,
        )
        for p in plan
    ]
    CopyExecution.objects.bulk_create(rows, ignore_conflicts=True)


def rows_open(event_id: int, follower_ids: list[int]) -> list[CopyExecution]:
    """The chunk's rows still to send (PENDING) or to look up first (SENT: maybe sent)."""
    rows = CopyExecution.objects.filter(event_id=event_id, follower_id__in=follower_ids)
    return [row for row in rows if row.status in OPEN]


def rows_mark_sent(rows: list[CopyExecution]) -> None:
    """PENDING → SENT before sending: a run that dies after this looks its orders up first."""
    pks = [row.pk for row in rows if row.status == ExecutionStatus.PENDING]
    if pks:
        CopyExecution.objects.filter(pk__in=pks, status=ExecutionStatus.PENDING).update(
            status=ExecutionStatus.SENT, updated_at=timezone.now()
        )


def results_record(
    event: LeaderEvent,
    followers: dict[int, Follower],
    cached: dict[int, balances.CachedBalance],
    batch: list[Result],
) -> None:
    """One batch of outcomes: the rows updated, refused keys disabled, failures told to the
    operators, traded balances cached."""
    rows, now = [], timezone.now()
    for send, out in batch:
        row = send.row
        row.status = out.status
        row.venue_order_id = out.venue_order_id or row.venue_order_id
        row.filled_base, row.filled_quote = out.filled_base, out.filled_quote
        row.error = out.error[:2000]
        row.attempts += out.attempts
        row.latency_ms = out.ack_ms - event.received_ms if out.ack_ms else None
        row.updated_at = now
        rows.append(row)
        metrics.safely(metrics.COPIES.labels(str(out.status).lower()).inc)
    results_write(rows)
    followers_disable_refused(event, followers, batch)
    failures_notify(event, followers, batch)
    balances_refresh(cached, batch)


def results_write(rows: list[CopyExecution]) -> None:
    """The batch's results in one transaction: one parameterised UPDATE per row, sent with
    ``executemany``. (Django's ``bulk_update`` builds a CASE expression per field and row — ~1 ms
    of CPU per row here, holding the GIL the venue loop needs for the acknowledgements still in
    flight: a quarter of the worker's time in a 100-follower fan-out, measured with py-spy.)"""
    meta = CopyExecution._meta
    fields = [meta.get_field(name) for name in RESULT_FIELDS]
    qn = connection.ops.quote_name
    # concrete fields all have a column; the stubs type ``column`` as optional for every field
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)  # type: ignore[arg-type,union-attr]
    where = f"{qn(meta.pk.column)} = %s"  # type: ignore[arg-type,union-attr]
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {where}"  # noqa: S608 — names are the model's own
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]  # type: ignore[union-attr]
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)


def followers_disable_refused(
    event: LeaderEvent, followers: dict[int, Follower], batch: list[Result]
) -> None:
    """Followers whose key the venue refused → DISABLED with the reason; nobody else. Operators
    are told once per follower and event (the key makes a re-run's notice a no-op)."""
    by_error: dict[str, list[int]] = {}
    for send, out in batch:
        if out.auth_failed:
            by_error.setdefault(out.error[:2000], []).append(send.row.follower_id)
    for error, ids in by_error.items():
        with transaction.atomic():
            rows = Follower.objects.filter(Q(pk__in=ids), ~Q(state=FollowerState.DISABLED))
            newly = list(rows.select_for_update().values_list("pk", flat=True))
            Follower.objects.filter(pk__in=newly).update(
                state=FollowerState.DISABLED, last_error=error
            )
            for pk in newly:
                follower = followers[pk]
                notices.follower_disabled(
                    follower_id=pk,
                    name=follower.name,
                    venue=follower.credential.venue,
                    error=error,
                    cause=f"ev{event.pk}",
                )


def failures_notify(
    event: LeaderEvent, followers: dict[int, Follower], batch: list[Result]
) -> None:
    """A copy that FAILED (other than a refused key, told above) or ended UNKNOWN needs an
    operator: one notice per execution."""
    for send, out in batch:
        if out.status in (ExecutionStatus.FAILED, ExecutionStatus.UNKNOWN) and not out.auth_failed:
            notices.copy_failed(
                execution_id=send.row.pk,
                follower=followers[send.row.follower_id].name,
                leader_order=event.leader_order_id,
                side=event.side,
                status=out.status,
                error=out.error,
            )


def balances_refresh(cached: dict[int, balances.CachedBalance], batch: list[Result]) -> None:
    """Event-driven cache update: a filled copy changed its follower's balance, so the next
    event must not size from the balance before it. Exact when the venue's reply carries the fee
    (Binance FULL fills, Bitget's read-back), else the proceeds are cut by ``FEE_ALLOWANCE``
    (``sizing.balance_after``); the poller writes the venue's figures every few seconds."""
    readings: dict[int | str, tuple[Decimal, Decimal, int]] = {}
    for send, out in batch:
        before = cached.get(send.row.follower_id)
        if out.status != ExecutionStatus.FILLED or before is None or not out.ack_ms:
            continue
        if send.maybe_sent:
            # a re-run found this order (sent by a crashed run): the cached balance may already
            # include its fill (poll, stream), and its lookup time is newer than the fill — the
            # arithmetic would take the fill twice. The stream / poller bring the true figure.
            continue
        usdt, btc = balance_after(
            send.row.side,
            (before.usdt, before.btc),
            (out.filled_base, out.filled_quote),
            out.fee,
            out.fee_asset,
            FEE_ALLOWANCE,
        )
        readings[send.row.follower_id] = (usdt, btc, out.ack_ms)
    if readings:
        store_if_newer(readings)


def event_fanout_ms_set(event_id: int, newest_ack_ms: int) -> None:
    """``fanout_ms`` = the newest follower acknowledgement − the leader fill reaching Fleet."""
    received = LeaderEvent.objects.filter(pk=event_id).values_list("received_ms", flat=True)
    for received_ms in received:
        fanout_ms = max(0, newest_ack_ms - received_ms) if received_ms else None
        LeaderEvent.objects.filter(pk=event_id).update(fanout_ms=fanout_ms)
        if fanout_ms is not None:
            metrics.safely(metrics.COPY_FANOUT_SECONDS.observe, fanout_ms / 1000)
