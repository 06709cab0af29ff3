"""Keeping our records equal to the venue's: fills, income rows, positions, wallet, leg states.

Two paths feed the same idempotent writers: the user data stream (``on_event``, in the stream
process) and the REST sync on beat (``account_sync``), which re-reads an overlapping window
every run — ``userTrades`` per symbol in ≤ 7-day windows and ``income`` (REALIZED_PNL,
COMMISSION, FUNDING_FEE) — so any gap (a dropped stream, a restart) closes on the next run.
Rows are stored once: fills by (trader, symbol, tradeId), income by (trader, type, tranId); a
replay or an overlapping window inserts nothing (``bulk_create(ignore_conflicts=True)``).
Income history only goes back 3 months: the sync must run at least daily (docs/futures.md).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Trader
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.binance_futures.models import (
    AccountUpdate,
    AlgoUpdate,
    FuturesOrderUpdate,
    Income,
    Position,
)
from trading.exchanges.types import Fill
from trading.futures_trading import selectors
from trading.futures_trading.choices import IncomeType, LegState
from trading.futures_trading.models import (
    FuturesAccount,
    FuturesFill,
    IncomeRecord,
    PositionSnapshot,
    ProtectiveLeg,
    TradeIntent,
)
from trading.futures_trading.services import venues
from trading.futures_trading.services.closing import leg_fired, leg_status

CLIENT_ID = re.compile(r"^ft(\d+)[a-z]+$")
OVERLAP = timedelta(hours=1)
FIRST_SYNC = timedelta(days=7)
INCOME_TYPES = frozenset(IncomeType.values)
ZERO = Decimal(0)


def _intent_for(account: FuturesAccount, client_id: str, fill: Fill) -> TradeIntent | None:
    """Our trade a fill belongs to: by our client id, by the leg that created the order, else
    the trade that held the symbol at the fill's time."""
    match = CLIENT_ID.match(client_id or "")
    if match:
        return TradeIntent.objects.filter(pk=int(match[1]), trader=account.trader).first()
    by_order = TradeIntent.objects.filter(
        trader=account.trader, entry_order_id=fill.venue_order_id
    ).first()
    if by_order is not None:
        return by_order
    leg = ProtectiveLeg.objects.filter(
        intent__trader=account.trader, actual_order_id=fill.venue_order_id
    ).first()
    if leg is not None:
        return leg.intent
    return selectors.intent_at(account.trader, fill.symbol, fill.time or timezone.now())


def fills_store(account: FuturesAccount, fills: Iterable[tuple[Fill, str, Decimal]]) -> int:
    """Store fills ``(fill, client order id, realized PnL)`` once each; returns how many."""
    rows = [
        FuturesFill(
            trader=account.trader,
            intent=_intent_for(account, cid, f),
            symbol=f.symbol,
            trade_id=f.trade_id,
            order_id=f.venue_order_id,
            client_order_id=cid,
            side=f.side.value if f.side else "",
            price=f.price,
            qty=f.qty,
            commission=f.fee,
            realized_pnl=pnl,
            time=f.time or timezone.now(),
        )
        for f, cid, pnl in fills
    ]
    before = FuturesFill.objects.filter(trader=account.trader).count()
    FuturesFill.objects.bulk_create(rows, ignore_conflicts=True)
    return FuturesFill.objects.filter(trader=account.trader).count() - before


def _attribute(account: FuturesAccount, row: Income) -> tuple[TradeIntent | None, Decimal]:
    """The trade an income row belongs to and the ratio in force when it was opened."""
    intent = None
    if row.trade_id:
        fill = FuturesFill.objects.filter(
            trader=account.trader, symbol=row.symbol, trade_id=row.trade_id
        ).first()
        intent = fill.intent if fill else None
    moment = row.time or timezone.now()
    if intent is None and row.symbol:
        intent = selectors.intent_at(account.trader, row.symbol, moment)
    return intent, intent.share_ratio if intent else selectors.share_ratio_at(moment)


def income_store(account: FuturesAccount, rows: Iterable[Income]) -> int:
    """Store PnL-relevant income rows once each (by type + tranId); returns how many were new."""
    fresh = [r for r in rows if r.income_type in INCOME_TYPES]
    known = set(
        IncomeRecord.objects.filter(
            trader=account.trader, tran_id__in=[r.tran_id for r in fresh]
        ).values_list("income_type", "tran_id")
    )
    new = []
    for r in fresh:
        if (r.income_type, r.tran_id) in known:
            continue
        intent, ratio = _attribute(account, r)
        new.append(IncomeRecord(
            trader=account.trader, intent=intent, income_type=r.income_type, tran_id=r.tran_id,
            trade_id=r.trade_id, symbol=r.symbol, amount=r.income, asset=r.asset or "USDT",
            share_ratio=ratio, time=r.time or timezone.now(),
        ))  # fmt: skip
        known.add((r.income_type, r.tran_id))
    IncomeRecord.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def positions_store(account: FuturesAccount, positions: Iterable[Position]) -> None:
    """Replace the trader's position snapshots with what the venue reports now."""
    live = [p for p in positions if p.amount]
    PositionSnapshot.objects.filter(trader=account.trader).exclude(
        symbol__in=[p.symbol for p in live]
    ).delete()
    for p in live:
        upsert_position(
            account.trader, p.symbol, p.position_side, amount=p.amount,
            entry_price=p.entry_price, mark_price=p.mark_price, unrealized_pnl=p.unrealized_pnl,
        )  # fmt: skip


