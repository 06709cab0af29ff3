"""A click from the signals screen trades exactly what the signal said: a trade named
``signal:<id>`` is refused (400, field ``signal_key``, a code and words) when the signal does not
exist, when its symbol, direction, TP or SL differ, or when its horizon is over or it is graded;
the signal's own levels are accepted and placed once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from trading.futures.models import Signal
from trading.futures_trading.from_signal import horizon_end, signal_refusal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def _signal(**kw) -> Signal:
    values = {
        "symbol": "BTCUSDT", "interval": "5m", "strategy": "trend_ema_adx",
        "decision_time": timezone.now() - timedelta(minutes=5), "direction": "LONG",
        "confidence": Decimal("0.6"), "entry_ref": Decimal("50000"), "tp": Decimal("52000"),
        "sl": Decimal("49000"), "horizon_bars": 12, "reason": {},
    }  # fmt: skip
    values.update(kw)
    return Signal.objects.create(**values)


def _levels(signal: Signal, **kw) -> dict:
    out = {
        "signal_key": f"signal:{signal.pk}", "symbol": signal.symbol,
        "direction": signal.direction, "take_profit": signal.tp, "stop_loss": signal.sl,
    }  # fmt: skip
    out.update(kw)
    return out


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, None),
        ({"symbol": "ETHUSDT"}, "signal_mismatch"),
        ({"direction": "SHORT"}, "signal_mismatch"),
        ({"stop_loss": Decimal("48000")}, "signal_mismatch"),
        ({"take_profit": None}, "signal_mismatch"),
        ({"signal_key": "signal:999999"}, "signal_unknown"),
        ({"signal_key": "signal:x"}, "signal_unknown"),
        ({"signal_key": "manual-1", "symbol": "ETHUSDT"}, None),  # not a signal: no link to check
    ],
)
def test_the_trade_must_be_the_signals_own(change, code):
    assert signal_refusal(**_levels(_signal(), **change)) == code


def test_a_signal_past_its_horizon_is_refused():
    signal = _signal(decision_time=timezone.now() - timedelta(hours=2))
    assert timezone.now() >= horizon_end(signal)
    assert signal_refusal(**_levels(signal)) == "signal_expired"


def test_through_the_api_a_mismatch_is_a_400_and_the_signals_levels_trade_once(sim, api):
    signal = _signal()
    body = {
        "signal_key": f"signal:{signal.pk}", "symbol": "BTCUSDT", "direction": "LONG",
        "entry_ref": "50000", "take_profit": "52000", "stop_loss": "48000", "margin": "100",
        "leverage": 10,
    }  # fmt: skip
    refused = api("post", "trades", body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_input" and "signal_key" in refused.json()["detail"]
    opened = api("post", "trades", {**body, "stop_loss": "49000"})
    assert opened.status_code == 201, opened.content
    assert api("post", "trades", {**body, "stop_loss": "49000"}).json()["id"] == opened.json()["id"]
