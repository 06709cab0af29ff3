"""Notifications of event contracts: a trader's Binance binding about to expire (told to the
trader), and a placement failure rate above the threshold over the last 10 minutes (told to the
operators who create event orders). Both are found by the notifications watcher (beat)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from notifications.choices import Severity
from notifications.kinds import Kind, register
from notifications.recipients import Recipient
from notifications.selectors import keys_notified
from notifications.services import notify
from orders.choices import Outcome
from orders.models import BindingReport, ExecutionReport

ORDER_OPERATORS = "orders.add_eventorder"
FAILURE_WINDOW = timedelta(minutes=10)

BINDING_EXPIRING = register(
    Kind(
        code="orders.binding_expiring",
        severity=Severity.WARNING,
        title_zh="币安绑定即将到期",
        title_en="Binance binding expiring",
        body_zh="您的币安账号绑定将于 {expires_at}（UTC）到期，剩余约 {hours} 小时。到期后事件合约无法下单，请在客户端重新扫码绑定。",
        body_en="Your Binance binding expires at {expires_at} (UTC), in about {hours} h. After that event orders cannot be placed: scan the QR code again in the client.",
    )
)
FAILURE_RATE = register(
    Kind(
        code="orders.placement_failure_rate",
        severity=Severity.CRITICAL,
        title_zh="事件合约下单失败率 {rate}",
        title_en="Event-contract placement failure rate {rate}",
        body_zh="最近 10 分钟 {total} 次下单回报中 {failed} 次失败（{rate}，阈值 {threshold}）。最常见错误：{top_error}。",
        body_en="{failed} of the last 10 minutes' {total} placement reports failed ({rate}, threshold {threshold}). Most common error: {top_error}.",
    )
)


def binding_report(*, trader_id: int, bound: bool, expires_at: datetime | None) -> BindingReport:
    """Service: the client's report of its binding (on every bind, expiry and login)."""
    row, _ = BindingReport.objects.update_or_create(
        trader_id=trader_id,
        defaults={"bound": bound, "expires_at": expires_at, "reported_at": timezone.now()},
    )
    return row


def bindings_notify_expiring(
    *, now: datetime | None = None, within_hours: int | None = None
) -> int:
    """Watcher: bindings that expire within ``within_hours`` (knob ``notify_binding_hours``),
    once per expiry time, to the trader."""
    from kernel.runtime_config import config_get

    now = now or timezone.now()
    hours = within_hours if within_hours is not None else int(config_get("notify_binding_hours"))
    rows = BindingReport.objects.filter(
        bound=True,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(hours=hours),
        trader__is_disabled=False,
    )
    keyed = {f"binding:{r.trader_id}:{r.expires_at:%Y%m%d%H%M}": r for r in rows}
    done = keys_notified(kind=BINDING_EXPIRING.code, keys=list(keyed))
    created = 0
    for key, row in keyed.items():
        if key in done:
            continue
        assert row.expires_at is not None  # filtered on expires_at__gt
        created += bool(
            notify(
                kind=BINDING_EXPIRING.code,
                key=key,
                recipients=[Recipient.trader(row.trader_id)],
                context={
                    "expires_at": f"{row.expires_at:%Y-%m-%d %H:%M}",
                    "hours": int((row.expires_at - now).total_seconds() // 3600),
                },
            )
        )
    return created


def failure_rate_alert(failed: int, total: int, threshold: Decimal, min_reports: int) -> bool:
    """Pure: enough reports, and the failed share strictly above the threshold."""
    return total >= min_reports and total > 0 and Decimal(failed) / Decimal(total) > threshold


@dataclass(frozen=True)
class FailureWindow:
    failed: int
    total: int
    top_error: str


def failure_window(now: datetime) -> FailureWindow:
    """Placed + failed reports of the last 10 minutes (expired skips are nobody's failure)."""
    recent = ExecutionReport.objects.filter(
        reported_at__gt=now - FAILURE_WINDOW,
        outcome__in=[Outcome.PLACED, Outcome.FAILED],
    )
    counts = recent.aggregate(
        total=Count("pk"), failed=Count("pk", filter=Q(outcome=Outcome.FAILED))
    )
    top = (
        recent.filter(outcome=Outcome.FAILED)
        .values("error_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    top_error = (top["error_code"] if top else "") or "-"
    return FailureWindow(counts["failed"], counts["total"], top_error)


def placement_failures_check(*, now: datetime | None = None) -> bool:
    """Watcher: notify the operators when the last 10 minutes' failure rate is above the knob
    ``notify_fail_rate`` (at most once per 10-minute slot)."""
    from kernel.runtime_config import config_get

    now = now or timezone.now()
    window = failure_window(now)
    threshold = Decimal(config_get("notify_fail_rate"))
    if not failure_rate_alert(
        window.failed, window.total, threshold, int(config_get("notify_fail_min_reports"))
    ):
        return False
    slot = int(now.timestamp() // FAILURE_WINDOW.total_seconds())
    notify(
        kind=FAILURE_RATE.code,
        key=f"placement_failures:{slot}",
        recipients=[Recipient.permission(ORDER_OPERATORS)],
        context={
            "failed": window.failed,
            "total": window.total,
            "rate": f"{window.failed / window.total:.0%}",
            "threshold": f"{threshold:.0%}",
            "top_error": window.top_error,
        },
    )
    return True
