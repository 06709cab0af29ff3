"""Writes of the notifications app. ``notify`` is what every product calls, inside its own
transaction: the in-app rows are written with the caller's changes (and roll back with them);
channel deliveries start only after the commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import kinds
from notifications.models import Channel, Notification, Subscription
from notifications.recipients import Recipient, resolve

log = logging.getLogger("fleet.notifications")

# Called after commit with the ids of the notifications just created (channel delivery hooks in
# here: see notifications/dispatch.py). A list, so tests and other channels can add theirs.
AFTER_COMMIT: list[Callable[[list[int]], None]] = []


def _json_safe(context: dict[str, Any]) -> dict[str, Any]:
    """Context values as JSON-storable plain values (Decimal and datetimes become strings)."""
    return {
        str(k): v if isinstance(v, int | float | str | bool | None) else str(v)
        for k, v in context.items()
    }


def _create_once(*, kind: kinds.Kind, key: str, ref: str, context: dict[str, Any]) -> int | None:
    """Insert one row; ``None`` when (kind, key, recipient) already exists (a replay)."""
    who, pk = ref.split(":", 1)
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                kind=kind.code,
                key=key,
                recipient=ref,
                trader_id=int(pk) if who == "t" else None,
                user_id=int(pk) if who == "u" else None,
                severity=kind.severity,
                context=context,
            )
    except IntegrityError:
        return None
    return row.pk


def notify(
    *, kind: str, key: str, recipients: Iterable[Recipient], context: dict[str, Any]
) -> list[int]:
    """Notify ``recipients`` of ``kind`` once per (kind, key, recipient); returns the ids created
    (empty on a replay). ``key`` names the occurrence, e.g. ``f"follower:{id}:disabled:{at}"``."""
    spec = kinds.get(kind)
    if len(key) > 191:
        raise ValueError("notification key longer than 191 characters")
    stored = _json_safe(context)
    created = [
        pk
        for ref in resolve(recipients)
        if (pk := _create_once(kind=spec, key=key, ref=ref, context=stored)) is not None
    ]
    if created:
        log.info("notify %s key=%s → %d recipient(s)", kind, key, len(created))
        transaction.on_commit(lambda: _after_commit(created))
    return created


def _after_commit(ids: list[int]) -> None:
    for hook in AFTER_COMMIT:
        try:
            hook(ids)
        except Exception:  # a channel's trouble never undoes or hides the in-app notification
            log.exception("notification hook %s failed for %s", hook, ids)


def notifications_mark_read(*, recipient: str, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's notifications read (all unread when ``ids`` is None); returns count."""
    rows = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- channels and subscriptions ------------------------------------------------------------------
def channel_create(
    *,
    owner: str,
    kind: str,
    name: str,
    url: str = "",
    secret: str = "",
    chat_id: str = "",
    language: str = "zh",
    subscribe: bool = True,
) -> Channel:
    """A new channel of ``owner`` ("t:<id>" / "u:<id>"), subscribed by its owner (every kind from
    WARNING up) unless ``subscribe`` is False."""
    with transaction.atomic():
        channel = Channel.objects.create(
            owner=owner,
            kind=kind,
            name=name,
            url=url,
            secret=secret,
            chat_id=chat_id,
            language=language,
        )
        if subscribe:
            Subscription.objects.create(recipient=owner, channel=channel)
    return channel


def channel_update(*, channel: Channel, **fields: Any) -> Channel:
    """Change a channel; new settings clear a broken mark (the owner fixed something)."""
    for name, value in fields.items():
        setattr(channel, name, value)
    channel.broken_at, channel.failures = None, 0
    channel.save()
    return channel


def subscription_save(
    *,
    recipient: str,
    channel: Channel,
    kinds: str = "",
    min_severity: str = "warning",
    quiet_start: Any = None,
    quiet_end: Any = None,
    is_active: bool = True,
) -> Subscription:
    """Create or change ``recipient``'s subscription to ``channel``."""
    row, _ = Subscription.objects.update_or_create(
        recipient=recipient,
        channel=channel,
        defaults={
            "kinds": kinds,
            "min_severity": min_severity,
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "is_active": is_active,
        },
    )
    return row
