"""Reads of the Alpha bot: what the stream process must listen to, progress for screens."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from trading.alpha.choices import LegRole
from trading.alpha.core import machine as m
from trading.alpha.models import AlphaBot, AlphaLeg

ACTIVE = [p.value for p in (m.RUNNING | {m.Phase.PAUSED})]


STREAM_GRACE = timedelta(seconds=60)  # late frames of a bot that just stopped still arrive


def streams_wanted() -> tuple[dict[tuple[str, str], Decimal], list[int]]:
    """For every non-resting bot (and one that rested less than a minute ago, whose last
    frames may still come): its token (env, order symbol) → the lowest swing threshold of the
    bots on it, and its credential id."""
    recent = timezone.now() - STREAM_GRACE
    wanted = AlphaBot.objects.filter(Q(phase__in=ACTIVE) | Q(phase_since__gte=recent))
    rows = wanted.values_list("token__env", "token__order_symbol", "credential_id", "swing_pct")
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


def plain(value: Decimal) -> str:
    """A Decimal as plain digits without trailing zeros (``25.000000000000`` → ``25``)."""
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"


def _today_start():  # type: ignore[no-untyped-def]
    from trading.alpha.services.progress import _today_start as start

    return start()


def bot_progress(bot: AlphaBot) -> dict:
    """What the progress bar and today's statistics show (numbers as strings, Decimal-exact)."""
    from trading.alpha.core import volume
    from trading.alpha.services import progress

    goal = volume.target_volume(volume.TargetKind(bot.target_kind), bot.target_value)
    if bot.target_kind == "total":
        done = bot.counted_total
    else:
        done = progress.today_counted(bot)
    today = bot.cycles.filter(opened_at__gte=_today_start())
    cost_today = sum((c.cost for c in today), Decimal(0))
    ours_today = progress.own_today(bot)
    per_cycle = bot.order_usdt
    left = volume.loops_left(volume.remaining(goal, done), bot.token.mul_point, per_cycle)
    pct = min(Decimal(100), done / goal * 100) if goal > 0 else Decimal(0)
    per_point = volume.cost_per_point(cost_today, done)
    return {
        "target_volume": plain(goal),
        "done_volume": str(done.quantize(Decimal("0.01"))),
        "percent": float(pct.quantize(Decimal("0.1"))),
        "loops_left": left,
        "points_today": volume.points(done),
        "venue_today": plain(bot.venue_today),
        "ours_today": str(ours_today.quantize(Decimal("0.0001"))),
        "venue_reading": bot.venue_reading,
        "cycles_today": today.count(),
        "cost_today": str(cost_today.quantize(Decimal("0.0001"))),
        "wear_bps_today": str(volume.wear_bps(cost_today, ours_today).quantize(Decimal("0.01"))),
        "cost_per_point": str(per_point.quantize(Decimal("0.0001"))) if per_point else None,
    }


CONFIG_KEYS = ("target_kind", "target_value", "offset_mode", "buy_offset", "sell_offset",
               "order_usdt", "timeout_s", "swing_pct", "wear_cap")  # fmt: skip


def _text(value: object) -> str | None:
    if value is None:
        return None
    return plain(value) if isinstance(value, Decimal) else str(value)


def bot_json(bot: AlphaBot, lang: str = "zh") -> dict:
    from trading.alpha.core.reasons import label

    return {
        "id": bot.pk,
        "token": bot.token.symbol,
        "alpha_id": bot.token.alpha_id,
        "env": bot.token.env,
        "mul_point": str(bot.token.mul_point),
        "config": {k: _text(getattr(bot, k)) for k in CONFIG_KEYS},
        "phase": bot.phase,
        "pause_reason": bot.pause_reason or None,
        "pause_text": label(bot.pause_reason, lang) if bot.pause_reason else "",
        "pause_detail": bot.pause_detail,
        "cycle": bot.cycle_no,
        "counted_total": plain(bot.counted_total),
        "cost_total": str(bot.cost_total.quantize(Decimal("0.0001"))),
        "progress": bot_progress(bot),
    }


def cycle_rows(bot: AlphaBot, limit: int = 50) -> list[dict]:
    rows = bot.cycles.order_by("-number")[:limit]
    return [
        {
            "number": c.number, "kind": c.kind,
            "opened_at": c.opened_at.isoformat(),
            "closed_at": c.closed_at.isoformat() if c.closed_at else None,
            "buy_price": str(c.buy_price), "sell_price": str(c.sell_price),
            "quantity": str(c.quantity), "buy_quote": str(c.buy_quote),
            "sell_quote": str(c.sell_quote), "counted": str(c.counted),
            "cost": str(c.cost), "wear_bps": str(c.wear_bps.quantize(Decimal("0.01"))),
            "note": c.note,
        }
        for c in rows
    ]  # fmt: skip


def usdt_held(bot: AlphaBot) -> Decimal:
    """USDT our open BUY legs hold at the venue (price × unfilled quantity)."""
    legs = AlphaLeg.objects.filter(cycle__bot=bot, side="BUY",
                                   status__in=["NEW", "PARTIALLY_FILLED"])  # fmt: skip
    return sum(((leg.orig_qty - leg.executed_qty) * leg.price for leg in legs), Decimal(0))
