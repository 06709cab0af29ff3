"""What the machine's commands do at the venue (run by Celery tasks, one command per task).

Each runner first checks, under the bot's row lock, that the bot still expects this command
(phase and cycle number) — a redelivered or stale task does nothing. A placement records its
terms and ``sent_at`` BEFORE it is sent: a task that finds ``sent_at`` already set was
interrupted after sending, so the outcome is unknown and the machine reconciles instead of
sending again (OTO and Alpha LIMIT orders carry no client order id to look up).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from trading.alpha.choices import CycleKind, LegRole
from trading.alpha.core import machine as m
from trading.alpha.core import risk
from trading.alpha.core.pricing import Rules, Unpriced, plan_pair, to_step
from trading.alpha.core.reasons import PauseReason
from trading.alpha.models import AlphaBot, AlphaCycle, AlphaLeg
from trading.alpha.services import ledger, prices, progress, venue
from trading.alpha.services.events import apply_event, bot_event, bot_locked
from trading.alpha.services.ledger import FillRow
from trading.alpha.services.progress import VenueRefresh, venue_refresh
from trading.exchanges import errors
from trading.exchanges.binance_alpha.client import AlphaClient
from trading.exchanges.types import Side

log = logging.getLogger("fleet.alpha")
LOOKUP_TRIES = 3  # a fresh order can briefly be "not found": look again before concluding
LOOKUP_PAUSE_S = 0.5
CLOCK_SKEW = timedelta(seconds=5)  # venue time vs ours when looking orders up by creation
STREAM_WAIT_S = 10.0  # how long a placement waits for the credential's order stream


def run(bot_id: int, command: m.Command) -> None:
    """Run one command (what the Celery task calls). A venue error no runner handled pauses
    the bot with the reason it means (429, 93420018, auth, …) — never a silent retry loop."""
    runner = RUNNERS[type(command)]
    try:
        runner(bot_id, command)  # type: ignore[operator]
    except errors.ExchangeError as exc:
        log.warning("alpha bot %s: %s failed: %s", bot_id, type(command).__name__, exc)
        bot_event(bot_id=bot_id, event=m.Pause(risk.reason_for(exc)), detail=str(exc)[:200])


def _venue[T](bot: AlphaBot, fn: Callable[[AlphaClient], Awaitable[T]]) -> T:
    return venue.call(bot.credential, fn)


def _expects(bot: AlphaBot, phase: m.Phase, cycle: int) -> bool:
    return bot.phase == phase.value and bot.cycle_no == cycle


def _preflight(bot: AlphaBot) -> tuple[PauseReason, str] | None:
    """Reasons not to send a pair at all (checked under the lock, before recording terms)."""
    token, cred = bot.token, bot.credential
    if token.offline or token.offsell or not token.trading:
        return PauseReason.TOKEN_UNAVAILABLE, f"{token.symbol} offline/offsell"
    if not token.has_rules or token.tick <= 0 or token.step <= 0:
        return PauseReason.PRECISION_FAILED, f"{token.symbol} 无精度信息"
    if cred.status != "active" or (cred.expires_at and cred.expires_at <= timezone.now()):
        return PauseReason.AUTH_EXPIRED, ""
    if risk.wear_cap_reached(bot.cost_total, bot.wear_cap):
        return PauseReason.WEAR_CAP, f"{bot.cost_total:.4f} ≥ {bot.wear_cap} USDT"
    return None


def _rules(bot: AlphaBot) -> Rules:
    t = bot.token
    return Rules(tick=t.tick, step=t.step, min_notional=t.min_notional)


# --- place a pair ------------------------------------------------------------------------------
def order_stream_up(credential_id: int, wait_s: float = STREAM_WAIT_S) -> bool:
    """Whether the stream process is subscribed to this credential's order stream (waits)."""
    from kernel.redis import get_redis

    deadline = time.monotonic() + wait_s
    while not get_redis().exists(f"alpha:stream:{credential_id}"):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def place_pair(bot_id: int, command: m.PlacePair) -> None:
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    if not _expects(bot, m.Phase.PLACING, command.cycle):
        return
    if not order_stream_up(bot.credential_id):
        bot_event(bot_id=bot_id, event=m.PlaceRefused(PauseReason.STREAM_DISCONNECTED),
                  detail="订单推送未连接，未下单")  # fmt: skip
        return
    try:
        last = prices.last_price(bot.token)
    except errors.ExchangeError as exc:
        bot_event(bot_id=bot_id, event=m.PlaceRefused(PauseReason.PRECISION_FAILED),
                  detail=f"last price: {exc}")  # fmt: skip
        return
    cycle = _record_pair_intent(bot_id, command.cycle, last)
    if cycle is None:
        return
    symbol_base = bot.token.alpha_id
    try:
        placed = _venue(bot, lambda c: c.place_oto(symbol_base, "USDT", cycle.buy_price,
                                                   cycle.quantity, cycle.sell_price))  # fmt: skip
    except errors.OutcomeUnknown as exc:
        log.warning("alpha bot %s cycle %s: outcome unknown (%s)", bot_id, cycle.number, exc)
        bot_event(bot_id=bot_id, event=m.PlaceUnknown())
    except errors.ExchangeError as exc:
        bot_event(bot_id=bot_id, event=m.PlaceRefused(risk.reason_for(exc)), detail=str(exc))
    else:
        _pair_acked(bot_id, cycle.pk, placed.working_order_id, placed.pending_order_id)


