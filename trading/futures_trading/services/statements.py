"""Profit-share statements, computed only from stored income rows (never re-fetched).

``statement_compute(trader, period_start)`` runs the pure ``profit_share.settle_many`` over every
period from the trader's first income row up to the asked one, so the carried loss is always
rebuilt from the rows themselves — the same rows always give the same cents.
``statement_issue`` stores the result: the first time as revision 1 with a PLATFORM_SHARE ledger
row; if a later recomputation differs (late rows synced), a new revision supersedes the old one
and a CORRECTION ledger row carries the difference. Ledger rows are never changed or deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Trader
from kernel.runtime_config import config_get
from notifications.recipients import Recipient
from notifications.services import notify
from trading.futures_trading import notices
from trading.futures_trading.choices import LedgerKind, StatementState
from trading.futures_trading.core.profit_share import (
    PnlItem,
    Settlement,
    period_end,
    period_start,
    settle_many,
)
from trading.futures_trading.models import IncomeRecord, LedgerEntry, Statement

FIGURES = ("gross_pnl", "fees", "funding", "net_pnl", "carry_in", "chargeable",
           "platform_share", "trader_share", "carry_out")  # fmt: skip


def period_rows(trader: Trader, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    """The income rows of one period (the statement's drill-down)."""
    return IncomeRecord.objects.filter(trader=trader, time__gte=start, time__lt=end)


def statement_compute(trader: Trader, start: datetime) -> tuple[Settlement, int]:
    """The settlement of the period starting at ``start`` and how many rows it covers."""
    period = config_get("futures_settlement_period")
    first = IncomeRecord.objects.filter(trader=trader).order_by("time").first()
    cursor = period_start(first.time, period) if first and first.time < start else start
    periods, count = [], 0
    while cursor <= start:
        end = period_end(cursor, period)
        rows = list(period_rows(trader, cursor, end).values_list("amount", "income_type",
                                                                  "share_ratio"))  # fmt: skip
        periods.append([PnlItem(a, k, r) for a, k, r in rows])
        count = len(rows)
        cursor = end
    settled = settle_many(periods, carry_forward=config_get("futures_loss_carry_forward"))
    return settled[-1], count


def _same(statement: Statement, s: Settlement) -> bool:
    return all(getattr(statement, f) == getattr(s, f) for f in FIGURES)


@transaction.atomic
def statement_issue(*, trader: Trader, start: datetime) -> Statement:
    """Issue (or re-issue when the rows changed) the statement of one period."""
    period = config_get("futures_settlement_period")
    start = period_start(start, period)
    settlement, count = statement_compute(trader, start)
    current = (
        Statement.objects.select_for_update()
        .filter(trader=trader, period_start=start, state=StatementState.ISSUED)
        .first()
    )
    if current is not None and _same(current, settlement):
        return current
    figures = {f: getattr(settlement, f) for f in FIGURES}
    statement = Statement.objects.create(
        trader=trader, period_start=start, period_end=period_end(start, period),
        revision=current.revision + 1 if current else 1, income_count=count, **figures,
    )  # fmt: skip
    if current is None:
        LedgerEntry.objects.create(trader=trader, statement=statement,
                                   kind=LedgerKind.PLATFORM_SHARE,
                                   amount=settlement.platform_share)  # fmt: skip
    else:
        current.state = StatementState.SUPERSEDED
        current.save(update_fields=["state"])
        LedgerEntry.objects.create(
            trader=trader, statement=statement, kind=LedgerKind.CORRECTION,
            amount=settlement.platform_share - current.platform_share,
            memo=f"r{current.revision} → r{statement.revision}",
        )  # fmt: skip
    _tell(statement)
    return statement


def _tell(s: Statement) -> None:
    label = f"{s.period_start:%Y-%m-%d} ~ {s.period_end:%Y-%m-%d}"
    notify(
        kind=notices.STATEMENT_ISSUED, key=f"futures:statement:{s.pk}",
        recipients=[Recipient.trader(s.trader_id)],
        context={"period": label, "net_pnl": s.net_pnl.quantize(s.chargeable),
                 "chargeable": s.chargeable, "platform_share": s.platform_share,
                 "trader_share": s.trader_share},
    )  # fmt: skip


def statements_issue_due(now: datetime | None = None) -> int:
    """Beat: issue the statements of the period that just ended, for every trader with rows."""
    now = now or timezone.now()
    period = config_get("futures_settlement_period")
    this = period_start(now, period)
    previous = period_start(this - timedelta(microseconds=1), period)
    traders = Trader.objects.filter(
        futures_income__time__gte=previous, futures_income__time__lt=this
    ).distinct()
    return len([t for t in traders if statement_issue(trader=t, start=previous)])
