"""``--demo-screenshots DIR``: render the main screens offscreen with realistic demo state (no
server, no Binance) and save them as PNG files, for the README and docs/client.md."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from client_desktop.core.api_client import ApiClient, ApiError
from client_desktop.core.i18n import error_text
from client_desktop.ui.fonts import load_bundled_fonts
from client_desktop.ui.login_window import LoginWindow
from client_desktop.ui.main_window import MainWindow
from client_desktop.ui.orders_model import OrderRow
from client_desktop.ui.qr_screen import QrScreen
from client_desktop.ui.status_bar import StatusBar
from client_desktop.ui.trade_tab import TradeTab
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.binance_web.qr_login import QrCode, QrPoll

DEVICE_ID = "dev-3f9a61c2d84e0b57"
SERVER = "http://127.0.0.1:8000"
NOW = datetime.now(UTC)
BALANCE = {"zh": "余额不足 (93420002)", "en": "insufficient balance (93420002)"}


class DemoQrSource:
    """A QR code that is never scanned (the screen just shows it)."""

    def fetch_code(self) -> QrCode:
        return QrCode("demo7f3c2a9e", "https://www.binance.com/en/qr/demo7f3c2a9e")

    def poll(self, code: str) -> QrPoll:
        return QrPoll(QrStatus.NEW)


def demo_orders(lang: str) -> list[OrderRow]:
    """A morning of deliveries: placed, one balance refusal, one skipped after a restart."""
    refusal = error_text("binance_rejected", lang, detail=BALANCE[lang])
    local = datetime.now().astimezone().replace(hour=10, minute=0, second=0, microsecond=0)
    specs = [
        (1041, 0, "BTCUSDT", "LONG", "TEN_MINUTE", "placed", "8821904417", ""),
        (1042, 7, "ETHUSDT", "SHORT", "THIRTY_MINUTE", "placed", "8821911025", ""),
        (1043, 19, "BTCUSDT", "SHORT", "ONE_HOUR", "failed", "", refusal),
        (1044, 33, "BNBUSDT", "LONG", "TEN_MINUTE", "skipped_expired", "", ""),
        (1045, 48, "BTCUSDT", "LONG", "TEN_MINUTE", "placed", "8821980533", ""),
        (1046, 61, "ETHUSDT", "LONG", "ONE_HOUR", "placing", "", ""),
    ]
    return [
        OrderRow(oid, local + timedelta(minutes=m), sym, d, inc, Decimal("20"), st, bid, err)
        for oid, m, sym, d, inc, st, bid, err in specs
    ]


class Stage:
    """The main window with the three screens, as the running app builds it."""

    def __init__(self, lang: str) -> None:
        self.status = StatusBar(now=lambda: NOW, lang=lang)
        self.window = MainWindow(self.status, lang)
        self.login = LoginWindow(device_id=DEVICE_ID, server=SERVER, username="trader1", lang=lang)
        self.qr = QrScreen(DemoQrSource(), lang=lang, show_code_text=True)
        self.trade = TradeTab(save_amount=lambda amount: None, amount=Decimal("20"), lang=lang)
        for screen in (self.login, self.qr, self.window.tabs):
            self.window.add_screen(screen)
        self.window.add_tab(self.trade, "tab.event")
        self.window.resize(1040, 660)
        self.window.show()

    def logged_in(self, *, auto: bool, bound: bool = True) -> None:
        self.status.set_server(True)
        self.status.set_session(NOW + timedelta(hours=21, minutes=37))
        self.status.set_binding(bound, NOW + timedelta(days=4, hours=6) if bound else None)
        self.status.set_auto(auto)


def grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def render_all(out_dir: Path, lang: str | None = None) -> list[Path]:
    """Render every screen (Chinese, plus the trading tab in English) into ``out_dir``."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    load_bundled_fonts(app)
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = lang or "zh"
    stage = Stage(lang)
    paths = [grab(stage.window, out_dir / "login.png")]
    refused = ApiError("device_not_allowed", "", 403, {"device_id": DEVICE_ID})
    stage.login.username_edit.setText("trader1")
    stage.login._failed(ApiClient(SERVER), refused)  # as after a real refusal
    paths.append(grab(stage.window, out_dir / "login_device_not_allowed.png"))
    stage.logged_in(auto=False, bound=False)
    stage.window.show_screen(stage.qr)
    code = DemoQrSource().fetch_code()
    stage.qr.state = stage.qr.state.__class__(stage.qr.state.phase.WAITING, code.code)
    stage.qr._show_code(code.render_text)
    paths.append(grab(stage.window, out_dir / "qr_binding.png"))
    stage.logged_in(auto=True)
    stage.window.show_screen(stage.window.tabs)
    stage.trade.set_auto(True)
    now = datetime.now().astimezone().replace(hour=11, minute=5)
    for row in demo_orders(lang):
        stage.trade.show_order(row, now=now)
    paths.append(grab(stage.window, out_dir / "trading.png"))
    other = "en" if lang == "zh" else "zh"
    for row in demo_orders(other):  # the demo errors, reworded
        stage.trade.show_order(row, now=now)
    for screen in (stage.trade, stage.window):
        screen.retranslate(other)
    paths.append(grab(stage.window, out_dir / f"trading_{other}.png"))
    for screen in (stage.trade, stage.window):
        screen.retranslate(lang)
    paths += render_futures(stage, out_dir, lang)
    stage.window.close()
    return paths


def render_futures(stage: Stage, out_dir: Path, lang: str) -> list[Path]:
    """The futures tab (「合约交易」) and its trade confirmation, with demo data."""
    from client_desktop.ui import futures_demo

    def add(tab: QWidget) -> None:
        stage.window.add_tab(tab, "tab.futures")
        stage.window.tabs.setCurrentWidget(tab)

    return futures_demo.render(stage.window, add, out_dir, lang)
