"""Writes of channel delivery: notifications → deliveries (per subscribed channel, once per
(channel, kind, key)), sending one delivery with pacing, recording every attempt, retry
decisions, digests of held messages, and marking a channel that keeps failing broken.

The decisions themselves are pure (``pacing``); this module loads rows, asks, and acts. Sending
happens outside any transaction; the channel row lock only serialises the pacing decision.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications import pacing
from notifications.channels import Target, platform
from notifications.channels.transport import Reply, post
from notifications.choices import AttemptOutcome, DeliveryStatus, Severity
from notifications.messages import compose
from notifications.models import Channel, Delivery, DeliveryAttempt, Notification, Subscription

log = logging.getLogger("fleet.notifications.delivery")

BROKEN_AFTER = 3  # deliveries in a row that end failed
CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.READY, DeliveryStatus.RETRY)
STUCK_AFTER_S = 600  # SENDING this long: the worker died mid-send (timeouts are 10 s)
LOST_AFTER_S = 120  # a PENDING / RETRY row untouched this long lost its task: the sweep resends


def _ts(at: datetime) -> float:
    return at.timestamp()


def _at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


# --- notifications → deliveries ------------------------------------------------------------------
def deliveries_create(*, notification_ids: Iterable[int], now: datetime | None = None) -> list[int]:
    """One delivery per (subscribed channel, kind, key) of these notifications; returns the ids
    ready to be sent now (held ones wait for the flush)."""
    now = now or timezone.now()
    rows = list(Notification.objects.filter(pk__in=list(notification_ids)))
    subs = list(
        Subscription.objects.filter(
            recipient__in={n.recipient for n in rows}, is_active=True, channel__is_enabled=True
        ).select_related("channel")
    )
    ready: list[int] = []
    for note in rows:
        for sub in subs:
            if sub.recipient == note.recipient and _wants(sub, note):
                pk = _delivery_once(sub, note, now)
                if pk is not None:
                    ready.append(pk)
    return ready


def _wants(sub: Subscription, note: Notification) -> bool:
    return pacing.severity_at_least(note.severity, sub.min_severity) and pacing.kind_matches(
        note.kind, sub.kind_patterns
    )


def _delivery_once(sub: Subscription, note: Notification, now: datetime) -> int | None:
    """Create the channel's delivery of this occurrence (a second subscriber of a shared channel
    finds it made); ``None`` unless it is PENDING — held in quiet hours, skipped when broken."""
    status, not_before, reason, error = DeliveryStatus.PENDING, None, "", ""
    if sub.channel.is_broken:
        status, error = DeliveryStatus.SKIPPED, "channel broken"
    elif note.severity != Severity.CRITICAL:
        local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
        until = pacing.quiet_until(local, sub.quiet_start, sub.quiet_end)
        if until is not None:
            status, not_before, reason = DeliveryStatus.HELD, until, "quiet"
    try:
        with transaction.atomic():
            row = Delivery.objects.create(
                channel=sub.channel,
                notification=note,
                kind=note.kind,
                key=note.key,
                severity=note.severity,
                status=status,
                not_before=not_before,
                hold_reason=reason,
                error=error,
                created_at=now,
            )
    except IntegrityError:
        return None
    return row.pk if status == DeliveryStatus.PENDING else None


# --- sending one ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendResult:
    """What happened to a delivery: its status now and, for RETRY, seconds until the next try."""

    status: str
    retry_in: float | None = None
    reply: Reply | None = None


def delivery_send(*, delivery_id: int, now: float | None = None) -> SendResult:
    """Claim the delivery, pace it (PENDING only), send it once, record the attempt. Safe to run
    twice: only one run claims it."""
    now = now if now is not None else time.time()
    claimed = _claim(delivery_id, now)
    if isinstance(claimed, SendResult):
        return claimed
    delivery, channel = claimed
    items = list(delivery.items.select_related("notification")) if delivery.item_count > 1 else []
    message = compose(channel, delivery, items)
    target = Target(channel.kind, channel.url, channel.secret, channel.chat_id)
    plat = platform(channel.kind)
    reply = post(plat, plat.build(target, message, now))
    return _record(delivery, channel, reply)


def _claim(delivery_id: int, now: float) -> tuple[Delivery, Channel] | SendResult:
    with transaction.atomic():
        delivery = Delivery.objects.select_related("notification").filter(pk=delivery_id).first()
        if delivery is None:
            return SendResult("missing")
        channel = Channel.objects.select_for_update().get(pk=delivery.channel_id)
        delivery.refresh_from_db(fields=["status", "attempts", "item_count"])
        if delivery.status not in CLAIMABLE:
            return SendResult(delivery.status)
        if not channel.is_enabled or channel.is_broken:
            _finish(delivery, DeliveryStatus.SKIPPED, "channel disabled or broken")
            return SendResult(DeliveryStatus.SKIPPED)
        if delivery.status == DeliveryStatus.PENDING:
            decision = pacing.decide(
                now, _recent(channel, now), delivery.kind, platform(channel.kind).limits
            )
            if not decision.send:
                delivery.status = DeliveryStatus.HELD
                delivery.not_before = _at(decision.hold_until or now)
                delivery.hold_reason = decision.reason
                delivery.save(update_fields=["status", "not_before", "hold_reason"])
                return SendResult(DeliveryStatus.HELD)
        delivery.status = DeliveryStatus.SENDING
        delivery.sent_at = _at(now)  # reserves the slot for the pacing of the next ones
        delivery.attempts += 1
        delivery.save(update_fields=["status", "sent_at", "attempts"])
    return delivery, channel


def _recent(channel: Channel, now: float) -> list[tuple[float, str]]:
    window = max((lim.window_s for lim in platform(channel.kind).limits), default=60.0)
    since = _at(now - max(window, pacing.BURST_WINDOW_S))
    rows = Delivery.objects.filter(channel=channel, sent_at__gte=since).values_list(
        "sent_at", "kind"
    )
    return [(_ts(at), kind) for at, kind in rows if at is not None]  # never None: sent_at__gte


def _record(delivery: Delivery, channel: Channel, reply: Reply) -> SendResult:
    """Write the attempt and what follows from it: SENT, RETRY (with its wait) or FAILED."""
    verdict = reply.verdict
    retry_in = None
    if verdict.outcome == AttemptOutcome.RETRYABLE:
        retry_in = pacing.retry_plan(delivery.attempts, verdict.retry_after)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        outcome=verdict.outcome,
        http_status=reply.status,
        code=verdict.code[:32],
        error=scrub(verdict.error, channel)[:2000],
        reply=scrub(reply.body[:1000].decode(errors="replace"), channel),
        duration_ms=reply.duration_ms,
        retry_in_s=retry_in,
    )
    if verdict.ok:
        _finish(delivery, DeliveryStatus.SENT, "")
        _channel_ok(channel)
        return SendResult(DeliveryStatus.SENT, reply=reply)
    error = f"[{verdict.code}] {scrub(verdict.error, channel)}"[:2000]
    if retry_in is not None:
        delivery.status, delivery.error = DeliveryStatus.RETRY, error
        delivery.not_before = timezone.now() + timedelta(seconds=retry_in)
        delivery.save(update_fields=["status", "error", "not_before"])
        return SendResult(DeliveryStatus.RETRY, retry_in, reply)
    _finish(delivery, DeliveryStatus.FAILED, error)
    _channel_failed(channel, error)
    return SendResult(DeliveryStatus.FAILED, reply=reply)


def _finish(delivery: Delivery, status: str, error: str) -> None:
    delivery.status, delivery.error = status, error
    delivery.save(update_fields=["status", "error"])


def scrub(text: str, channel: Channel) -> str:
    """Never store or show a channel's URL token or secret inside an error text or a reply."""
    for secret in (channel.secret, channel.url):
        if secret:
            text = text.replace(secret, "••••")
    return text