def _record_pair_intent(bot_id: int, number: int, last: Decimal) -> AlphaCycle | None:
    """Under the lock: the cycle row with its terms and ``sent_at`` (or why not to send)."""
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if not _expects(bot, m.Phase.PLACING, number):
            return None
        cycle, _ = AlphaCycle.objects.get_or_create(
            bot=bot, number=number,
            defaults={"kind": CycleKind.PAIR, "multiplier": bot.token.mul_point},
        )  # fmt: skip
        if cycle.sent_at is not None:  # we were here before and may have sent it
            apply_event(bot=bot, event=m.PlaceUnknown())
            return None
        refusal = _preflight(bot)
        if refusal is not None:
            apply_event(bot=bot, event=m.PlaceRefused(refusal[0]), detail=refusal[1])
            return None
        plan = plan_pair(last=last, mode=bot.offset_mode, buy_offset=bot.buy_offset,
                         sell_offset=bot.sell_offset, order_usdt=bot.order_usdt,
                         rules=_rules(bot))  # fmt: skip
        if isinstance(plan, Unpriced):
            apply_event(bot=bot, event=m.PlaceRefused(PauseReason.ORDER_REFUSED),
                        detail=plan.message)  # fmt: skip
            return None
        cycle.last_price, cycle.buy_price = last, plan.buy_price
        cycle.quantity, cycle.sell_price = plan.quantity, plan.sell_price
        cycle.sent_at = timezone.now()
        cycle.save()
        return cycle


def _pair_acked(bot_id: int, cycle_id: int, working: str, pending: str) -> None:
    with transaction.atomic():
        bot = bot_locked(bot_id)
        cycle = AlphaCycle.objects.get(pk=cycle_id)
        _register_pair(cycle, working, pending)
        cycle.acked_at = cycle.acked_at or timezone.now()
        cycle.save(update_fields=["acked_at"])
        apply_event(bot=bot, event=m.PairPlaced(working, pending))
        progress.refresh_after_ack(bot, cycle.number)


def _register_pair(cycle: AlphaCycle, working: str, pending: str) -> None:
    ledger.leg_upsert(cycle=cycle, role=LegRole.WORKING, order_id=working, side="BUY",
                      price=cycle.buy_price, orig_qty=cycle.quantity)  # fmt: skip
    ledger.leg_upsert(cycle=cycle, role=LegRole.PENDING, order_id=pending, side="SELL",
                      price=cycle.sell_price, orig_qty=Decimal(0))  # fmt: skip


# --- cancel and settle ------------------------------------------------------------------------
def cancel_legs(bot_id: int, command: m.CancelLegs) -> None:
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    symbol = bot.token.order_symbol

    async def cancel_all(client: AlphaClient) -> None:
        for order_id in command.order_ids:
            try:
                await client.cancel(order_id, symbol)
            except errors.AuthError:
                raise
            except errors.ExchangeError as exc:  # already filled or cancelled: settle decides
                log.info("alpha cancel %s: %s", order_id, exc)

    try:
        _venue(bot, cancel_all)
    except errors.AuthError as exc:
        bot_event(bot_id=bot_id, event=m.Pause(PauseReason.AUTH_EXPIRED), detail=str(exc))
        return
    settle(bot_id, command.cycle)


def settle(bot_id: int, number: int) -> None:
    """Read the cycle's orders and fills from the venue and feed :class:`Settled`."""
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    cycle = bot.cycles.filter(number=number).first()
    if cycle is None:
        bot_event(bot_id=bot_id, event=m.Settled((), Decimal(0), Decimal(0), Decimal(0)))
        return
    legs = list(cycle.legs.all())
    try:
        open_rows, trades, bid = _venue(bot, lambda c: _read_cycle(bot, legs, c))
    except errors.AuthError as exc:
        bot_event(bot_id=bot_id, event=m.Pause(PauseReason.AUTH_EXPIRED), detail=str(exc))
        return
    with transaction.atomic():
        locked = bot_locked(bot_id)  # the bot row first, then its ledger (one lock order)
        for leg in legs:
            _store_trades(leg, trades[leg.order_id], open_rows.get(leg.order_id))
        open_ids = [leg.order_id for leg in legs if leg.order_id in open_rows]
        fills = ledger.cycle_totals(cycle)
        price = bid or fills.last_price or cycle.last_price
        leftover = ledger.sellable_leftover(locked, fills, price)
        event = m.Settled(tuple(open_ids), ledger.bought_net(fills), fills.sell_base, leftover)
        if locked.cycle_no == number:
            apply_event(bot=locked, event=event)


