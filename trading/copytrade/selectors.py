"""Reads of copy trading for the operator surfaces (REST status, back office, desktop tab): the
followers with their cached balances and last copy, the leader and its stream's connection state,
the recent leader events with their fan-out summary, and fan-out latency percentiles.

Every list is a fixed number of queries (no per-row query): followers = 2 queries + 1 Redis
pipeline; events = 1 aggregate query (+1 for the per-follower detail of the event log).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import (
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from kernel.redis import get_redis
from trading.copytrade.choices import ExecutionStatus
from trading.copytrade.models import CopyExecution, Follower, Leader, LeaderEvent, OperatorToken
from trading.copytrade.services import balances
from trading.copytrade.services.controls import LEADER_CONN_KEY, token_hash

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

LEADER_CONN_STALE_S = 60.0
FAIL_STATUSES = (ExecutionStatus.FAILED, ExecutionStatus.UNKNOWN)


# --- operators --------------------------------------------------------------------------------
def operator_token_resolve(token: str) -> OperatorToken | None:
    """The live (not expired, not revoked) token row for ``token``, with its user."""
    from django.utils import timezone

    return (
        OperatorToken.objects.select_related("user")
        .filter(
            token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )


# --- leader -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LeaderConnection:
    """What the stream process last reported about the leader's user-data stream."""

    state: str  # connecting | connected | disconnected | stalled | unknown
    detail: str = ""
    age_s: float | None = None

    @property
    def connected(self) -> bool:
        return self.state == "connected"

    @property
    def label(self) -> str:
        """The state in the operator's language (the raw state stays in ``state``)."""
        return str(CONNECTION_LABELS.get(self.state, self.state))


CONNECTION_LABELS = {
    "connecting": _("连接中"),
    "connected": _("已连接"),
    "disconnected": _("已断开"),
    "stalled": _("无数据（停滞）"),
    "unknown": _("未知（流进程无报告）"),
}


def leader_connection() -> LeaderConnection:
    """The reported state; ``unknown`` when nothing was reported in the last 60 s."""
    row = cast("dict[str, str]", get_redis().hgetall(LEADER_CONN_KEY))  # decode_responses
    if not row:
        return LeaderConnection("unknown")
    age = time.time() - int(row.get("at_ms", 0)) / 1000
    if age > LEADER_CONN_STALE_S:
        return LeaderConnection("unknown", row.get("detail", ""), age)
    return LeaderConnection(row.get("state", "unknown"), row.get("detail", ""), age)


@dataclass(frozen=True)
class LeaderDown:
    """The leader stream is not connected, since ``since`` (epoch seconds)."""

    state: str
    detail: str
    since: float


def leader_down_since() -> LeaderDown | None:
    """Since when the leader stream has not been connected (``None`` while it is, or when
    nothing was ever reported). A silent stream process counts as down from its last report."""
    row = cast("dict[str, str]", get_redis().hgetall(LEADER_CONN_KEY))  # decode_responses
    if not row:
        return None
    at = int(row.get("at_ms", 0)) / 1000
    state, detail = row.get("state", "unknown"), row.get("detail", "")
    if time.time() - at > LEADER_CONN_STALE_S:
        return LeaderDown("unknown", "stream process silent", at)
    if state == "connected":
        return None
    return LeaderDown(state, detail, int(row.get("since_ms", row.get("at_ms", 0))) / 1000)


def leader_active() -> Leader | None:
    return Leader.objects.select_related("credential").filter(is_active=True).first()


# --- followers --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowerRow:
    """A follower with its cached balance (``None`` = never read) and its newest copy."""

    follower: Follower
    balance: balances.CachedBalance | None
    last_copy: CopyExecution | None

    @property
    def balance_stale(self) -> bool:
        return self.balance is None or self.balance.age_s > balances.STALE_AFTER_S


def followers_queryset() -> QuerySet[Follower]:
    return Follower.objects.select_related("credential").order_by("id")


def follower_rows(followers: Sequence[Follower] | None = None) -> list[FollowerRow]:
    """Rows for ``followers`` (default: all): one Redis pipeline and one query for last copies."""
    items = list(followers if followers is not None else followers_queryset())
    ids = [f.pk for f in items]
    cached = balances.balances_get(ids, fresh_only=False) if ids else {}
    last = last_copies(ids)
    return [FollowerRow(f, cached.get(f.pk), last.get(f.pk)) for f in items]


