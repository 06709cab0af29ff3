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
from notifications.models import Notification
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