async def _read_cycle(bot: AlphaBot, legs: list, client: AlphaClient):  # type: ignore[no-untyped-def]
    """The venue's open orders, each leg's fills and the best bid (reads only)."""
    symbol = bot.token.order_symbol
    open_rows = {o.order_id: o for o in await client.open_orders()}
    trades = {leg.order_id: await client.user_trades(leg.order_id, symbol) for leg in legs}
    return open_rows, trades, await client.best_bid(symbol)


def _store_trades(leg, trades, row) -> None:  # type: ignore[no-untyped-def]
    """The leg's fills and status as the venue reports them (inside the caller's lock)."""
    for t in trades:
        fill = FillRow(t.trade_id, t.side.value, t.price, t.qty, t.quote, t.fee, t.fee_asset,
                       t.time)  # fmt: skip
        ledger.fill_record(leg=leg, fill=fill)
    executed = sum((t.qty for t in trades), Decimal(0))
    quote = sum((t.quote for t in trades), Decimal(0))
    if row is not None:
        status = row.status
        if row.orig_qty and row.orig_qty != leg.orig_qty:
            leg.orig_qty = row.orig_qty
    else:  # finished: what it ended as follows from its fills
        status = "FILLED" if leg.orig_qty and executed >= leg.orig_qty else "CANCELED"
    leg.status, leg.executed_qty, leg.cum_quote = status, executed, quote
    leg.save()


# --- reconcile --------------------------------------------------------------------------------
def reconcile(bot_id: int, command: m.Reconcile) -> None:
    """Find what the venue has of the current cycle (legs we may not know), then settle."""
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    if not _expects(bot, m.Phase.RECONCILING, command.cycle):
        return
    cycle = bot.cycles.filter(number=command.cycle).first()
    try:
        if cycle is not None:
            _adopt_unknown(bot, cycle)
    except errors.AuthError as exc:
        bot_event(bot_id=bot_id, event=m.Pause(PauseReason.AUTH_EXPIRED), detail=str(exc))
        return
    settle(bot_id, command.cycle)


def _adopt_unknown(bot: AlphaBot, cycle: AlphaCycle) -> None:
    """A pair (or sweep) sent with no known outcome: look it up by its terms, a few times.
    Only orders created since the send (minus a little clock skew) and not already in our ledger
    qualify: an earlier cycle with the same terms must never be taken for this one."""
    known_roles = set(cycle.legs.values_list("role", flat=True))
    base = bot.token.alpha_id
    if cycle.sent_at and LegRole.WORKING not in known_roles:
        since = cycle.sent_at - CLOCK_SKEW
        for attempt in range(LOOKUP_TRIES):
            legs = _venue(bot, lambda c: c.find_oto(base, cycle.buy_price, cycle.quantity,
                                                    since=since))  # fmt: skip
            pair = _unknown_pair(bot, legs)
            if pair is not None:
                _register_pair(cycle, pair["OTO_WORKING"].order_id, pair["OTO_PENDING"].order_id)
                cycle.list_id = pair["OTO_WORKING"].order_list_id or ""
                cycle.note = "下单结果未知，已在币安找到"
                cycle.save(update_fields=["list_id", "note"])
                break
            if attempt + 1 < LOOKUP_TRIES:
                time.sleep(LOOKUP_PAUSE_S)
        else:
            cycle.note = "下单结果未知，币安无此订单：未下单"
            cycle.save(update_fields=["note"])
    if cycle.sweep_sent_at:
        since = cycle.sweep_sent_at - CLOCK_SKEW
        found = _venue(bot, lambda c: c.find_order(base, Side.SELL, cycle.sweep_price,
                                                   cycle.sweep_qty, since=since))  # fmt: skip
        if found is not None and not _known(bot, [found.order_id]):
            _register_sweep(cycle, found.order_id, found.price, found.orig_qty)
        else:
            cycle.sweep_sent_at = None
            cycle.save(update_fields=["sweep_sent_at"])


def _known(bot: AlphaBot, order_ids: list[str]) -> bool:
    return AlphaLeg.objects.filter(cycle__bot__credential_id=bot.credential_id,
                                   order_id__in=order_ids).exists()  # fmt: skip


