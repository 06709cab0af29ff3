"""Grading rules on hand-made candle tables (5m; the signal candle is row 0, entry is row 1)."""

from __future__ import annotations

import pytest

from tests.trading.futures.market_data import T0, table
from trading.futures.signals.grading import Graded, Trade, Ungraded, grade

DECIDED = T0 + 300_000  # close of row 0 = open of the entry candle (row 1)


def long(tp: float = 110.0, sl: float = 95.0, horizon: int = 3) -> Trade:
    return Trade(DECIDED, "LONG", tp=tp, sl=sl, horizon=horizon, entry_ref=100.0)


def short(tp: float = 90.0, sl: float = 105.0, horizon: int = 3) -> Trade:
    return Trade(DECIDED, "SHORT", tp=tp, sl=sl, horizon=horizon, entry_ref=100.0)


SIGNAL = (99.0, 100.0, 98.0, 100.0)

# (case, trade, candles after the signal candle, outcome, exit price, exit row, gross R)
CASES = [
    ("TP first", long(), [(100, 104, 99, 103), (103, 111, 102, 109), (109, 109, 90, 91)],
     "tp", 110.0, 2, 2.0),
    ("SL first", long(), [(100, 101, 96, 97), (97, 98, 94, 95), (95, 120, 95, 118)],
     "sl", 95.0, 2, -1.0),
    ("both in one candle: SL counts", long(), [(100, 112, 94, 105), (105, 106, 104, 105),
     (105, 106, 104, 105)], "sl", 95.0, 1, -1.0),
    ("timeout at the last close", long(), [(100, 104, 97, 102), (102, 106, 99, 101),
     (101, 108, 99, 104)], "timeout", 104.0, 3, 0.8),
    ("entry is the next OPEN, not the signal close", long(), [(101, 104, 99, 103),
     (103, 111, 102, 109), (109, 109, 90, 91)], "tp", 110.0, 2, 1.5),
    ("price gap through SL exits at the open", long(), [(100, 104, 99, 103),
     (93, 94, 90, 92), (92, 93, 91, 92)], "sl", 93.0, 2, -1.4),
    ("price gap through TP exits at the open", long(), [(100, 104, 99, 103),
     (112, 115, 111, 113), (113, 114, 112, 113)], "tp", 112.0, 2, 2.4),
    ("short TP first", short(), [(100, 101, 95, 96), (96, 97, 89, 90), (90, 110, 89, 109)],
     "tp", 90.0, 2, 2.0),
    ("short both in one candle: SL counts", short(), [(100, 106, 88, 95),
     (95, 96, 94, 95), (95, 96, 94, 95)], "sl", 105.0, 1, -1.0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "trade", "rows", "outcome", "exit_price", "exit_row", "r"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_grading_table(case, trade, rows, outcome, exit_price, exit_row, r) -> None:
    c = table([SIGNAL, *rows])
    result = grade(c, trade, fee_rate=0.0)
    assert isinstance(result, Graded), case
    assert (result.outcome, result.exit) == (outcome, exit_price)
    assert result.exit_time == T0 + exit_row * 300_000
    assert result.r == pytest.approx(r)
    assert result.net_r == pytest.approx(r)


def test_horizon_past_the_data_is_open() -> None:
    c = table([SIGNAL, (100, 104, 99, 103), (103, 105, 101, 104)])
    assert grade(c, long(horizon=3)) == Ungraded("open")
    assert grade(table([SIGNAL]), long()) == Ungraded("open")


def test_missing_candle_inside_the_horizon_is_a_gap() -> None:
    rows = [SIGNAL, (100, 104, 99, 103), (103, 105, 101, 104), (104, 105, 101, 104)]
    assert grade(table(rows, skip={2}), long()) == Ungraded("gap")
    assert isinstance(grade(table(rows), long()), Graded)


def test_entry_opening_through_the_stop_closes_at_once() -> None:
    c = table([SIGNAL, (94, 120, 93, 118), (118, 119, 117, 118), (118, 119, 117, 118)])
    result = grade(c, long(), fee_rate=0.0)
    assert isinstance(result, Graded)
    assert (result.outcome, result.exit, result.r, result.bars_held) == ("sl", 94.0, 0.0, 1)


def test_fees_and_funding_make_net_r() -> None:
    """Taker 0.05 % per side on entry and exit; a +0.01 % funding inside the holding time is paid
    by the long (in R: rate × mark / risk)."""
    rows = [SIGNAL, (100, 104, 99, 103), (103, 111, 102, 109), (109, 109, 90, 91)]
    funding = [(T0 + 2 * 300_000 + 1, 0.0001), (T0 + 10 * 300_000, 0.01)]  # 2nd is after exit
    result = grade(table(rows), long(), fee_rate=0.0005, funding=funding)
    assert isinstance(result, Graded)
    assert result.fees_r == pytest.approx(0.0005 * (100 + 110) / 5)
    assert result.funding_r == pytest.approx(0.0001 * 109 / 5)
    assert result.net_r == pytest.approx(2.0 - 0.021 - 0.00218)
    short_result = grade(table(rows), short(tp=80, sl=112), fee_rate=0.0, funding=funding)
    assert isinstance(short_result, Graded) and short_result.funding_r < 0  # shorts receive


def test_excursions_in_r() -> None:
    rows = [SIGNAL, (100, 104, 97, 102), (102, 106, 99, 101), (101, 108, 99, 104)]
    result = grade(table(rows), long(), fee_rate=0.0)
    assert isinstance(result, Graded)
    assert (result.mfe_r, result.mae_r) == (pytest.approx(8 / 5), pytest.approx(3 / 5))