def upsert_position(trader: Trader, symbol: str, side: str, **values: object) -> None:
    """Write one position snapshot without ``SELECT … FOR UPDATE``: on InnoDB that takes a gap
    lock on a missing row, and concurrent first positions of different traders then wait on each
    other (seconds, in bench_futures) — an UPDATE, else an INSERT, else the UPDATE again."""
    values["updated_at"] = timezone.now()
    rows = PositionSnapshot.objects.filter(trader=trader, symbol=symbol, position_side=side)
    if rows.update(**values):
        return
    try:
        with transaction.atomic():
            PositionSnapshot.objects.create(trader=trader, symbol=symbol, position_side=side,
                                            **values)  # fmt: skip
    except IntegrityError:
        rows.update(**values)


def position_opened(intent: TradeIntent) -> None:
    """Our own fill, shown at once (the stream / REST sync overwrite it with the venue's view)."""
    sign = 1 if intent.direction == "LONG" else -1
    upsert_position(
        intent.trader, intent.symbol, intent.position_side, amount=sign * intent.filled_qty,
        entry_price=intent.entry_price, mark_price=intent.entry_price, unrealized_pnl=ZERO,
    )  # fmt: skip


def position_closed(intent: TradeIntent) -> None:
    PositionSnapshot.objects.filter(
        trader=intent.trader, symbol=intent.symbol, position_side=intent.position_side
    ).delete()


# --- stream ---------------------------------------------------------------------------------


def on_event(account: FuturesAccount, event: object) -> None:
    """One user-stream event → the same writers the REST sync uses."""
    if isinstance(event, FuturesOrderUpdate) and event.trade_id:
        fill = Fill(
            symbol=event.symbol, trade_id=event.trade_id, venue_order_id=event.venue_order_id,
            price=event.last_price, qty=event.last_qty, quote_qty=event.last_price * event.last_qty,
            fee=event.fee, fee_asset=event.fee_asset, side=event.side, time=event.event_time,
        )  # fmt: skip
        fills_store(account, [(fill, event.client_order_id, event.realized_pnl)])
    elif isinstance(event, AlgoUpdate):
        algo_update(account, event.client_algo_id, event.status.value,
                    event.actual_order_id or "", event.avg_price)  # fmt: skip
    elif isinstance(event, AccountUpdate):
        _account_update(account, event)


def algo_update(account: FuturesAccount, client_algo_id: str, status: str, actual: str,
                price: Decimal) -> None:  # fmt: skip
    leg = (
        ProtectiveLeg.objects.filter(client_algo_id=client_algo_id, intent__trader=account.trader)
        .select_related("intent")
        .first()
    )
    if leg is None:
        return
    leg_status(leg, status, actual_order_id=actual, price=price)
    if leg.state == LegState.FINISHED:
        leg_fired(leg)


def _account_update(account: FuturesAccount, event: AccountUpdate) -> None:
    for b in event.balances:
        if b.asset == "USDT":
            account.wallet = b.wallet_balance
            account.save(update_fields=["wallet"])
    for p in event.positions:
        if not p.amount:
            PositionSnapshot.objects.filter(
                trader=account.trader, symbol=p.symbol, position_side=p.position_side
            ).delete()
            continue
        upsert_position(
            account.trader, p.symbol, p.position_side, amount=p.amount,
            entry_price=p.entry_price, unrealized_pnl=p.unrealized_pnl,
        )  # fmt: skip


# --- REST -----------------------------------------------------------------------------------


def _symbols(account: FuturesAccount) -> list[str]:
    traded = set(TradeIntent.objects.filter(trader=account.trader).values_list("symbol", flat=True))
    traded |= set(
        PositionSnapshot.objects.filter(trader=account.trader).values_list("symbol", flat=True)
    )
    return sorted(traded)


async def _fetch(client: FuturesClient, symbols: list[str], start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    trades = await asyncio.gather(*(client.trades_between(s, start, end) for s in symbols))
    income, positions, balances = await asyncio.gather(
        client.income_between(start, end), client.positions(), client.balances()
    )
    return [f for group in trades for f in group], income, positions, balances


def account_sync(account: FuturesAccount, *, now: datetime | None = None,
                 since: datetime | None = None) -> dict[str, int]:  # fmt: skip
    """Re-read fills, income, positions and the wallet from ``since`` (default: the last sync
    minus an hour of overlap); store what is new. Returns the counts stored."""
    now = now or timezone.now()
    start = since or (account.synced_until - OVERLAP if account.synced_until else now - FIRST_SYNC)
    symbols = _symbols(account)
    fills, income, positions, balances = venues.call(
        account.credential, lambda c: _fetch(c, symbols, start, now)
    )
    stored_fills = fills_store(account, [(f, "", f.realized_pnl) for f in fills])
    stored_income = income_store(account, income)
    positions_store(account, positions)
    usdt = balances.get("USDT")
    if usdt:
        account.wallet, account.available = usdt.wallet_balance, usdt.available_balance
    account.synced_until = now
    account.save(update_fields=["wallet", "available", "synced_until"])
    return {"fills": stored_fills, "income": stored_income, "positions": len(positions)}