def _unknown_pair(bot: AlphaBot, legs: list) -> dict | None:  # type: ignore[type-arg]
    """The newest complete pair among ``legs`` that none of our cycles holds yet."""
    pairs: dict[str, dict] = {}  # type: ignore[type-arg]
    for leg in legs:
        pairs.setdefault(leg.order_list_id, {})[leg.contingency_position] = leg
    complete = [p for p in pairs.values() if {"OTO_WORKING", "OTO_PENDING"} <= set(p)]
    fresh = [p for p in complete if not _known(bot, [o.order_id for o in p.values()])]
    return max(fresh, key=lambda p: int(p["OTO_WORKING"].order_id), default=None)


# --- sell the leftover ------------------------------------------------------------------------
def _register_sweep(cycle: AlphaCycle, order_id: str, price: Decimal, qty: Decimal) -> None:
    """The leftover SELL is known: a leg, and no unknown outcome left on the cycle."""
    ledger.leg_upsert(cycle=cycle, role=LegRole.SWEEP, order_id=order_id, side="SELL",
                      price=price, orig_qty=qty)  # fmt: skip
    AlphaCycle.objects.filter(pk=cycle.pk).update(sweep_sent_at=None)
    cycle.sweep_sent_at = None


def sell_leftover(bot_id: int, command: m.SellLeftover) -> None:
    bot = AlphaBot.objects.select_related("token", "credential").get(pk=bot_id)
    if not _expects(bot, m.Phase.SWEEPING, command.cycle):
        return
    if not order_stream_up(bot.credential_id):
        bot_event(bot_id=bot_id, event=m.PlaceRefused(PauseReason.STREAM_DISCONNECTED),
                  detail="订单推送未连接，未卖出")  # fmt: skip
        return
    try:
        bid = _venue(bot, lambda c: c.best_bid(bot.token.order_symbol))
    except errors.ExchangeError as exc:
        bot_event(bot_id=bot_id, event=m.PlaceRefused(risk.reason_for(exc)), detail=str(exc))
        return
    cycle = _record_sweep_intent(bot_id, command, bid)
    if cycle is None:
        return
    try:
        order_id = _venue(bot, lambda c: c.place_limit(bot.token.alpha_id, "USDT", Side.SELL,
                                                       cycle.sweep_price, cycle.sweep_qty))  # fmt: skip
    except errors.OutcomeUnknown:
        bot_event(bot_id=bot_id, event=m.PlaceUnknown())
    except errors.ExchangeError as exc:
        bot_event(bot_id=bot_id, event=m.PlaceRefused(risk.reason_for(exc)), detail=str(exc))
    else:
        with transaction.atomic():
            locked = bot_locked(bot_id)
            _register_sweep(cycle, order_id, cycle.sweep_price, cycle.sweep_qty)
            apply_event(bot=locked, event=m.SweepPlaced(order_id))


def _record_sweep_intent(
    bot_id: int, command: m.SellLeftover, bid: Decimal | None
) -> AlphaCycle | None:
    with transaction.atomic():
        bot = bot_locked(bot_id)
        if not _expects(bot, m.Phase.SWEEPING, command.cycle) or bot.legs:
            return None
        cycle, _ = AlphaCycle.objects.get_or_create(
            bot=bot, number=command.cycle,
            defaults={"kind": CycleKind.SWEEP, "multiplier": bot.token.mul_point},
        )  # fmt: skip
        if cycle.sweep_sent_at is not None:  # sent before, never acknowledged: look it up
            apply_event(bot=bot, event=m.PlaceUnknown())
            return None
        floor = _sweep_floor(bot, cycle)
        if bid is None or bid < floor:
            detail = f"买一价 {bid} 低于可接受的 {floor:.8f}"
            apply_event(bot=bot, event=m.PlaceRefused(PauseReason.LEFTOVER_UNSOLD), detail=detail)
            return None
        cycle.sweep_price = to_step(bid, bot.token.tick)
        cycle.sweep_qty = command.qty
        cycle.sweep_sent_at = timezone.now()
        cycle.note = (cycle.note + f" 补卖 {command.qty} @ {cycle.sweep_price}").strip()[:255]
        cycle.save()
        return cycle


def _sweep_floor(bot: AlphaBot, cycle: AlphaCycle) -> Decimal:
    """The lowest bid a leftover is sold at: the reference price minus the swing threshold (a
    thinner book than that pauses instead of selling into it)."""
    try:
        ref = prices.last_price(bot.token)
    except errors.ExchangeError:
        ref = cycle.last_price
    return ref * (1 - bot.swing_pct / 100)


# --- progress ---------------------------------------------------------------------------------
def check_progress(bot_id: int, command: m.CheckProgress) -> None:
    progress.check(bot_id, command.cycle)


RUNNERS = {
    m.PlacePair: place_pair,
    m.CancelLegs: cancel_legs,
    m.Reconcile: reconcile,
    m.SellLeftover: sell_leftover,
    m.CheckProgress: check_progress,
    VenueRefresh: venue_refresh,  # not a machine command: a background read after a cycle
}
