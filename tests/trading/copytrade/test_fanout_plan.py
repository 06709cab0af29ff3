"""The fan-out's plan as tables of plain values: a leader event and each follower's cached balance
and venue rules in → the copy to send, or the skip with its reason and a readable detail, out.
No DB, no Redis, no mocks (the integration tests in ``test_fanout.py`` run the same plan through
the simulator)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trading.copytrade.core.fanout_plan import (
    RULES_UNAVAILABLE,
    EventIn,
    FollowerIn,
    PlannedCopy,
    copy_client_order_id,
    plan_chunk,
    plan_copy,
)
from trading.copytrade.core.sizing import SkipReason

from .test_sizing import BINANCE, BITGET

D = Decimal
STALE = 60.0
BUY = EventIn(event_id=7, side="BUY", ratio=D("0.333333333333"), price=D("50000"))
SELL = EventIn(event_id=8, side="SELL", ratio=D("0.25"), price=D("50000"))


def follower(venue="binance", usdt="1000", btc="0.12345678", age=1.0, fid=3) -> FollowerIn:
    if age is None:
        return FollowerIn(fid, venue, "sim")
    return FollowerIn(fid, venue, "sim", D(usdt), D(btc), age)


@pytest.mark.parametrize(
    ("event", "f", "rules", "used", "requested", "reason", "detail"),
    [
        # BUY: quote = x × free USDT, floored to the venue's quote step
        (BUY, follower(), BINANCE, "1000", "333.33", "", ""),
        (BUY, follower("bitget"), BITGET, "1000", "333.333333", "", ""),
        # SELL: qty = y × free BTC, floored to the lot step
        (SELL, follower(), BINANCE, "0.12345678", "0.03086", "", ""),
        (SELL, follower("bitget"), BITGET, "0.12345678", "0.030864", "", ""),
        # no balance cached, or too old: unknown, nothing sized
        (BUY, follower(age=None), BINANCE, None, "0", SkipReason.BALANCE_UNKNOWN, "no cached"),
        (BUY, follower(age=61), BINANCE, None, "0", SkipReason.BALANCE_UNKNOWN, "61 s old"),
        (BUY, follower(age=60), BINANCE, "1000", "333.33", "", ""),  # at the limit: still fresh
        # the venue's rules could not be read: the balance is known, nothing sized
        (BUY, follower(), None, "1000", "0", RULES_UNAVAILABLE, "rules of binance unavailable"),
        # below the venue's minimums, nothing to spend, rounding to zero
        (BUY, follower(usdt="14.99"), BINANCE, "14.99", "4.99", SkipReason.BELOW_MIN_NOTIONAL, ""),
        (BUY, follower(usdt="0"), BINANCE, "0", "0", SkipReason.NO_BALANCE, ""),
        (BUY, follower(usdt="0.02"), BINANCE, "0.02", "0", SkipReason.ZERO_AFTER_ROUNDING, ""),
        (SELL, follower(btc="0"), BITGET, "0", "0", SkipReason.NO_BALANCE, ""),
    ],
)
def test_plan_copy(event, f, rules, used, requested, reason, detail):
    got = plan_copy(event, f, rules, STALE)
    assert got.follower_id == f.follower_id and got.side == event.side
    assert got.client_order_id == copy_client_order_id(event.event_id, f.follower_id)
    assert got.balance_used == (None if used is None else D(used))
    assert got.requested == D(requested)
    assert (got.skip_reason, got.skipped) == (reason, bool(reason))
    assert detail in got.detail and (got.detail == "") == (not reason)


def test_a_skip_says_what_the_share_came_to():
    got = plan_copy(BUY, follower(usdt="14.99"), BINANCE, STALE)
    assert got.detail == "4.99666666666167 USDT → 4.99"


def test_the_client_order_id_is_derived_from_event_and_follower():
    a = copy_client_order_id(7, 3)
    assert (
        a == copy_client_order_id(7, 3) != copy_client_order_id(7, 4) != copy_client_order_id(8, 3)
    )
    assert a.startswith("cp") and len(a) <= 36


def test_plan_chunk_uses_each_followers_venue_rules():
    followers = [follower("binance", fid=1), follower("bitget", fid=2), follower("okx", fid=3)]
    rules = {("binance", "sim"): BINANCE, ("bitget", "sim"): BITGET}
    plan = plan_chunk(BUY, followers, rules, STALE)
    assert [(p.follower_id, p.requested, p.skip_reason) for p in plan] == [
        (1, D("333.33"), ""),
        (2, D("333.333333"), ""),
        (3, D(0), RULES_UNAVAILABLE),
    ]
    assert all(isinstance(p, PlannedCopy) for p in plan)
