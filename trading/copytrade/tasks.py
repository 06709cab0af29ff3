"""Celery tasks of copy trading (thin: each calls one function of the fan-out / poller).

Late acknowledgement is global (``CELERY_TASK_ACKS_LATE``): a chunk whose worker dies is delivered
again, and ``run_chunk`` is idempotent against its execution rows (see ``fanout``).
"""

from __future__ import annotations

import logging
import threading

from celery import shared_task
from celery.signals import worker_process_init, worker_ready

from trading.copytrade.services import fanout
from trading.copytrade.streams import balance_poller

log = logging.getLogger("fleet.copytrade.fanout")


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


@shared_task(name="copytrade.verify_follower", ignore_result=True)
def verify_follower(follower_id: int) -> None:
    """A newly added follower's keys against its venue (``services.follower_add``)."""
    from trading.copytrade.models import Follower
    from trading.copytrade.services import followers as services

    follower = Follower.objects.select_related("credential").filter(pk=follower_id).first()
    if follower is not None:
        result = services.follower_verify(follower=follower)
        log.info("new follower %s verified: ok=%s %s", follower_id, result.ok, result.error)


@shared_task(name="copytrade.poll_balances", ignore_result=True)
def poll_balances() -> int:
    """Beat (every 3 s): refresh the cached free balances unless the stream process just did."""
    return balance_poller.poll_balances_once()


def warm_in_background(**_: object) -> None:
    """A worker process starting (prefork child, or the main process of a threads/solo pool)
    builds its followers' venue clients, syncs their clocks and fetches the rules in a background
    thread, so the first leader event after a restart does not pay for 500 of them at once."""

    def warm() -> None:
        from django.db import close_old_connections

        try:
            log.info("fan-out warm-up: %d follower clients ready", fanout.fanout_warm())
        except Exception:  # a warm-up failure only costs the first event its speed
            log.exception("fan-out warm-up failed")
        finally:
            close_old_connections()

    threading.Thread(target=warm, name="copytrade-warmup", daemon=True).start()


def warm_unless_prefork(sender: object, **_: object) -> None:
    """``worker_ready`` (main process): warm here unless the pool forks children (they warm
    themselves on ``worker_process_init``)."""
    pool = getattr(getattr(sender, "controller", None), "pool_cls", None)
    if not getattr(pool, "__module__", "").endswith("prefork"):
        warm_in_background()


worker_process_init.connect(warm_in_background, weak=False)
worker_ready.connect(warm_unless_prefork, weak=False)
