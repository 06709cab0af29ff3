"""Celery tasks of the orders app (thin: each calls one service)."""

from celery import shared_task

from orders.services import claims_persist, orders_sweep_expired


@shared_task(name="orders.persist_claims", ignore_result=True)
def persist_claims() -> int:
    """Scheduled by the pull path (debounced) right after new deliveries."""
    return claims_persist()


@shared_task(name="orders.sweep_expired_orders", ignore_result=True)
def sweep_expired_orders() -> int:
    return orders_sweep_expired()
