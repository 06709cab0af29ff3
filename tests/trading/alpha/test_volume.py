"""Counted volume, points, loops left, wear and the venue's multiplier reading."""

from __future__ import annotations

import math
from decimal import Decimal as D

import pytest

from trading.alpha.core import volume as v

BUY_ONLY = v.CycleFills(buy_quote=D(10), buy_base=D(100), fee_base=D("0.01"))


@pytest.mark.parametrize(
    ("amount", "points"),
    [("0", 0), ("1", 0), ("1.99", 0), ("2", 1), ("3.99", 1), ("4", 2), ("1023.9", 9),
     ("1024", 10), ("65536", 16), ("100000", 16)],
)  # fmt: skip
def test_points_are_floor_log2(amount, points) -> None:
    assert v.points(D(amount)) == points == v.log2_floor_float(float(amount))


@pytest.mark.parametrize(
    ("notional", "mult", "counted"), [("10", "1", "10"), ("10", "4", "40"), ("2.5", "2", "5.0")]
)
def test_multiplier_raises_the_count(notional, mult, counted) -> None:
    assert v.counted(D(notional), D(mult)) == D(counted)


@pytest.mark.parametrize(
    ("remaining", "mult", "per_cycle", "loops"),
    [("0", "4", "10", 0), ("40", "4", "10", 1), ("41", "4", "10", 2), ("1000", "1", "10", 100),
     ("65536", "4", "10", 1639), ("-5", "1", "10", 0)],
)  # fmt: skip
def test_loops_left(remaining, mult, per_cycle, loops) -> None:
    assert v.loops_left(D(remaining), D(mult), D(per_cycle)) == loops
    if D(remaining) > 0:  # within ±1 of the plain ratio (docs/products.md alpha SC-007)
        assert abs(loops - float(remaining) / (float(mult) * float(per_cycle))) <= 1


def test_loops_left_needs_a_positive_cycle() -> None:
    with pytest.raises(ValueError):
        v.loops_left(D(10), D(1), D(0))


@pytest.mark.parametrize(
    ("kind", "value", "volume"),
    [(v.TargetKind.TODAY, "500", "500"), (v.TargetKind.TOTAL, "9000", "9000"),
     (v.TargetKind.POINTS, "14", "16384")],
)  # fmt: skip
def test_target_volume(kind, value, volume) -> None:
    assert v.target_volume(kind, D(value)) == D(volume)


def test_cycle_cost_full_cycle_fees_in_base_valued_at_fill_price() -> None:
    fills = v.CycleFills(buy_quote=D(10), buy_base=D(100), fee_base=D("0.01"),
                         sell_quote=D("9.999"), sell_base=D("99.99"), fee_quote=D("0.0009999"),
                         last_price=D("0.1"))  # fmt: skip
    cost = v.cycle_cost(fills, D(4))
    assert cost.counted == D(40)
    assert cost.fees == D("0.0009999") + D("0.01") * D("0.1")
    assert cost.cost == D(10) - (D("9.999") - D("0.0009999"))
    assert cost.spread == cost.cost - cost.fees
    assert cost.wear_bps == cost.cost / D(40) * 10000


def test_cycle_cost_values_kept_base_at_last_price() -> None:
    cost = v.cycle_cost(dataclass_replace(BUY_ONLY, last_price=D("0.09")), D(1))
    assert cost.cost == D(10) - D("99.99") * D("0.09")  # the price fell after the buy


def dataclass_replace(obj, **kw):
    import dataclasses

    return dataclasses.replace(obj, **kw)


def test_wear_and_cost_per_point() -> None:
    assert v.wear_bps(D(1), D(10000)) == 1
    assert v.wear_bps(D(1), D(0)) == 0
    assert v.cost_per_point(D(3), D(1024)) == D("0.3")
    assert v.cost_per_point(D(3), D(1)) is None


@pytest.mark.parametrize(
    ("venue", "own", "mult", "reading"),
    [("40", "10", "4", v.MultiplierReading.INCLUDED), ("10", "10", "4", v.MultiplierReading.EXCLUDED),
     ("10", "10", "1", v.MultiplierReading.INCLUDED), ("25", "10", "4", v.MultiplierReading.UNKNOWN),
     ("5", "0", "4", v.MultiplierReading.UNKNOWN)],
)  # fmt: skip
def test_venue_reading(venue, own, mult, reading) -> None:
    assert v.venue_reading(D(venue), D(own), D(mult)) == reading


def test_float_reference_agrees_on_a_grid() -> None:
    for n in range(2, 5000, 7):
        assert v.points(D(n)) == math.floor(math.log2(n))
