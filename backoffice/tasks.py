"""Housekeeping tasks of the project itself."""

import time

from celery import shared_task

from kernel.redis import get_redis

BEAT_TICK_KEY = "fleet:beat:last_tick"


@shared_task(name="backoffice.beat_tick", ignore_result=True)
def beat_tick() -> None:
    """Written every 30 s by beat (through a worker): health reports how old the last tick is."""
    get_redis().set(BEAT_TICK_KEY, f"{time.time():.3f}")
