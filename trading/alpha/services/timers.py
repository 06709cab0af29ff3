"""Timers (beat): legs live longer than the bot's timeout get :class:`Timeout`; sessions past
their expiry pause their bots. Stale-stream checks live in the stream process, which sees the
frames."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from trading.alpha.core import machine as m
from trading.alpha.models import AlphaBot
from trading.alpha.services.credentials import credentials_expire_due
from trading.alpha.services.events import bot_event


def timeouts_fire(now: datetime | None = None) -> int:
    """Feed :class:`Timeout` to every bot whose current leg outlived its timeout."""
    now = now or timezone.now()
    fired = 0
    rows = AlphaBot.objects.filter(phase__in=[p.value for p in m.TIMED])
    for bot_id, since, timeout_s in rows.values_list("pk", "phase_since", "timeout_s"):
        if since + timedelta(seconds=timeout_s) <= now:
            bot_event(bot_id=bot_id, event=m.Timeout())
            fired += 1
    return fired


def tick() -> dict[str, int]:
    return {"timeouts": timeouts_fire(), "expired_sessions": credentials_expire_due()}
