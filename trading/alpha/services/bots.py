"""Trader and operator actions on bots: configure, accept the risk notice, start, pause, resume,
stop and sweep leftover tokens. Each action is one service; the machine decides what it means
in the bot's current phase."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from accounts.choices import AuditAction
from accounts.models import AuditEvent, Trader
from accounts.services import audit_record
from kernel.refusals import Refused
from trading.alpha import errors as e
from trading.alpha.core import machine as m
from trading.alpha.core.pricing import to_step
from trading.alpha.core.reasons import PauseReason
from trading.alpha.models import AlphaBot, AlphaCredential, AlphaToken
from trading.alpha.services.events import apply_event, bot_locked
from trading.alpha.services.venue import client_for

RISK_NOTICE_VERSION = "2026-12"
CONFIG_FIELDS = ("target_kind", "target_value", "offset_mode", "buy_offset", "sell_offset",
                 "order_usdt", "timeout_s", "swing_pct", "wear_cap")  # fmt: skip


def _check_config(values: dict[str, Any]) -> None:
    if Decimal(values.get("order_usdt") or 0) <= 0:
        raise Refused(e.BAD_AMOUNT)
    if Decimal(values.get("target_value") or 0) <= 0:
        raise Refused(e.BAD_TARGET)
    if int(values.get("timeout_s") or 300) < 5:
        raise Refused(e.BAD_TIMEOUT)
    if Decimal(values.get("swing_pct") or 2) <= 0:
        raise Refused(e.BAD_SWING)


def bot_configure(
    *, trader: Trader, token: AlphaToken, credential: AlphaCredential, **config: Any
) -> AlphaBot:
    """Create or update the trader's bot on ``token`` (config only while it is not running)."""
    values = {k: v for k, v in config.items() if k in CONFIG_FIELDS}
    with transaction.atomic():
        bot = AlphaBot.objects.select_for_update().filter(trader=trader, token=token).first()
        if bot is None:
            _check_config(values)
            return AlphaBot.objects.create(trader=trader, token=token, credential=credential,
                                           **values)  # fmt: skip
        if bot.phase not in (m.Phase.IDLE, m.Phase.STOPPED, m.Phase.TARGET_REACHED, m.Phase.PAUSED):
            raise Refused(e.BOT_RUNNING)
        for key, value in values.items():
            setattr(bot, key, value)
        _check_config({k: getattr(bot, k) for k in CONFIG_FIELDS})
        bot.credential = credential
        bot.save()
        return bot


def risk_accepted(trader: Trader) -> bool:
    return AuditEvent.objects.filter(trader=trader, action=AuditAction.ALPHA_RISK_ACCEPTED).exists()


def risk_accept(*, trader: Trader, ip: str | None = None, device_id: str = "", lang: str = "zh"):  # type: ignore[no-untyped-def]
    """The trader read the risk notice and accepts it (recorded in the audit log)."""
    return audit_record(action=AuditAction.ALPHA_RISK_ACCEPTED, trader=trader, ip=ip,
                        device_id=device_id,
                        detail={"version": RISK_NOTICE_VERSION, "lang": lang})  # fmt: skip


def bot_start(*, bot_id: int) -> m.BotState:
    """Start (through reconcile). Refused without the risk notice accepted, with a token that
    cannot trade, an expired session, or another bot of the trader running."""
    try:
        with transaction.atomic():
            bot = bot_locked(bot_id)
            if not risk_accepted(bot.trader):
                raise Refused(e.RISK_NOT_ACCEPTED)
            if not bot.token.can_trade:
                raise Refused(e.TOKEN_UNAVAILABLE, symbol=bot.token.symbol)
            cred = bot.credential
            if cred.status != "active":
                raise Refused(e.START_SESSION_EXPIRED)
            return apply_event(bot=bot, event=m.Start())
    except IntegrityError:
        raise Refused(e.ANOTHER_BOT_RUNNING) from None


def bot_pause(*, bot_id: int, reason: PauseReason = PauseReason.MANUAL) -> m.BotState:
    with transaction.atomic():
        return apply_event(bot=bot_locked(bot_id), event=m.Pause(reason))


def bot_resume(*, bot_id: int) -> m.BotState:
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if bot.pause_reason == PauseReason.AUTH_EXPIRED and bot.credential.status != "active":
            raise Refused(e.RESUME_SESSION_EXPIRED)
        return apply_event(bot=bot, event=m.Resume())


def bot_stop(*, bot_id: int) -> m.BotState:
    with transaction.atomic():
        return apply_event(bot=bot_locked(bot_id), event=m.Stop())


def bot_sweep(*, bot_id: int) -> m.BotState:
    """One click: sell the token's free balance (floored to the lot step) at the best bid."""
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)

    async def free() -> Decimal:
        async with client_for(bot.credential) as client:
            wallet = await client.wallet()
        row = wallet.get(bot.token.alpha_id)
        return row.free if row else Decimal(0)

    qty = to_step(asyncio.run(free()), bot.token.step)
    if qty <= 0:
        raise Refused(e.NOTHING_TO_SWEEP)
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if bot.legs or bot.phase not in ("idle", "stopped", "target_reached", "paused"):
            raise Refused(e.SWEEP_WHILE_RUNNING)
        try:
            return apply_event(bot=bot, event=m.Sweep(qty))
        except IntegrityError:
            raise Refused(e.SWEEP_BOT_RUNNING) from None


def bots_pause(*, bot_ids: list[int]) -> int:
    """Admin bulk pause (manual reason); returns how many paused."""
    from trading.alpha.services.ingest import pause_bots

    return pause_bots(bot_ids=bot_ids, reason=PauseReason.MANUAL, detail="管理员批量暂停")


def bots_resume(*, bot_ids: list[int]) -> int:
    done = 0
    for bot_id in bot_ids:
        try:
            after = bot_resume(bot_id=bot_id)
        except Refused:
            continue
        done += int(after.phase is m.Phase.RECONCILING)
    return done
