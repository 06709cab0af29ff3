"""Live signals on stored candles: the live generator decides exactly what the backtest decides,
each signal is stored once and announced once, grading after the horizon (and not across a gap),
scorecards and the client API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from kernel.runtime_config import config_set
from tests.trading.futures.conftest import dt, store_rows
from tests.trading.futures.market_data import T0
from trading.futures import selectors
from trading.futures.models import Feed, Kline, Scorecard, Signal, SignalOutcome
from trading.futures.services import signals as services
from trading.futures.signals import candles, registry
from trading.futures.signals.indicators import frame
from trading.futures.signals.strategies import scan

pytestmark = pytest.mark.django_db
FIRST, LAST = 960, 1000  # live steps: the decision after each of these candles closed


def test_live_decides_what_the_backtest_decides(
    xrp_rows, xrp_feed, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    announced: list[int] = []
    monkeypatch.setattr(services, "on_signal_created", lambda s: announced.append(s.pk))
    store_rows("XRPUSDT", "5m", xrp_rows[:LAST])
    for k in range(FIRST, LAST):
        feed = Feed.objects.get(pk=xrp_feed.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.signals_generate(feed=feed, now=dt(xrp_rows[k][0] + 300_000))
    c = candles.from_rows("5m", xrp_rows[:LAST])
    f = frame(c)
    expected = {
        (s.strategy, s.decision_time, s.direction, s.tp, s.sl)
        for name in registry.NAMES
        for s in scan(registry.strategy(name), f)
        if s.index > FIRST - services.CATCH_UP  # the first run decides the last CATCH_UP candles
    }
    stored = {
        (s.strategy, selectors.to_ms(s.decision_time), s.direction, s.tp, s.sl)
        for s in Signal.objects.all()
    }
    assert stored == expected and expected
    assert sorted(announced) == sorted(Signal.objects.values_list("pk", flat=True))


def test_a_replayed_decision_stores_nothing_twice(xrp_rows, xrp_feed) -> None:
    store_rows("XRPUSDT", "5m", xrp_rows[:LAST])
    now = dt(xrp_rows[LAST - 1][0] + 300_000)
    services.signals_generate(feed=xrp_feed, now=now)
    count = Signal.objects.count()
    Feed.objects.filter(pk=xrp_feed.pk).update(decided_until=None)  # a lost bookmark
    assert services.signals_generate(feed=Feed.objects.get(pk=xrp_feed.pk), now=now) == []
    assert Signal.objects.count() == count


def test_a_candle_still_forming_is_not_decided(xrp_rows, xrp_feed) -> None:
    store_rows("XRPUSDT", "5m", xrp_rows[:LAST])
    services.signals_generate(feed=xrp_feed, now=dt(xrp_rows[LAST - 1][0] + 1000))
    last_close = dt(xrp_rows[LAST - 1][0] + 300_000)
    assert not Signal.objects.filter(decision_time__gte=last_close).exists()
    assert Feed.objects.get(pk=xrp_feed.pk).decided_until < last_close


def _signal(**kw) -> Signal:
    values = dict(
        symbol="TESTUSDT", interval="5m", strategy="trend_ema_adx", decision_time=dt(T0 + 300_000),
        direction="LONG", confidence=Decimal("0.6"), entry_ref=Decimal("100"),
        tp=Decimal("110"), sl=Decimal("95"), horizon_bars=3, reason={"adx": 30.0},
    )  # fmt: skip
    values.update(kw)
    return Signal.objects.create(**values)


ROWS = [(99, 100, 98, 100), (100, 104, 99, 103), (103, 111, 102, 109), (109, 109, 90, 91)]


def _store_table(rows, skip=()) -> None:
    store_rows("TESTUSDT", "5m", [
        (T0 + k * 300_000, str(o), str(h), str(lo), str(c), "1")
        for k, (o, h, lo, c) in enumerate(rows) if k not in skip
    ])  # fmt: skip


def test_grading_waits_for_the_horizon_then_records_the_outcome() -> None:
    config_set("signals_fee_bps", "5")
    _store_table(ROWS)
    signal = _signal()
    assert services.signals_grade(now=dt(T0 + 3 * 300_000)) == 0  # horizon ends at T0+4*5m
    assert services.signals_grade(now=dt(T0 + 4 * 300_000)) == 1
    outcome = SignalOutcome.objects.get(signal=signal)
    assert (outcome.outcome, outcome.exit_price, outcome.entry) == (
        "tp",
        Decimal("110"),
        Decimal("100"),
    )
    assert outcome.exit_time == dt(T0 + 2 * 300_000)
    assert outcome.r == pytest.approx(2.0) and outcome.net_r == pytest.approx(
        2.0 - 0.0005 * 210 / 5
    )
    assert services.signals_grade(now=dt(T0 + 9 * 300_000)) == 0  # graded once


def test_a_gap_in_the_horizon_waits_for_the_refill() -> None:
    _store_table(ROWS, skip={2})
    signal = _signal()
    assert services.signals_grade(now=dt(T0 + 10 * 300_000)) == 0
    Kline.objects.create(symbol="TESTUSDT", interval="5m", open_time=dt(T0 + 2 * 300_000),
                         open=103, high=111, low=102, close=109, volume=1)  # fmt: skip
    assert services.signals_grade(now=dt(T0 + 10 * 300_000)) == 1
    assert SignalOutcome.objects.get(signal=signal).outcome == "tp"


def test_scorecards_and_the_client_api(client, trader_token) -> None:
    _store_table(ROWS)
    feed = Feed.objects.create(symbol="TESTUSDT", interval="5m")
    signal = _signal()
    services.signals_grade(now=dt(T0 + 4 * 300_000))
    services.scorecards_update_live(feed=feed, now=dt(T0 + 4 * 300_000))
    card = Scorecard.objects.get(
        strategy="trend_ema_adx", symbol="TESTUSDT", source="live", window_days=30
    )
    assert (card.signals, card.hit_rate, card.expectancy_r) == (1, 1.0, pytest.approx(2.0))
    auth = {"HTTP_AUTHORIZATION": f"Token {trader_token}"}
    body = client.get("/api/v1/futures/signals?symbol=TESTUSDT", **auth).json()
    assert "投资有风险" in body["risk_notice"]
    [row] = body["signals"]
    assert (row["id"], row["direction"], row["tp"], row["outcome"]["outcome"]) == (
        signal.pk,
        "LONG",
        "110.0000000000",
        "tp",
    )
    assert row["scorecard"]["live"]["signals"] == 1 and row["has_edge"] is False
    klines = client.get("/api/v1/futures/klines?symbol=TESTUSDT&interval=5m", **auth).json()
    assert [k[0] for k in klines["klines"]] == [T0 + k * 300_000 for k in range(4)]


def test_api_refuses_bad_input_and_anonymous_callers(client, trader_token) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Token {trader_token}"}
    bad = client.get("/api/v1/futures/klines?symbol=btc/usdt&interval=7m", **auth)
    assert bad.status_code == 400 and set(bad.json()) >= {"code", "message"}
    assert client.get("/api/v1/futures/signals").status_code == 401
    assert client.get("/api/v1/futures/signals?limit=0", **auth).status_code == 400


def test_strategy_switch_stops_its_signals(xrp_rows, xrp_feed) -> None:
    store_rows("XRPUSDT", "5m", xrp_rows[:LAST])
    for name in registry.NAMES:
        services.strategy_set_enabled(name=name, enabled=False)
    assert services.signals_generate(feed=xrp_feed, now=dt(xrp_rows[LAST - 1][0] + 300_000)) == []
    with pytest.raises(KeyError):
        services.strategy_set_enabled(name="astrology", enabled=True)


def test_gap_detection() -> None:
    _store_table(ROWS + [(91, 92, 90, 91)] * 3, skip={2, 4})
    gaps = selectors.kline_gaps("TESTUSDT", "5m", since=dt(T0))
    assert gaps == [
        (dt(T0 + 2 * 300_000), dt(T0 + 2 * 300_000)),
        (dt(T0 + 4 * 300_000), dt(T0 + 4 * 300_000)),
    ]
    assert timedelta(minutes=5) == selectors.step("5m")


def test_old_candles_are_pruned_and_feed_symbols_checked() -> None:
    from django.core.exceptions import ValidationError

    from trading.futures.services import market

    _store_table(ROWS)
    assert market.klines_prune(keep_days=120, now=dt(T0) + timedelta(days=119)) == 0
    assert market.klines_prune(keep_days=120, now=dt(T0) + timedelta(days=121)) == 4
    with pytest.raises(ValidationError):
        Feed(symbol="btc/usdt", interval="5m").full_clean()
