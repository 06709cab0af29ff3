"""Pause rules: swing in a minute, silence, wear cap, balance, error → reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from trading.alpha.core import risk
from trading.alpha.core.reasons import PauseReason as R
from trading.exchanges import errors

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def ago(s: float) -> datetime:
    return NOW - timedelta(seconds=s)


@pytest.mark.parametrize(
    ("prices", "threshold", "paused"),
    [
        ([(ago(50), "1.00"), (ago(1), "1.021")], "2", True),
        ([(ago(50), "1.00"), (ago(1), "1.02")], "2", False),  # exactly 2 %: not over
        ([(ago(90), "1.00"), (ago(1), "1.05")], "2", False),  # outside the minute
        ([(ago(30), "1.00"), (ago(20), "0.97"), (ago(1), "0.99")], "2", True),  # a dip
        ([(ago(1), "1.00")], "2", False),
    ],
)
def test_swing(prices, threshold, paused) -> None:
    series = [(t, D(p)) for t, p in prices]
    assert risk.swing_exceeded(series, NOW, D(threshold)) is paused


def test_silence_wear_balance() -> None:
    assert risk.silent(ago(31), NOW, timedelta(seconds=30))
    assert not risk.silent(ago(29), NOW, timedelta(seconds=30))
    assert not risk.silent(None, NOW, timedelta(seconds=30))
    assert risk.wear_cap_reached(D(5), D(5)) and not risk.wear_cap_reached(D(5), None)
    assert not risk.wear_cap_reached(D("4.99"), D(5))
    assert risk.balance_short(D("9.99"), D(10)) and not risk.balance_short(D(10), D(10))


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (errors.SessionExpired("x", code="100002001"), R.AUTH_EXPIRED),
        (errors.RateLimited("x", code="93420018"), R.OPEN_ORDER_LIMIT),
        (errors.RateLimited("x", code="429"), R.RATE_LIMITED),
        (errors.InsufficientBalance("x"), R.INSUFFICIENT_BALANCE),
        (errors.FilterRejected("x"), R.PRECISION_FAILED),
        (errors.OrderRejected("x", code="000002"), R.ORDER_REFUSED),
    ],
)
def test_reason_for(exc, reason) -> None:
    assert risk.reason_for(exc) is reason


def test_a_stalled_stream_is_silent_a_closed_one_disconnected() -> None:
    from trading.alpha.streams import _gap_reason
    from trading.exchanges.reconnect import StreamGap

    def gap(reason: str) -> StreamGap:
        return StreamGap(NOW, NOW, reason)

    assert _gap_reason(gap("StreamStalled: no frame for 300.0s")) is R.STREAM_SILENT
    assert _gap_reason(gap("ConnectionClosedOK: received 1001")) is R.STREAM_DISCONNECTED
