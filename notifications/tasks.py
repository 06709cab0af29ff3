"""Celery tasks of notifications (thin: each calls one service and owns its retry policy)."""

from __future__ import annotations

import logging

from celery import shared_task

from notifications import delivery, watch
from notifications.choices import DeliveryStatus

log = logging.getLogger("fleet.notifications.delivery")
# Redis redelivers a task whose ETA is further away than the broker's visibility timeout (600 s):
# longer waits are left to the flush, which sends RETRY rows once their time has come.
MAX_COUNTDOWN_S = 300.0


@shared_task(bind=True, name="notifications.deliver", ignore_result=True, max_retries=None)
def deliver(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send one delivery; a retryable failure comes back after the backoff ``pacing`` chose
    (the attempt count lives on the row, so the task's own retry counter does not matter).
    Run eagerly (tests, no broker) the wait is recorded on the attempt but not slept."""
    while True:
        result = delivery.delivery_send(delivery_id=delivery_id)
        if result.status != DeliveryStatus.RETRY or result.retry_in is None:
            return result.status
        if result.retry_in > MAX_COUNTDOWN_S:
            return result.status  # a long wait (Telegram flood control): the flush sends it
        if not self.request.is_eager:
            raise self.retry(countdown=result.retry_in)


@shared_task(name="notifications.flush", ignore_result=True)
def flush() -> int:
    """Beat (every 10 s): send held messages whose time came (digests) and lost tasks' rows."""
    ready = delivery.deliveries_flush()
    enqueue(ready)
    return len(ready)


@shared_task(name="notifications.watch", ignore_result=True)
def watch_conditions() -> int:
    """Beat (every 30 s): the conditions that are notified by watching rather than by an event
    (leader stream down, accounts and bindings expiring, placement failure rate)."""
    return watch.watch_all()


def enqueue(ids: list[int]) -> None:
    """One task per delivery. A broker that refuses leaves the row for the flush sweep."""
    for pk in ids:
        try:
            deliver.delay(pk)
        except Exception:
            log.exception("could not enqueue delivery %s; the flush will pick it up", pk)
