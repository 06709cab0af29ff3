"""The profit share as pure functions of values (docs/futures.md#profit-share).

Per settlement period the trader's net PnL is the sum of their stored income rows in it:
realized PnL − commissions ± funding. The platform takes ``ratio × max(0, net above the
high-water mark)``; with loss carry-forward on (the default) a losing period's loss is carried
(``carry`` ≤ 0) and must be earned back before anything is chargeable again — exactly "above the
high-water mark" of the cumulative net PnL. The ratio that applies to a row is the one in force
when its position was opened: rows are grouped by ratio and the chargeable amount is split over
the groups in proportion to their positive net. Amounts are exact ``Decimal`` until the end,
then rounded once to the cent (half-up): chargeable and platform share; the trader keeps the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
REALIZED, COMMISSION, FUNDING = "REALIZED_PNL", "COMMISSION", "FUNDING_FEE"
KINDS = frozenset({REALIZED, COMMISSION, FUNDING})


@dataclass(frozen=True)
class PnlItem:
    """One income row's contribution: signed USDT amount, its kind, and the platform ratio in
    force when the position it belongs to was opened."""

    amount: Decimal
    kind: str
    ratio: Decimal


@dataclass(frozen=True)
class Settlement:
    """One period's statement figures."""

    gross_pnl: Decimal
    fees: Decimal  # ≤ 0
    funding: Decimal
    net_pnl: Decimal
    carry_in: Decimal  # ≤ 0: loss still to earn back before this period
    chargeable: Decimal  # cents
    platform_share: Decimal  # cents
    trader_share: Decimal  # cents: chargeable − platform share
    carry_out: Decimal  # ≤ 0: loss carried into the next period
    by_ratio: tuple[tuple[Decimal, Decimal, Decimal], ...]  # (ratio, net, platform share)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _sum(items: Iterable[PnlItem], kind: str) -> Decimal:
    return sum((i.amount for i in items if i.kind == kind), ZERO)


def _platform_exact(
    items: list[PnlItem], chargeable: Decimal
) -> tuple[Decimal, list[tuple[Decimal, Decimal, Decimal]]]:
    nets: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        nets[item.ratio] += item.amount
    positive = sum((n for n in nets.values() if n > 0), ZERO)
    rows, total = [], ZERO
    for ratio in sorted(nets):
        weight = max(ZERO, nets[ratio]) / positive if positive else ZERO
        share = ratio * chargeable * weight
        rows.append((ratio, nets[ratio], share))
        total += share
    return total, rows


def settle(
    items: Iterable[PnlItem], *, carry_in: Decimal = ZERO, carry_forward: bool = True
) -> Settlement:
    """The figures of one period from its income rows and the loss carried into it."""
    rows = [i for i in items if i.kind in KINDS]
    if any(not ZERO <= i.ratio <= 1 for i in rows):
        raise ValueError("ratio must be within 0..1")
    carry_in = min(ZERO, carry_in) if carry_forward else ZERO
    net = sum((i.amount for i in rows), ZERO)
    above = net + carry_in
    chargeable_exact = max(ZERO, above)
    platform_exact, by_ratio = _platform_exact(rows, chargeable_exact)
    chargeable, platform = cents(chargeable_exact), cents(platform_exact)
    return Settlement(
        gross_pnl=_sum(rows, REALIZED), fees=_sum(rows, COMMISSION), funding=_sum(rows, FUNDING),
        net_pnl=net, carry_in=carry_in, chargeable=chargeable, platform_share=platform,
        trader_share=chargeable - platform,
        carry_out=min(ZERO, above) if carry_forward else ZERO,
        by_ratio=tuple((r, n, cents(s)) for r, n, s in by_ratio),
    )  # fmt: skip


def settle_many(
    periods: Iterable[Iterable[PnlItem]], *, carry_forward: bool = True
) -> list[Settlement]:
    """Consecutive periods, each starting from the previous one's carry."""
    out: list[Settlement] = []
    carry = ZERO
    for items in periods:
        result = settle(items, carry_in=carry, carry_forward=carry_forward)
        out.append(result)
        carry = result.carry_out
    return out


PERIODS = ("daily", "weekly", "monthly")


def period_start(moment: datetime, period: str) -> datetime:
    """Start of the settlement period containing ``moment`` (weekly: Monday 00:00 UTC)."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "daily":
        return day
    if period == "weekly":
        return day - timedelta(days=day.weekday())
    if period == "monthly":
        return day.replace(day=1)
    raise ValueError(f"unknown settlement period {period!r}")


def period_end(start: datetime, period: str) -> datetime:
    if period == "daily":
        return start + timedelta(days=1)
    if period == "weekly":
        return start + timedelta(days=7)
    if period == "monthly":
        return (start + timedelta(days=32)).replace(day=1)
    raise ValueError(f"unknown settlement period {period!r}")
