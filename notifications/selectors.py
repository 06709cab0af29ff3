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
    """``(title, body)`` of a stored notification in ``lang``, rendered from its kind."""
    return kinds.render(kinds.get(row.kind), lang, row.context)
