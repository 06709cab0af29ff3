"""After every cycle: close it (totals, cost, wear), read today's counted volume from the venue,
record whether the venue's figure includes the multiplier, and decide whether the target is
reached — the venue's figure is the truth for today's targets (docs/alpha.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from trading.alpha.choices import TargetKind
from trading.alpha.core import machine as m
from trading.alpha.core import risk, volume
from trading.alpha.core.reasons import PauseReason
from trading.alpha.models import AlphaBot, AlphaCycle
from trading.alpha.services import ledger, venue
from trading.alpha.services.events import apply_event, bot_locked, dispatch, notify_target_reached
from trading.exchanges import errors
from trading.exchanges.binance_alpha.models import UserVolume

log = logging.getLogger("fleet.alpha")
ZERO = Decimal(0)


def _today_start() -> datetime:
    now = timezone.now().astimezone(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def venue_token_volume(figure: UserVolume, symbol: str) -> Decimal:
    """Today's volume of the token (``tokenName`` is the token symbol), else the total."""
    for row in figure.tokens:
        if row.token_name == symbol:
            return row.volume
    return ZERO if figure.tokens else figure.total


def own_today(bot: AlphaBot) -> Decimal:
    """Our counted volume today (UTC) from the bot's cycles."""
    rows = bot.cycles.filter(opened_at__gte=_today_start())
    return sum((c.counted for c in rows), ZERO)


def today_counted(bot: AlphaBot) -> Decimal:
    """Today's counted volume as the target sees it: the venue's figure when we have one for
    today (times the multiplier when the venue was measured to leave it out) plus our cycles the
    venue had not yet reported when it was read; else ours."""
    checked = bot.venue_checked_at
    if checked is None or checked < _today_start():
        return own_today(bot)
    figure = bot.venue_today
    if bot.venue_reading == volume.MultiplierReading.EXCLUDED:
        figure = figure * bot.token.mul_point
    unreported = bot.cycles.filter(opened_at__gte=_today_start(), venue_after__isnull=True)
    return figure + sum((c.counted for c in unreported), ZERO)


def target_reached(bot: AlphaBot) -> bool:
    goal = volume.target_volume(volume.TargetKind(bot.target_kind), bot.target_value)
    done = bot.counted_total if bot.target_kind == TargetKind.TOTAL else today_counted(bot)
    return done >= goal


@dataclass(frozen=True)
class VenueRefresh:
    """Read today's volume from the venue for cycle ``cycle`` (off the critical path)."""

    cycle: int


def check(bot_id: int, number: int) -> None:
    """Close the cycle and decide: the next pair right away when our estimate says the target
    is not reached (the venue's figure is read in the background, :class:`VenueRefresh`); when
    the estimate says it is, the venue's figure is read first and decides."""
    if not _close_and_estimate(bot_id, number):
        return
    figure: UserVolume | None = None
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    try:
        figure = venue.call(bot.credential, lambda c: c.today_volume())
    except errors.AuthError as exc:
        _pause(bot_id, number, PauseReason.AUTH_EXPIRED, str(exc))
        return
    except errors.ExchangeError as exc:  # the venue's figure is missing this time: use ours
        log.warning("alpha bot %s: today's volume unavailable (%s)", bot_id, exc)
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if bot.phase != m.Phase.COMPLETED or bot.cycle_no != number:
            return
        cycle = bot.cycles.filter(number=number).first()
        if cycle is not None and figure is not None:
            _record_figure(bot, cycle, figure)
        _decide(bot)


def _close_and_estimate(bot_id: int, number: int) -> bool:
    """Under the lock: close the cycle; go on at once unless the target looks reached (then
    True: the caller confirms with the venue's figure)."""
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if bot.phase != m.Phase.COMPLETED or bot.cycle_no != number:
            return False
        cycle = bot.cycles.filter(number=number).first()
        if cycle is not None:
            ledger.cycle_totals(cycle)
            cycle.closed_at = cycle.closed_at or timezone.now()
            cycle.save(update_fields=["closed_at"])
        ledger.bot_totals(bot)
        if target_reached(bot) or risk.wear_cap_reached(bot.cost_total, bot.wear_cap):
            return True
        apply_event(bot=bot, event=m.Progress(False))
        return False  # the venue's figure for this cycle is read once the next pair is acked


def refresh_after_ack(bot: AlphaBot, acked_cycle: int) -> None:
    """After pair ``acked_cycle`` is acknowledged, read the venue's figure for the cycle before
    it (in the background: never in front of a placement, which would wait on the rate limit)."""
    prev = bot.cycles.filter(number=acked_cycle - 1, venue_after__isnull=True,
                             buy_quote__gt=0).exists()  # fmt: skip
    if prev:
        job = VenueRefresh(acked_cycle - 1)
        transaction.on_commit(lambda: dispatch(bot.pk, job))  # type: ignore[arg-type]


def _decide(bot: AlphaBot) -> None:
    if risk.wear_cap_reached(bot.cost_total, bot.wear_cap):
        detail = f"{bot.cost_total:.4f} ≥ {bot.wear_cap} USDT"
        apply_event(bot=bot, event=m.Pause(PauseReason.WEAR_CAP), detail=detail)
        return
    reached = target_reached(bot)
    apply_event(bot=bot, event=m.Progress(reached))
    if reached:
        notify_target_reached(bot, cycles=bot.cycles.count())


def venue_refresh(bot_id: int, job: VenueRefresh) -> None:
    """Today's volume from the venue, compared with ours for cycle ``job.cycle``."""
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    try:
        figure = venue.call(bot.credential, lambda c: c.today_volume())
    except errors.ExchangeError as exc:  # the next cycle tries again
        log.warning("alpha bot %s: today's volume unavailable (%s)", bot_id, exc)
        return
    with transaction.atomic():
        bot = bot_locked(bot_id)
        cycle = bot.cycles.filter(number=job.cycle).first()
        if cycle is not None:
            _record_figure(bot, cycle, figure)


def _record_figure(bot: AlphaBot, cycle: AlphaCycle, figure: UserVolume) -> None:
    """The venue's figure after ``cycle``: its delta against our buy notional says whether the
    venue counts the multiplier; it becomes the bot's figure for today."""
    now_figure = venue_token_volume(figure, bot.token.symbol)
    same_day = bot.venue_checked_at is not None and bot.venue_checked_at >= _today_start()
    before = bot.venue_today if same_day else ZERO
    cycle.venue_before, cycle.venue_after = before, now_figure
    cycle.save(update_fields=["venue_before", "venue_after"])
    reading = volume.venue_reading(now_figure - before, cycle.buy_quote, cycle.multiplier)
    if reading is not volume.MultiplierReading.UNKNOWN:
        bot.venue_reading = reading.value
    bot.venue_today, bot.venue_checked_at = now_figure, timezone.now()
    bot.save(update_fields=["venue_today", "venue_checked_at", "venue_reading"])


def _pause(bot_id: int, number: int, reason: PauseReason, detail: str) -> None:
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if bot.cycle_no == number:
            apply_event(bot=bot, event=m.Pause(reason), detail=detail)
