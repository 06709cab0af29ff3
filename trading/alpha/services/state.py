"""The machine's state ↔ the bot row (the row is the durable copy of :class:`BotState`)."""

from __future__ import annotations

from django.utils import timezone

from trading.alpha.core.machine import RESTING, BotState, Phase
from trading.alpha.core.reasons import PauseReason
from trading.alpha.models import AlphaBot


def load(bot: AlphaBot) -> BotState:
    return BotState(
        phase=Phase(bot.phase),
        cycle=bot.cycle_no,
        legs=tuple(str(x) for x in bot.legs or ()),
        bought=bot.bought,
        sold=bot.sold,
        reason=PauseReason(bot.pause_reason) if bot.pause_reason else None,
        stopping=bot.stopping,
    )


def store(bot: AlphaBot, state: BotState) -> list[str]:
    """Copy ``state`` onto ``bot``; returns the changed field names (for ``save(update_fields)``)."""
    values = {
        "phase": state.phase.value,
        "cycle_no": state.cycle,
        "legs": list(state.legs),
        "bought": state.bought,
        "sold": state.sold,
        "pause_reason": state.reason.value if state.reason else "",
        "stopping": state.stopping,
        "running_trader": None if state.phase in RESTING else bot.trader_id,
    }
    changed = [k for k, v in values.items() if getattr(bot, k) != v]
    for key, value in values.items():
        setattr(bot, key, value)
    if "phase" in changed:
        bot.phase_since = timezone.now()
        changed.append("phase_since")
    if state.reason is None and bot.pause_detail:
        bot.pause_detail = ""
        changed.append("pause_detail")
    return changed
