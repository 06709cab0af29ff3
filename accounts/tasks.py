"""Periodic tasks of the accounts app (thin: call one service)."""

from celery import shared_task

from accounts.services import sessions_sweep_expired


@shared_task(name="accounts.sweep_expired_sessions", ignore_result=True)
def sweep_expired_sessions() -> int:
    return sessions_sweep_expired()