# --- channel health ------------------------------------------------------------------------------
def _channel_ok(channel: Channel) -> None:
    Channel.objects.filter(pk=channel.pk).update(
        failures=0, broken_at=None, last_ok_at=timezone.now()
    )


def _channel_failed(channel: Channel, error: str) -> None:
    """Count a failed delivery; the BROKEN_AFTER-th in a row marks the channel broken and tells
    its owner in-app (the broken channel itself is skipped from then on)."""
    from notifications import notices
    from notifications.recipients import owner_recipient
    from notifications.services import notify

    with transaction.atomic():
        row = Channel.objects.select_for_update().get(pk=channel.pk)
        row.failures += 1
        row.last_error = error
        fields = ["failures", "last_error"]
        newly_broken = row.failures >= BROKEN_AFTER and row.broken_at is None
        if newly_broken:
            row.broken_at = timezone.now()
            fields.append("broken_at")
        row.save(update_fields=fields)
        if newly_broken:
            assert row.broken_at is not None  # set above
            notify(
                kind=notices.CHANNEL_BROKEN.code,
                key=f"channel:{row.pk}:broken:{int(row.broken_at.timestamp())}",
                recipients=[owner_recipient(row.owner)],
                context={"channel": row.name, "failures": row.failures, "error": error[:300]},
            )


