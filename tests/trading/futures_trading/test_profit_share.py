"""Profit-share arithmetic, table-tested: profit, loss, carry-forward, ratio changes, fees and
funding, rounding to the cent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from trading.futures_trading.core.profit_share import (
    PnlItem,
    period_end,
    period_start,
    settle,
    settle_many,
)

R70, R60 = D("0.70"), D("0.60")


def pnl(amount: str, kind: str = "REALIZED_PNL", ratio: D = R70) -> PnlItem:
    return PnlItem(D(amount), kind, ratio)


@pytest.mark.parametrize(
    ("items", "carry_in", "net", "chargeable", "platform", "trader", "carry_out"),
    [
        # plain profit: 70 % of 100
        ([pnl("100")], "0", "100", "100.00", "70.00", "30.00", "0"),
        # a loss: nothing chargeable, the loss is carried
        ([pnl("-40")], "0", "-40", "0.00", "0.00", "0.00", "-40"),
        # fees and funding are part of net: 100 − 2.5 − 1.25 + 0.75 = 97
        ([pnl("100"), pnl("-2.5", "COMMISSION"), pnl("-1.25", "FUNDING_FEE"),
          pnl("0.75", "FUNDING_FEE")], "0", "97.00", "97.00", "67.90", "29.10", "0"),
        # carried loss eats this period's profit first: 100 − 40 = 60 chargeable
        ([pnl("100")], "-40", "100", "60.00", "42.00", "18.00", "0"),
        # still under water after a profit: carry shrinks, nothing chargeable
        ([pnl("30")], "-40", "30", "0.00", "0.00", "0.00", "-10"),
        # rounding to the cent, half up: 0.7 × 10.005 = 7.0035 → 7.00; chargeable 10.01
        ([pnl("10.005")], "0", "10.005", "10.01", "7.00", "3.01", "0"),
        # other income kinds (transfers) do not count
        ([pnl("50"), pnl("1000", "TRANSFER")], "0", "50", "50.00", "35.00", "15.00", "0"),
    ],
)  # fmt: skip
def test_settle_table(items, carry_in, net, chargeable, platform, trader, carry_out):
    s = settle(items, carry_in=D(carry_in))
    assert (s.net_pnl, s.chargeable, s.platform_share, s.trader_share, s.carry_out) == (
        D(net), D(chargeable), D(platform), D(trader), D(carry_out),
    )  # fmt: skip


def test_fee_and_funding_breakdown():
    s = settle([pnl("80"), pnl("-3", "COMMISSION"), pnl("-2", "FUNDING_FEE"), pnl("-20")])
    assert (s.gross_pnl, s.fees, s.funding, s.net_pnl) == (D(60), D(-3), D(-2), D(55))


def test_ratio_change_mid_period_applies_ratio_at_open():
    # position A opened under 70 %, position B after the operator changed it to 60 %
    s = settle([pnl("100", ratio=R70), pnl("100", ratio=R60)])
    assert s.platform_share == D("130.00") and s.trader_share == D("70.00")
    assert [(r, n, p) for r, n, p in s.by_ratio] == [
        (R60, D(100), D("60.00")),
        (R70, D(100), D("70.00")),
    ]


def test_ratio_groups_share_in_proportion_to_positive_net():
    # A +300 at 70 %, B −100 at 60 %: 200 chargeable, all attributed to A's ratio
    s = settle([pnl("300", ratio=R70), pnl("-100", ratio=R60)])
    assert (s.chargeable, s.platform_share) == (D("200.00"), D("140.00"))


def test_carry_forward_across_periods():
    weeks = [[pnl("-100")], [pnl("60")], [pnl("70")], [pnl("-10")], [pnl("20")]]
    out = settle_many(weeks)
    assert [s.platform_share for s in out] == [D(0), D(0), D("21.00"), D(0), D("7.00")]
    assert [s.carry_out for s in out] == [D(-100), D(-40), D(0), D(-10), D(0)]
    flat = settle_many(weeks, carry_forward=False)
    assert [s.platform_share for s in flat] == [D(0), D("42.00"), D("49.00"), D(0), D("14.00")]


def test_ratio_out_of_range_refused():
    with pytest.raises(ValueError):
        settle([pnl("1", ratio=D("1.5"))])


@pytest.mark.parametrize(
    ("moment", "period", "start", "end"),
    [
        (datetime(2026, 12, 9, 15, 30, tzinfo=UTC), "weekly",
         datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC)),
        (datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "weekly",
         datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC)),
        (datetime(2026, 12, 6, 23, 59, tzinfo=UTC), "weekly",
         datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)),
        (datetime(2026, 12, 31, 5, tzinfo=UTC), "monthly",
         datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        (datetime(2026, 12, 31, 5, tzinfo=UTC), "daily",
         datetime(2026, 12, 31, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_period_bounds(moment, period, start, end):
    assert period_start(moment, period) == start
    assert period_end(start, period) == end
