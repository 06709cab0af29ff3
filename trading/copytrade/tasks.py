"""Celery tasks of copy trading (thin: each calls one function of the fan-out / poller).

Late acknowledgement is global (``CELERY_TASK_ACKS_LATE``): a chunk whose worker dies is delivered
again, and ``run_chunk`` is idempotent against its execution rows (see ``fanout``).
"""

from __future__ import annotations

from celery import shared_task

from trading.copytrade import balance_poller, fanout


@shared_task(
    bind=True,
    name="copytrade.fanout_chunk",
    ignore_result=True,
    max_retries=60,
)
def fanout_chunk(self, event_id: int, follower_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Copy one leader event to one chunk of followers. Another live delivery of the same chunk
    holds its lease: come back in 2 s (it will find its rows finished and send nothing)."""
    try:
        fanout.run_chunk(event_id, follower_ids)
    except fanout.ChunkBusy as exc:
        raise self.retry(exc=exc, countdown=2) from exc


@shared_task(name="copytrade.poll_balances", ignore_result=True)
def poll_balances() -> int:
    """Beat (every 3 s): refresh the cached free balances unless the stream process just did."""
    return balance_poller.poll_balances_once()