# --- held messages, digests, lost tasks ----------------------------------------------------------
def deliveries_flush(*, now: float | None = None) -> list[int]:
    """Beat: for every channel with due HELD deliveries, release what its free slots allow — one
    message per kind, or everything in one digest — and return the ids to send now, plus PENDING /
    RETRY rows whose task was lost."""
    now = now if now is not None else time.time()
    due = Delivery.objects.filter(status=DeliveryStatus.HELD, not_before__lte=_at(now))
    ready: list[int] = []
    for channel_id in set(due.values_list("channel_id", flat=True)):
        ready.extend(_release(channel_id, now))
    stale = _at(now - LOST_AFTER_S)
    # a worker that died between claiming and recording: send again (a duplicate chat message
    # is better than a lost alert)
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, sent_at__lte=_at(now - STUCK_AFTER_S)
    ).update(status=DeliveryStatus.RETRY, not_before=None)
    lost = Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, created_at__lte=stale)
        | Q(status__in=[DeliveryStatus.RETRY, DeliveryStatus.READY])
        & (Q(not_before__isnull=True, created_at__lte=stale) | Q(not_before__lte=stale))
    )
    ready.extend(lost.values_list("pk", flat=True))
    return sorted(set(ready))


def _release(channel_id: int, now: float) -> list[int]:
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel_id)
        held = list(
            Delivery.objects.filter(
                channel=channel, status=DeliveryStatus.HELD, not_before__lte=_at(now)
            ).order_by("created_at", "pk")
        )
        if channel.is_broken or not channel.is_enabled:
            for d in held:
                _finish(d, DeliveryStatus.SKIPPED, "channel disabled or broken")
            return []
        recent = [at for at, _ in _recent(channel, now)]
        slots = pacing.free_slots(now, recent, platform(channel.kind).limits)
        groups = pacing.digest_groups([(d.pk, d.kind) for d in held], slots)
        for group in groups:
            carrier, *rest = group
            Delivery.objects.filter(pk__in=rest).update(
                status=DeliveryStatus.DIGESTED, digest_id=carrier
            )
            Delivery.objects.filter(pk=carrier).update(
                status=DeliveryStatus.READY, item_count=len(group), not_before=None
            )
        if not groups and held:  # no slot free: try again when one frees up
            wait = max(
                pacing.next_free_slot(now, recent, lim) for lim in platform(channel.kind).limits
            )
            Delivery.objects.filter(pk__in=[d.pk for d in held]).update(not_before=_at(wait))
    return [group[0] for group in groups]


# --- test message --------------------------------------------------------------------------------
def channel_test_send(*, channel: Channel, now: float | None = None) -> SendResult:
    """Send the test message now (one attempt, no pacing, recorded in the delivery log like any
    other). A success clears a broken mark: the test is how an owner restores a channel."""
    from notifications import notices
    from notifications.models import Notification

    now = now if now is not None else time.time()
    at = _at(now)
    note = Notification.objects.create(
        kind=notices.TEST_MESSAGE.code,
        key=f"test:{channel.pk}:{int(now * 1000)}",
        recipient=channel.owner,
        severity=notices.TEST_MESSAGE.severity,
        context={"channel": channel.name, "at": at.isoformat(timespec="seconds")},
        read_at=at,  # a test is not news for the in-app list
        **_owner_fk(channel.owner),
    )
    delivery = Delivery.objects.create(
        channel=channel,
        notification=note,
        kind=note.kind,
        key=note.key,
        severity=note.severity,
        status=DeliveryStatus.SENDING,
        attempts=1,
        sent_at=at,
    )
    message = compose(channel, delivery, [])
    target = Target(channel.kind, channel.url, channel.secret, channel.chat_id)
    plat = platform(channel.kind)
    reply = post(plat, plat.build(target, message, now))
    if not reply.verdict.ok:  # a failed test never retries and never counts towards "broken"
        DeliveryAttempt.objects.create(
            delivery=delivery,
            outcome=reply.verdict.outcome,
            http_status=reply.status,
            code=reply.verdict.code[:32],
            error=scrub(reply.verdict.error, channel)[:2000],
            reply=scrub(reply.body[:1000].decode(errors="replace"), channel),
            duration_ms=reply.duration_ms,
        )
        _finish(delivery, DeliveryStatus.FAILED, scrub(reply.verdict.error, channel)[:2000])
        return SendResult(DeliveryStatus.FAILED, reply=reply)
    return _record(delivery, channel, reply)


def _owner_fk(ref: str) -> dict[str, int]:
    who, _, pk = ref.partition(":")
    return {"trader_id": int(pk)} if who == "t" else {"user_id": int(pk)}
