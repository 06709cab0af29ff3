"""Grade one signal from the candles that followed it.

The rules (also in ``docs/signals.md``):

- entry at the OPEN of the next candle after the signal candle (the entry candle, which is the
  first candle of the horizon);
- TP or SL, whichever is touched first from the entry candle on; both inside one candle counts the
  SL (we cannot know the order inside a candle, so we assume the worse);
- a candle that OPENS beyond a level exits at that open (a gap fills at the market, not at the
  level);
- otherwise a timeout at the close of the horizon's last candle;
- a horizon that runs past the data is still open (not graded); a missing candle inside the
  horizon leaves it ungraded until the gap is refilled;
- R = result / |entry − SL|; net R also pays the taker fee on both sides and the funding of every
  funding time while the position is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

from trading.futures.signals.candles import Candles

Outcome = Literal["tp", "sl", "timeout"]
DEFAULT_FEE_RATE = 0.0005  # taker 0.05 % per side


@dataclass(frozen=True)
class Trade:
    """What a signal is asked to do: the levels and the time limit."""

    decision_time: int  # ms; the entry candle opens at this time
    direction: Literal["LONG", "SHORT"]
    tp: float
    sl: float
    horizon: int
    entry_ref: float  # the signal candle's close (used only if the entry opens through the SL)


@dataclass(frozen=True)
class Graded:
    """The outcome of a graded signal."""

    outcome: Outcome
    entry: float
    exit: float
    exit_time: int  # ms, open time of the candle it closed in
    bars_held: int
    r: float
    fees_r: float
    funding_r: float
    mfe_r: float
    mae_r: float

    @property
    def net_r(self) -> float:
        return self.r - self.fees_r - self.funding_r


@dataclass(frozen=True)
class Ungraded:
    """Not gradable yet: ``open`` (horizon past the data) or ``gap`` (a candle is missing)."""

    why: Literal["open", "gap"]


def grade(
    c: Candles,
    t: Trade,
    *,
    fee_rate: float = DEFAULT_FEE_RATE,
    funding: list[tuple[int, float]] | None = None,
) -> Graded | Ungraded:
    """Grade ``t`` on the candles ``c`` (which must contain its entry candle and horizon)."""
    start = int(np.searchsorted(c.open_time, t.decision_time))
    expected = t.decision_time + np.arange(t.horizon, dtype=np.int64) * c.step_ms
    window = c.open_time[start : start + t.horizon]
    if len(window) < t.horizon:
        if len(window) == 0 or np.array_equal(window, expected[: len(window)]):
            return Ungraded("open")
        return Ungraded("gap")
    if not np.array_equal(window, expected):
        return Ungraded("gap")
    return _walk(c, t, start, fee_rate, funding or [])


def _walk(
    c: Candles, t: Trade, start: int, fee_rate: float, funding: list[tuple[int, float]]
) -> Graded:
    sign = 1.0 if t.direction == "LONG" else -1.0
    entry = float(c.open[start])
    risk = abs(entry - t.sl) if sign * (entry - t.sl) > 0 else 0.0
    outcome: Outcome
    outcome, exit_price, k = "timeout", float(c.close[start + t.horizon - 1]), t.horizon - 1
    for k in range(t.horizon):
        hit = _touch(c, start + k, sign, t.tp, t.sl, first=k == 0)
        if hit is not None:
            outcome, exit_price = hit
            break
    end = start + k
    if risk == 0.0:  # entered at or through the stop: closed at once at the entry price
        risk, outcome, exit_price, end = abs(t.entry_ref - t.sl), "sl", entry, start
    mfe, mae = _excursions(c, start, end, sign, entry, exit_price, outcome)
    return Graded(
        outcome=outcome, entry=entry, exit=exit_price, exit_time=int(c.open_time[end]),
        bars_held=end - start + 1, r=sign * (exit_price - entry) / risk,
        fees_r=fee_rate * (entry + exit_price) / risk,
        funding_r=_funding(c, start, end, sign, funding) / risk,
        mfe_r=mfe / risk, mae_r=mae / risk,
    )  # fmt: skip


def _touch(
    c: Candles, i: int, sign: float, tp: float, sl: float, *, first: bool
) -> tuple[Outcome, float] | None:
    """The level candle ``i`` touches, with the exit price (SL first; a gap exits at the open)."""
    o, high, low = float(c.open[i]), float(c.high[i]), float(c.low[i])
    adverse, favourable = (low, high) if sign > 0 else (high, low)
    if sign * (o - sl) <= 0 and not first:
        return "sl", o
    if sign * (adverse - sl) <= 0:
        return "sl", sl
    if sign * (o - tp) >= 0:
        return "tp", o
    if sign * (favourable - tp) >= 0:
        return "tp", tp
    return None


def _excursions(
    c: Candles, start: int, end: int, sign: float, entry: float, exit_price: float, outcome: str
) -> tuple[float, float]:
    """Maximum favourable / adverse excursion (price distance), capped at the exit level."""
    highs, lows = c.high[start : end + 1], c.low[start : end + 1]
    best = float(highs.max()) if sign > 0 else float(lows.min())
    worst = float(lows.min()) if sign > 0 else float(highs.max())
    mfe, mae = max(0.0, sign * (best - entry)), max(0.0, sign * (entry - worst))
    if outcome == "sl":
        mae = min(mae, max(0.0, sign * (entry - exit_price)))
    if outcome == "tp":
        mfe = min(mfe, max(0.0, sign * (exit_price - entry)))
    return mfe, mae


def _funding(
    c: Candles, start: int, end: int, sign: float, funding: list[tuple[int, float]]
) -> float:
    """Funding paid (positive) over the holding time, in price units of one contract.

    A positive rate makes longs pay shorts. The mark price is approximated by the close of the
    candle the funding time falls in.
    """
    opened, closed = int(c.open_time[start]), int(c.open_time[end]) + c.step_ms
    paid = 0.0
    for when, rate in funding:
        if opened < when <= closed:
            i = min(end, max(start, int(np.searchsorted(c.open_time, when, side="right")) - 1))
            paid += sign * rate * float(c.close[i])
    return paid


def as_decimal(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))
