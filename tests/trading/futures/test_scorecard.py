"""Scorecard figures on tables of graded outcomes."""

from __future__ import annotations

import pytest

from trading.futures.signals.grading import Graded
from trading.futures.signals.scorecard import longest_losing_streak, max_drawdown, score


def g(outcome: str, r: float, fees_r: float = 0.1) -> Graded:
    return Graded(outcome, 100.0, 100.0 + r, 0, 1, r, fees_r, 0.0, max(r, 0.0), max(-r, 0.0))  # type: ignore[arg-type]


def test_score_table() -> None:
    trades = [g("tp", 2.0), g("sl", -1.0), g("sl", -1.0), g("timeout", 0.5), g("tp", 2.0)]
    card = score(trades, base_rate=0.3)
    assert card.signals == 5
    assert card.hit_rate == 0.4
    assert card.expectancy_r == pytest.approx(0.5)
    assert card.expectancy_net_r == pytest.approx(0.4)
    assert card.profit_factor == pytest.approx(4.5 / 2)
    assert card.max_drawdown_r == pytest.approx(2.2)
    assert card.longest_losing_streak == 2
    assert card.avg_mfe_r == pytest.approx(0.9) and card.avg_mae_r == pytest.approx(0.4)
    assert card.beats_base_rate


def test_no_edge_is_not_beating_the_base_rate() -> None:
    assert not score([g("tp", 2.0), g("sl", -1.0)], base_rate=0.6).beats_base_rate
    assert not score([g("sl", -1.0)], base_rate=0.0).beats_base_rate
    empty = score([], base_rate=None)
    assert (empty.signals, empty.hit_rate, empty.beats_base_rate) == (0, None, False)


@pytest.mark.parametrize(
    ("values", "drawdown", "streak"),
    [([], 0.0, 0), ([1, 1, 1], 0.0, 0), ([1, -1, -1, 2, -3], 3.0, 2), ([-1, -1, -1], 3.0, 3)],
)
def test_drawdown_and_streak(values, drawdown, streak) -> None:
    assert max_drawdown(values) == pytest.approx(drawdown)
    assert longest_losing_streak(values) == streak
