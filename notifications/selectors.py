"""Reads of the notifications app."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications import kinds
from notifications.models import Notification


def trader_ref(trader_id: int) -> str:
    return f"t:{int(trader_id)}"


def user_ref(user_id: int) -> str:
    return f"u:{int(user_id)}"


def notifications_for(*, recipient: str, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=recipient)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(*, recipient: str) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def notification_text(row: Notification, lang: str) -> tuple[str, str]:
    """``(title, body)`` of a stored notification in ``lang``, rendered from its kind (a kind no
    longer registered shows its code rather than failing the whole list)."""
    try:
        kind = kinds.get(row.kind)
    except KeyError:
        return row.kind, ""
    return kinds.render(kind, lang, row.context)


def notification_item(row: Notification, lang: str) -> dict[str, object]:
    """One notification as the client lists it, rendered in ``lang``."""
    title, body = notification_text(row, lang)
    return {
        "id": row.pk,
        "kind": row.kind,
        "severity": row.severity,
        "title": title,
        "body": body,
        "created_at": row.created_at,
        "read_at": row.read_at,
    }


def keys_notified(*, kind: str, keys: list[str]) -> set[str]:
    """Which of ``keys`` already produced a notification of ``kind`` (watchers skip them instead
    of replaying ``notify`` every round)."""
    if not keys:
        return set()
    rows = Notification.objects.filter(kind=kind, key__in=keys).values_list("key", flat=True)
    return set(rows.distinct())
