"""The ledger of cycles: legs and fills as the venue reports them (stream frames, trade lists,
order rows), and each cycle's totals. Every write is idempotent — a fill is keyed by
(leg, trade id), a leg by (cycle, order id) — so a replayed frame or a second reconcile changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from trading.alpha.choices import LegRole
from trading.alpha.core import volume
from trading.alpha.core.pricing import to_step
from trading.alpha.models import AlphaBot, AlphaCycle, AlphaFill, AlphaLeg

ZERO = Decimal(0)
FINISHED = frozenset({"FILLED", "CANCELED", "EXPIRED", "REJECTED"})
ROLE_BY_POSITION = {"OTO_WORKING": LegRole.WORKING, "OTO_PENDING": LegRole.PENDING}


@dataclass(frozen=True)
class FillRow:
    trade_id: str
    side: str
    price: Decimal
    qty: Decimal
    quote: Decimal
    fee: Decimal
    fee_asset: str
    at: datetime | None


def leg_upsert(
    *, cycle: AlphaCycle, role: str, order_id: str, side: str, price: Decimal, orig_qty: Decimal
) -> AlphaLeg:
    leg, created = AlphaLeg.objects.get_or_create(
        cycle=cycle,
        order_id=order_id,
        defaults={"role": role, "side": side, "price": price, "orig_qty": orig_qty},
    )
    if not created and orig_qty and leg.orig_qty != orig_qty:
        leg.orig_qty = orig_qty  # the pending leg gets its quantity when it goes live
        leg.save(update_fields=["orig_qty", "updated_at"])
    return leg


def leg_status(*, leg: AlphaLeg, status: str, executed: Decimal, cum_quote: Decimal) -> None:
    """Take the venue's status unless it would go backwards (frames can arrive late)."""
    if leg.status in FINISHED and status not in FINISHED:
        return
    if executed < leg.executed_qty:
        return
    leg.status, leg.executed_qty, leg.cum_quote = status, executed, cum_quote
    leg.save(update_fields=["status", "executed_qty", "cum_quote", "updated_at"])


def fill_record(*, leg: AlphaLeg, fill: FillRow) -> bool:
    """Record one trade of ``leg``; False when it was already there."""
    _, created = AlphaFill.objects.get_or_create(
        leg=leg,
        trade_id=fill.trade_id,
        defaults={
            "side": fill.side, "price": fill.price, "qty": fill.qty, "quote": fill.quote,
            "fee": fill.fee, "fee_asset": fill.fee_asset, "at": fill.at or timezone.now(),
        },
    )  # fmt: skip
    return created


def cycle_fills(cycle: AlphaCycle, base_asset: str | None = None) -> volume.CycleFills:
    """The cycle's fills summed in one query (buy fees are in the token, sell fees in USDT)."""
    rows = AlphaFill.objects.filter(leg__cycle=cycle)
    base = base_asset or cycle.bot.token.alpha_id
    buys, sells = Q(side="BUY"), Q(side="SELL")
    sums = rows.aggregate(
        buy_quote=Sum("quote", filter=buys),
        buy_base=Sum("qty", filter=buys),
        fee_base=Sum("fee", filter=buys & Q(fee_asset=base)),
        sell_quote=Sum("quote", filter=sells),
        sell_base=Sum("qty", filter=sells),
        fee_quote=Sum("fee", filter=sells & ~Q(fee_asset=base)),
    )
    last = rows.order_by("-at", "-id").values_list("price", flat=True).first()
    return volume.CycleFills(**{k: v or ZERO for k, v in sums.items()}, last_price=last or ZERO)


def cycle_totals(cycle: AlphaCycle, base_asset: str | None = None) -> volume.CycleFills:
    """Refresh the cycle's stored totals from its fills; returns them."""
    fills = cycle_fills(cycle, base_asset)
    cost = volume.cycle_cost(fills, cycle.multiplier)
    cycle.buy_quote, cycle.buy_base, cycle.fee_base = (
        fills.buy_quote,
        fills.buy_base,
        fills.fee_base,
    )
    cycle.sell_quote, cycle.sell_base, cycle.fee_quote = (
        fills.sell_quote, fills.sell_base, fills.fee_quote)  # fmt: skip
    cycle.counted, cycle.fees, cycle.cost = cost.counted, cost.fees, cost.cost
    cycle.wear_bps = cost.wear_bps
    cycle.save()
    return fills


def bought_net(fills: volume.CycleFills) -> Decimal:
    return fills.buy_base - fills.fee_base


def sellable_leftover(bot: AlphaBot, fills: volume.CycleFills, price: Decimal) -> Decimal:
    """Base bought in the cycle and not sold, floored to the lot step; zero when it is dust
    (below min-notional at ``price``, so the venue would refuse to sell it)."""
    qty = to_step(max(ZERO, fills.base_kept), bot.token.step)
    if qty <= 0 or qty * price < bot.token.min_notional:
        return ZERO
    return qty


def bot_totals(bot: AlphaBot) -> None:
    """The bot's lifetime counted volume and cost from its cycles."""
    sums = bot.cycles.aggregate(c=Sum("counted"), w=Sum("cost"))
    bot.counted_total, bot.cost_total = sums["c"] or ZERO, sums["w"] or ZERO
    bot.save(update_fields=["counted_total", "cost_total", "updated_at"])


def current_cycle(bot: AlphaBot) -> AlphaCycle | None:
    return bot.cycles.filter(number=bot.cycle_no).first()
