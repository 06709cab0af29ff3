"""Writes of the Alpha bot's machine: every event goes through :func:`bot_event`, which locks the
bot row, steps the pure machine, stores the new state and only then — after the commit — hands
the commands to Celery. A crash at any point leaves a state that names what was intended.

Pause notifications are written inside the same transaction (``notifications.notify``), so a
pause and its one notification commit together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from notifications.recipients import Recipient
from notifications.services import notify
from trading.alpha.core import machine as m
from trading.alpha.core.reasons import PauseReason, label
from trading.alpha.models import AlphaBot
from trading.alpha.services import state as bot_state

log = logging.getLogger("fleet.alpha")
VIEW_PERMISSION = "alpha.view_alphabot"
_CENT = Decimal("0.0001")

# How commands leave the process. Default: Celery tasks after commit (trading.alpha.tasks);
# the benchmark swaps in its own executor. Tests use Celery's eager mode.
Dispatcher = Callable[[int, m.Command], None]
_dispatcher: list[Dispatcher] = []


def set_dispatcher(fn: Dispatcher | None) -> None:
    """Replace how commands are run (``None``: back to Celery)."""
    _dispatcher[:] = [fn] if fn else []


def _celery_dispatch(bot_id: int, command: m.Command) -> None:
    from trading.alpha import tasks

    tasks.run_command_later(bot_id, command)


def dispatch(bot_id: int, command: m.Command) -> None:
    (_dispatcher[0] if _dispatcher else _celery_dispatch)(bot_id, command)


def bot_locked(bot_id: int) -> AlphaBot:
    """The bot row, locked until the transaction ends (callers are inside ``atomic``)."""
    return AlphaBot.objects.select_for_update().select_related("trader", "token").get(pk=bot_id)


def bot_event(*, bot_id: int, event: m.Event, detail: str = "") -> m.BotState:
    """Feed ``event`` to the bot's machine; persist; run its commands after commit."""
    with transaction.atomic():
        bot = bot_locked(bot_id)
        return apply_event(bot=bot, event=event, detail=detail)


def apply_event(*, bot: AlphaBot, event: m.Event, detail: str = "") -> m.BotState:
    """:func:`bot_event` on a row the caller already holds locked (same transaction)."""
    before = bot_state.load(bot)
    after, commands = m.step(before, event)
    if after == before and not commands:
        return before
    changed = bot_state.store(bot, after)
    if detail and after.phase is m.Phase.PAUSED and before.phase is not m.Phase.PAUSED:
        bot.pause_detail = detail[:255]
        changed.append("pause_detail")
    bot.save(update_fields=[*changed, "updated_at"])
    log.info("alpha bot %s: %s + %s → %s %s", bot.pk, before.phase, type(event).__name__,
             after.phase, [type(c).__name__ for c in commands])  # fmt: skip
    for command in commands:
        if isinstance(command, m.NotifyPaused):
            _notify_paused(bot, command.reason, detail)
        else:
            transaction.on_commit(partial(dispatch, bot.pk, command))
    return after


def _context(bot: AlphaBot) -> dict[str, Any]:
    return {"trader": bot.trader.username, "token": bot.token.symbol, "cycle": bot.cycle_no}


def _notify_paused(bot: AlphaBot, reason: PauseReason, detail: str) -> None:
    """One notification per pause: keyed by bot, cycle and the moment the pause began."""
    key = f"alpha:{bot.pk}:pause:{bot.cycle_no}:{bot.phase_since.timestamp():.3f}"
    recipients = [Recipient.trader(bot.trader_id), Recipient.permission(VIEW_PERMISSION)]
    if reason is PauseReason.AUTH_EXPIRED:
        notify(kind="alpha.auth_expired", key=key, recipients=recipients, context=_context(bot))
        return
    context = _context(bot) | {
        "reason": reason.value,
        "reason_zh": label(reason, "zh"),
        "reason_en": label(reason, "en"),
        "detail": f"{detail} " if detail else "",
    }
    notify(kind="alpha.paused", key=key, recipients=recipients, context=context)


def notify_target_reached(bot: AlphaBot, *, cycles: int) -> None:
    context = _context(bot) | {"counted": bot.counted_total, "cycles": cycles,
                               "cost": bot.cost_total.quantize(_CENT)}  # fmt: skip
    recipients = [Recipient.trader(bot.trader_id), Recipient.permission(VIEW_PERMISSION)]
    key = f"alpha:{bot.pk}:target:{bot.cycle_no}"
    notify(kind="alpha.target_reached", key=key, recipients=recipients, context=context)
