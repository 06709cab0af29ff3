"""Reads of the Alpha bot: what the stream process must listen to, progress for screens."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from trading.alpha import machine as m
from trading.alpha.choices import LegRole
from trading.alpha.models import AlphaBot, AlphaLeg

ACTIVE = [p.value for p in (m.RUNNING | {m.Phase.PAUSED})]


def streams_wanted() -> tuple[dict[tuple[str, str], Decimal], list[int]]:
    """For every non-resting bot: its token (env, order symbol) → the lowest swing threshold of
    the bots on it, and its credential id."""
    rows = AlphaBot.objects.filter(phase__in=ACTIVE).values_list(
        "token__env", "token__order_symbol", "credential_id", "swing_pct"
    )
    tokens: dict[tuple[str, str], Decimal] = {}
    for env, symbol, _, swing in rows:
        tokens[(env, symbol)] = min(swing, tokens.get((env, symbol), swing))
    return tokens, sorted({cid for _, _, cid, _ in rows})


def acked_working_legs(credential_ids: list[int], silent: timedelta) -> list[tuple[int, str]]:
    """Working legs acknowledged between 2 min and ``silent`` ago on these credentials, of bots
    still waiting on them (their frames should have come by now)."""
    now = timezone.now()
    rows = AlphaLeg.objects.filter(
        role=LegRole.WORKING,
        cycle__bot__credential_id__in=credential_ids,
        cycle__bot__phase=m.Phase.WORKING.value,
        cycle__acked_at__lte=now - silent,
        cycle__acked_at__gte=now - timedelta(minutes=2),
    ).values_list("cycle__bot__credential_id", "order_id")
    return list(rows)
