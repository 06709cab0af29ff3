"""The link from a futures signal to a trade: a trade whose ``signal_key`` is ``signal:<id>`` must
carry that signal's own symbol, direction and TP/SL, and the signal must still be open (its
horizon not over, not yet graded). So a click from the 「合约信号」 screen trades exactly what the
signal said, and a stale or altered signal is refused with a reason, never traded."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from trading.futures import selectors as signal_selectors
from trading.futures.models import Signal

PREFIX = "signal:"


def signal_id_of(signal_key: str) -> int | None:
    """``"signal:42"`` → 42; any other key (a manual or external idea) → None."""
    if not signal_key.startswith(PREFIX):
        return None
    tail = signal_key[len(PREFIX) :]
    return int(tail) if tail.isdigit() else None


def horizon_end(signal: Signal) -> datetime:
    """When the signal's horizon is over: the entry candle opens one step after the decision."""
    return signal.decision_time + signal_selectors.step(signal.interval) * (signal.horizon_bars + 1)


def _same(a: Decimal | None, b: Decimal) -> bool:
    return a is not None and Decimal(a) == Decimal(b)


def signal_refusal(
    *,
    signal_key: str,
    symbol: str,
    direction: str,
    take_profit: Decimal | None,
    stop_loss: Decimal | None,
    now: datetime | None = None,
) -> str | None:
    """Why a trade may not be made from the signal it names (a code), or None when it may."""
    sid = signal_id_of(signal_key)
    if sid is None:
        return None if not signal_key.startswith(PREFIX) else "signal_unknown"
    signal = Signal.objects.filter(pk=sid).select_related("outcome").first()
    if signal is None:
        return "signal_unknown"
    if (symbol, direction) != (signal.symbol, signal.direction):
        return "signal_mismatch"
    if not (_same(take_profit, signal.tp) and _same(stop_loss, signal.sl)):
        return "signal_mismatch"
    if getattr(signal, "outcome", None) is not None or (now or timezone.now()) >= horizon_end(
        signal
    ):
        return "signal_expired"
    return None
