"""Pause rules (pure): price swing within a minute, silent streams, wear cap, balance, and which
venue errors pause a bot with which reason."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from trading.alpha.core.reasons import PauseReason
from trading.exchanges import errors

SWING_WINDOW = timedelta(minutes=1)
HUNDRED = Decimal(100)


def swing_pct(prices: Iterable[tuple[datetime, Decimal]], now: datetime) -> Decimal:
    """Largest move within the last minute: (max − min) / min in percent."""
    recent = [p for t, p in prices if now - t <= SWING_WINDOW and p > 0]
    if len(recent) < 2:
        return Decimal(0)
    low, high = min(recent), max(recent)
    return (high - low) / low * HUNDRED


def swing_exceeded(
    prices: Iterable[tuple[datetime, Decimal]], now: datetime, threshold_pct: Decimal
) -> bool:
    return swing_pct(prices, now) > threshold_pct


def silent(last_event: datetime | None, now: datetime, max_silence: timedelta) -> bool:
    """A stream with no event (trade or heartbeat) for longer than ``max_silence``."""
    return last_event is not None and now - last_event > max_silence


def wear_cap_reached(total_cost: Decimal, cap: Decimal | None) -> bool:
    return cap is not None and cap > 0 and total_cost >= cap


def balance_short(free_usdt: Decimal, needed: Decimal) -> bool:
    """The configured size is never shrunk to fit: short is short."""
    return free_usdt < needed


def reason_for(exc: BaseException) -> PauseReason:
    """The pause reason a venue error means (the error tree says how to react)."""
    code = getattr(exc, "code", None)
    if isinstance(exc, errors.SessionExpired | errors.AuthError):
        return PauseReason.AUTH_EXPIRED
    if code == "93420018":
        return PauseReason.OPEN_ORDER_LIMIT
    if isinstance(exc, errors.RateLimited):
        return PauseReason.RATE_LIMITED
    if isinstance(exc, errors.InsufficientBalance):
        return PauseReason.INSUFFICIENT_BALANCE
    if isinstance(exc, errors.FilterRejected):
        return PauseReason.PRECISION_FAILED
    return PauseReason.ORDER_REFUSED
