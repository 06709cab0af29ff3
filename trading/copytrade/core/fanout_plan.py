"""The fan-out's plan as a pure function of values (no I/O, no Django): one leader event and each
ACTIVE follower's cached balance and venue rules in → one planned copy (the amount to send) or one
skipped copy (with its reason) per follower out. Tested with tables (``test_fanout_plan.py``);
the sizing rule itself is ``sizing.size_copy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from trading.copytrade.core.sizing import SkipReason, size_copy
from trading.exchanges.client_ids import client_order_id
from trading.exchanges.types import SymbolRules

CID_PREFIX = "cp"
SYMBOL = "BTCUSDT"
RULES_UNAVAILABLE = "rules_unavailable"
ZERO = Decimal(0)


@dataclass(frozen=True)
class EventIn:
    """What of a leader event sizes its copies."""

    event_id: int
    side: str  # BUY / SELL
    ratio: Decimal
    price: Decimal


@dataclass(frozen=True)
class FollowerIn:
    """One ACTIVE follower: where it trades, and its cached free balances (None: none cached)."""

    follower_id: int
    venue: str
    environment: str
    usdt: Decimal | None = None
    btc: Decimal | None = None
    balance_age_s: float | None = None  # seconds since the figures were known current

    @property
    def group(self) -> tuple[str, str]:
        return (self.venue, self.environment)


@dataclass(frozen=True)
class PlannedCopy:
    """A copy to send (``skip_reason`` empty) or a copy skipped with the reason and a detail a
    person can read. ``requested`` is quote (BUY) or base (SELL)."""

    follower_id: int
    client_order_id: str
    side: str
    balance_used: Decimal | None = None
    requested: Decimal = ZERO
    skip_reason: str = ""
    detail: str = ""

    @property
    def skipped(self) -> bool:
        return bool(self.skip_reason)


def copy_client_order_id(event_id: int, follower_id: int) -> str:
    """The copy's client order id, derived from (event, follower): a re-run finds what it sent."""
    return client_order_id(CID_PREFIX, event_id, follower_id)


def plan_copy(
    event: EventIn, follower: FollowerIn, rules: SymbolRules | None, stale_after_s: float
) -> PlannedCopy:
    """One follower's copy of ``event``: sized from its cached balance, or skipped with why."""
    cid = copy_client_order_id(event.event_id, follower.follower_id)
    base = PlannedCopy(follower.follower_id, cid, event.side)
    asset = "USDT" if event.side == "BUY" else "BTC"
    age = follower.balance_age_s
    if age is None or age > stale_after_s:
        return _skip(base, SkipReason.BALANCE_UNKNOWN, _stale_text(age, stale_after_s))
    free = follower.usdt if asset == "USDT" else follower.btc
    if rules is None:
        detail = f"{SYMBOL} rules of {follower.venue} unavailable"
        return _skip(replace(base, balance_used=free), RULES_UNAVAILABLE, detail)
    size = size_copy(event.side, event.ratio, free, rules, event.price)
    planned = replace(base, balance_used=free, requested=size.amount)
    if size.skipped:
        return _skip(planned, size.skip_reason, f"{size.raw_amount} {asset} → {size.amount}")
    return planned


def plan_chunk(
    event: EventIn,
    followers: list[FollowerIn],
    rules: Mapping[tuple[str, str], SymbolRules],
    stale_after_s: float,
) -> list[PlannedCopy]:
    """Every follower's copy of ``event``; ``rules`` by (venue, environment)."""
    return [plan_copy(event, f, rules.get(f.group), stale_after_s) for f in followers]


def _skip(copy: PlannedCopy, reason: str, detail: str) -> PlannedCopy:
    return replace(copy, skip_reason=reason, detail=detail)


def _stale_text(age_s: float | None, limit_s: float) -> str:
    if age_s is None:
        return "no cached balance"
    return f"cached balance is {age_s:.0f} s old (limit {limit_s:.0f} s)"