def last_copies(follower_ids: list[int]) -> dict[int, CopyExecution]:
    """The newest execution of each follower (one query)."""
    if not follower_ids:
        return {}
    newest = CopyExecution.objects.filter(follower=OuterRef("pk")).order_by("-id").values("id")[:1]
    wanted = (
        Follower.objects.filter(pk__in=follower_ids)
        .annotate(last_id=Subquery(newest))
        .values_list("last_id", flat=True)
    )
    rows = CopyExecution.objects.select_related("event").filter(id__in=[i for i in wanted if i])
    return {row.follower_id: row for row in rows}


# --- events -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventSummary:
    """One leader market order and what its fan-out did."""

    event: LeaderEvent
    fanout: int
    ok: int
    fail: int
    skipped: int
    latency_ms: int | None  # leader fill reaching Fleet → last follower acknowledgement

    @property
    def pending(self) -> int:
        return self.fanout - self.ok - self.fail - self.skipped

    @property
    def percent(self) -> Decimal:
        return (self.event.ratio * 100).quantize(Decimal("0.0001"))


class _FanoutCounts(TypedDict):
    n_fanout: int
    n_ok: int
    n_fail: int
    n_skipped: int
    max_latency: int | None


def _events_annotated() -> QuerySet[WithAnnotations[LeaderEvent, _FanoutCounts]]:
    return LeaderEvent.objects.annotate(
        n_fanout=Count("executions"),
        n_ok=Count("executions", filter=Q(executions__status=ExecutionStatus.FILLED)),
        n_fail=Count("executions", filter=Q(executions__status__in=FAIL_STATUSES)),
        n_skipped=Count("executions", filter=Q(executions__status=ExecutionStatus.SKIPPED)),
        max_latency=Max("executions__latency_ms"),
    ).order_by("-received_at", "-id")


def recent_events(limit: int = 20) -> list[EventSummary]:
    """The newest ``limit`` leader events with their fan-out counts (one query)."""
    return [
        EventSummary(
            e,
            e.n_fanout,
            e.n_ok,
            e.n_fail,
            e.n_skipped,
            e.fanout_ms if e.fanout_ms is not None else e.max_latency,
        )
        for e in _events_annotated()[:limit]
    ]


@dataclass(frozen=True)
class EventLogEntry:
    summary: EventSummary
    executions: list[CopyExecution]  # at most ``per_event``: problems first, then the slowest

    @property
    def more(self) -> int:
        """Executions of this event not listed (the event's admin page lists them all)."""
        return max(0, self.summary.fanout - len(self.executions))


def event_log(limit: int = 50, per_event: int = 10) -> list[EventLogEntry]:
    """The back office's event log: leader order → fan-out summary → per-follower result. With
    hundreds of followers an event lists ``per_event`` rows — failures, unknowns and skips first,
    then the slowest fills — chosen in SQL (a window function), so the page stays small."""
    summaries = recent_events(limit)
    by_event: dict[int, list[CopyExecution]] = {s.event.pk: [] for s in summaries}
    problems_first = Case(When(status=ExecutionStatus.FILLED, then=Value(1)), default=Value(0))
    ranked = CopyExecution.objects.filter(event_id__in=by_event.keys()).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("event_id")],
            order_by=[problems_first.asc(), F("latency_ms").desc(nulls_last=True), F("id").asc()],
        )
    )
    rows = (
        ranked.filter(rank__lte=per_event).select_related("follower").order_by("event_id", "rank")
    )
    for row in rows:
        by_event[row.event_id].append(row)
    return [EventLogEntry(s, by_event[s.event.pk]) for s in summaries]


# --- latency ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LatencyStats:
    events: int
    p50_ms: int | None
    p95_ms: int | None


def percentile(values: Sequence[int], q: float) -> int | None:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def fanout_latency(limit: int = 100) -> LatencyStats:
    """p50 / p95 fan-out latency of the newest ``limit`` copied events that have one."""
    values = [s.latency_ms for s in recent_events(limit) if s.latency_ms is not None]
    return LatencyStats(len(values), percentile(values, 50), percentile(values, 95))
