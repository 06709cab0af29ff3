"""The 合约信号 tab: signals from the real server endpoint with their scorecards, the chart, the
risk notice, and no "AI"/"智能" claim anywhere on it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PySide6.QtWidgets import QLabel

from client_desktop.core.api_client import ApiClient
from client_desktop.ui.signals_screenshots import candles_around, demo_page
from client_desktop.ui.signals_tab import COLUMNS, SignalsTab

PASSWORD = "correct horse 1"


def visible_text(tab: SignalsTab) -> str:
    labels = [w.text() for w in tab.findChildren(QLabel)]
    cells = [
        tab.table.item(r, c).text()
        for r in range(tab.table.rowCount())
        for c in range(len(COLUMNS))
    ]
    return "\n".join(labels + cells)


def test_demo_page_shows_scorecards_risk_and_no_ai_claim(qtbot) -> None:
    tab = SignalsTab(api=lambda: None, lang="zh")
    qtbot.addWidget(tab)
    page, bars = demo_page("zh")
    tab.show_page(page, now_text="10:05:00")
    tab.show_chart(candles_around(bars, page.signals[0]), page.signals[0])
    text = visible_text(tab)
    assert "投资有风险" in tab.risk.text()
    assert "AI" not in text and "智能" not in text
    assert tab.table.rowCount() == len(page.signals)
    model_rows = [s for s in page.signals if s.strategy == "model_gbm"]
    assert model_rows and all(s.experimental for s in model_rows)  # no edge measured on this file
    assert "试验中" in text and "基准" in tab.table.item(0, COLUMNS.index("card")).text()
    assert len(tab.chart.getPlotItem().items) >= 5  # candles, horizon, entry, TP, SL (+marker)
    tab.retranslate("en")
    assert "Trading involves risk" in tab.risk.text()


@pytest.mark.django_db(transaction=True)
@pytest.mark.integration
def test_signals_come_from_the_server_with_their_scorecards(qtbot, live_server) -> None:
    from accounts.services import trader_create
    from trading.futures.models import Kline, Scorecard, Signal

    trader_create(
        username="sig_ui", password=PASSWORD, expires_at=timezone.now() + timedelta(days=3)
    )
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=40)
    for k in range(30):
        Kline.objects.create(symbol="BTCUSDT", interval="1m", open_time=start + timedelta(minutes=k),
                             open=100 + k, high=101 + k, low=99 + k, close=100.5 + k, volume=1)  # fmt: skip
    Signal.objects.create(
        symbol="BTCUSDT", interval="1m", strategy="meanrev_rsi_bb", decision_time=start + timedelta(minutes=20),
        direction="LONG", confidence=Decimal("0.61"), entry_ref=Decimal("120.5"), tp=Decimal("123"),
        sl=Decimal("119"), horizon_bars=12, reason={"rsi": 24.5},
    )  # fmt: skip
    Scorecard.objects.create(strategy="meanrev_rsi_bb", symbol="BTCUSDT", interval="1m", source="live",
                             window_days=30, signals=25, hit_rate=0.52, base_rate=0.40,
                             expectancy_r=0.3, expectancy_net_r=0.2)  # fmt: skip
    api = ApiClient(live_server.url)
    api.login("sig_ui", PASSWORD, "dev-sig-ui")
    tab = SignalsTab(api=lambda: api, lang="zh")
    qtbot.addWidget(tab)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=10_000)
    card = tab.table.item(0, COLUMNS.index("card")).text()
    assert (
        "25个" in card
        and "命中52.0%" in card
        and "基准40.0%" in card
        and "跑赢基准" in card
        and "未跑赢" not in card
    )
    qtbot.waitUntil(lambda: len(tab.chart.getPlotItem().items) >= 5, timeout=10_000)
    tab.runner.wait()
    api.close()


def test_trade_button_hands_the_open_signal_over_and_stays_off_for_a_graded_one(qtbot) -> None:
    from dataclasses import replace

    from client_desktop.core.signals_api import SignalsPage

    tab = SignalsTab(api=lambda: None, lang="zh")
    qtbot.addWidget(tab)
    page, _bars = demo_page("zh")
    open_signal = replace(page.signals[0], outcome=None)
    graded = replace(page.signals[0], id=page.signals[0].id + 1000, outcome="tp")
    tab.show_page(SignalsPage("", [open_signal, graded]), now_text="10:05:00")
    assert tab.trade_button.text() == "一键交易…"
    tab.table.selectRow(0)
    assert tab.trade_button.isEnabled()
    with qtbot.waitSignal(tab.trade_requested, timeout=1000) as sent:
        tab.trade_button.click()
    assert sent.args[0] is open_signal
    tab.table.selectRow(1)
    assert not tab.trade_button.isEnabled()
