"""The bridge from ``notify`` to the channels: ``services.AFTER_COMMIT`` calls ``on_notifications``
with the ids just committed; it writes the deliveries and enqueues one task each."""

from __future__ import annotations

from notifications import delivery


def on_notifications(ids: list[int]) -> None:
    from notifications.tasks import enqueue

    enqueue(delivery.deliveries_create(notification_ids=ids))
