"""The dashboard's allocation rate (docs/event_orders.md, 运营看板): delivered / eligible
(order, trader) pairs, eligible = the trader received some order while this one was live, so the
rate is a true ratio in [0, 100 %]."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Trader
from orders.models import Claim, EventOrder
from orders.selectors import dashboard, today_start


@dataclass(frozen=True)
class Case:
    """Orders as name → (created, valid until, cancelled or None) in seconds after 01:00 today
    (negative = before midnight); deliveries as (order, trader, second); disabled traders."""

    orders: dict[str, tuple[int, int, int | None]]
    deliveries: list[tuple[str, str, int]]
    delivered: int
    eligible: int
    rate: float | None
    disabled: set[str] = field(default_factory=set)


CASES = {
    "everyone got everything": Case(
        {"A": (0, 60, None), "B": (10, 70, None)},
        [("A", "t1", 1), ("B", "t1", 11), ("A", "t2", 2), ("B", "t2", 12)],
        delivered=4,
        eligible=4,
        rate=100.0,
    ),
    "a trader that went offline is not eligible for later orders": Case(
        {"A": (0, 60, None), "B": (100, 160, None)},
        [("A", "t1", 1), ("B", "t1", 101), ("A", "t2", 2)],
        delivered=3,
        eligible=3,
        rate=100.0,
    ),
    "a trader that pulled while an order was live and missed it": Case(
        {"A": (0, 60, None), "B": (10, 70, None), "C": (20, 80, None)},
        [("A", "t1", 1), ("B", "t1", 11), ("C", "t1", 21), ("A", "t2", 2), ("C", "t2", 21)],
        delivered=5,
        eligible=6,
        rate=83.3,
    ),
    "a trader disabled since it received orders (was 200 %)": Case(
        {"A": (0, 60, None)},
        [("A", "t1", 1), ("A", "t2", 1)],
        delivered=2,
        eligible=2,
        rate=100.0,
        disabled={"t2"},
    ),
    "cancelled before anyone got it": Case(
        {"A": (0, 60, 5), "B": (0, 60, None)},
        [("B", "t1", 10)],
        delivered=1,
        eligible=1,
        rate=100.0,
    ),
    "a delivery after the cancel counts in neither": Case(
        {"A": (0, 60, 30)},
        [("A", "t1", 1), ("A", "t2", 31)],
        delivered=1,
        eligible=1,
        rate=100.0,
    ),
    "yesterday's order is not counted but shows who was pulling": Case(
        {"Y": (-7200, 7200, None), "A": (0, 60, None)},
        [("Y", "t1", 5), ("A", "t2", 6)],
        delivered=1,
        eligible=2,
        rate=50.0,
    ),
    "nobody pulled": Case({"A": (0, 60, None)}, [], delivered=0, eligible=0, rate=None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_allocation_rate(case: Case):
    base = today_start() + timedelta(hours=1)
    at = lambda s: base + timedelta(seconds=s)  # noqa: E731
    orders = {
        name: EventOrder.objects.create(
            symbol="BTCUSDT",
            direction="LONG",
            time_increment="TEN_MINUTE",
            payout_ratio=Decimal("0.8"),
            validity_seconds=end - start,
            created_at=at(start),
            valid_until=at(end),
            cancelled_at=None if cancelled is None else at(cancelled),
        )
        for name, (start, end, cancelled) in case.orders.items()
    }
    names = sorted({t for _o, t, _s in case.deliveries} | case.disabled)
    traders = {
        name: Trader.objects.create(
            username=name,
            expires_at=timezone.now() + timedelta(days=5),
            is_disabled=name in case.disabled,
        )
        for name in names
    }
    for order, trader, second in case.deliveries:
        Claim.objects.create(order=orders[order], trader=traders[trader], delivered_at=at(second))
    board = dashboard(online_now=0)
    assert (board.delivered_today, board.eligible_today) == (case.delivered, case.eligible)
    assert board.allocation_rate == case.rate
