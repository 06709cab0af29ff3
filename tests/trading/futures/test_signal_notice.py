"""The opt-in "new signal" notification: only those whose subscription names the kind get it (a
subscribe-to-everything subscription does not), once per signal however often the hook runs, and
the message carries the strategy's measured record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Trader
from notifications.models import Notification, Subscription
from notifications.selectors import notification_text
from notifications.services import channel_create
from trading.futures.models import Scorecard, Signal
from trading.futures.services import signals as services

pytestmark = pytest.mark.django_db


def _trader(name: str) -> Trader:
    return Trader.objects.create(
        username=name, password="x", expires_at=timezone.now() + timedelta(days=30)
    )


def _subscribe(trader: Trader, kinds: str) -> None:
    ref = f"t:{trader.pk}"
    channel = channel_create(
        owner=ref, kind="webhook", name=f"{trader.username} hook", url="http://127.0.0.1:9/h",
        subscribe=False,
    )  # fmt: skip
    Subscription.objects.create(recipient=ref, channel=channel, kinds=kinds, min_severity="info")


def _signal() -> Signal:
    return Signal.objects.create(
        symbol="BTCUSDT", interval="5m", strategy="meanrev_rsi_bb",
        decision_time=datetime(2026, 12, 7, 12, 0, tzinfo=UTC), direction="LONG",
        confidence=Decimal("0.61"), entry_ref=Decimal("100000"), tp=Decimal("101000"),
        sl=Decimal("99500"), horizon_bars=12, reason={"rsi": 24.1},
    )  # fmt: skip


def test_only_explicit_subscribers_get_it_once_with_the_record():
    wants, everything, nobody = _trader("wants"), _trader("everything"), _trader("nobody")
    _subscribe(wants, "futures.new_signal")
    _subscribe(everything, "")
    signal = _signal()
    Scorecard.objects.create(
        strategy="meanrev_rsi_bb", symbol="BTCUSDT", interval="5m", source="backtest",
        window_days=30, signals=59, hit_rate=0.678, base_rate=0.296, expectancy_net_r=0.252,
    )  # fmt: skip
    for _ in range(3):
        services.on_signal_created(signal)
    rows = Notification.objects.filter(kind="futures.new_signal")
    assert [r.recipient for r in rows] == [f"t:{wants.pk}"]
    title, body = notification_text(rows[0], "zh")
    assert title == "合约信号：BTCUSDT 5m 做多（均值回归：RSI + 布林带）"
    assert "59 个信号，命中率 68%（随机基准 30%），净期望 +0.25R" in body
    assert "投资有风险" in body
    assert not Notification.objects.filter(recipient__in=[f"t:{everything.pk}", f"t:{nobody.pk}"])


def test_without_a_record_the_message_says_so_in_english_too():
    trader = _trader("en")
    _subscribe(trader, "futures.*")
    services.on_signal_created(_signal())
    row = Notification.objects.get(kind="futures.new_signal")
    title, body = notification_text(row, "en")
    assert title == "Futures signal: BTCUSDT 5m LONG (Mean reversion: RSI + Bollinger)"
    assert "no record yet (too few signals)" in body
