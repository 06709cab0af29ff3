"""``--demo-screenshots DIR``: render the main screens offscreen with realistic demo state (no
server, no Binance) and save them as PNG files, for the README and docs/client.md."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from client_desktop.core.api_client import ApiClient
from client_desktop.core.copytrade_api import (
    CopyStatus,
    EventView,
    FollowerView,
    LastCopy,
    LeaderView,
)
from client_desktop.core.i18n import tr
from client_desktop.core.notifications_api import ChannelInfo, NotificationItem, NotificationPage
from client_desktop.core.server_http import ApiError
from client_desktop.ui.fonts import load_bundled_fonts
from client_desktop.ui.login_window import LoginWindow
from client_desktop.ui.main_window import MainWindow
from client_desktop.ui.notifications_tab import NotificationsTab
from client_desktop.ui.orders_model import OrderRow
from client_desktop.ui.qr_screen import QrScreen
from client_desktop.ui.status_bar import StatusBar
from client_desktop.ui.trade_tab import TradeTab
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.binance_web.qr_login import QrCode, QrPoll
from trading.exchanges.venue_errors import explain, with_detail

DEVICE_ID = "dev-3f9a61c2d84e0b57"
SERVER = "http://127.0.0.1:8000"
NOW = datetime.now(UTC)
RAW_BALANCE = "Insufficient balance"  # what Binance web says; the words come from the catalogue


class DemoQrSource:
    """A QR code that is never scanned (the screen just shows it)."""

    def fetch_code(self) -> QrCode:
        return QrCode("demo7f3c2a9e", "https://www.binance.com/en/qr/demo7f3c2a9e")

    def poll(self, code: str) -> QrPoll:
        return QrPoll(QrStatus.NEW)


def demo_orders(lang: str) -> list[OrderRow]:
    """A morning of deliveries: placed, one balance refusal, one skipped after a restart."""
    refusal = with_detail(explain("binance_web", "93420002", RAW_BALANCE, lang))
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


def demo_notifications(lang: str) -> NotificationPage:
    """What a trader sees on a Monday morning: two unread warnings, older ones read."""
    local = datetime.now().astimezone().replace(hour=9, minute=30, second=0, microsecond=0)
    zh = lang != "en"
    rows = [
        (
            5,
            0,
            "warning",
            "币安绑定即将到期" if zh else "Binance binding expiring",
            "您的币安账号绑定将于 2026-12-08 02:10（UTC）到期，剩余约 16 小时。到期后事件合约无法下单，请在客户端重新扫码绑定。"
            if zh
            else "Your Binance binding expires at 2026-12-08 02:10 (UTC), in about 16 h: scan the QR code again.",
            False,
        ),
        (
            4,
            12,
            "warning",
            "账户即将到期：trader1" if zh else "Account expiring: trader1",
            "交易员「trader1」的账户将于 2026-12-10 00:00（UTC）到期，剩余约 62 小时。"
            if zh
            else "Trader “trader1”'s account expires at 2026-12-10 00:00 (UTC), in about 62 h.",
            False,
        ),
        (
            3,
            95,
            "critical",
            "通知渠道故障：我的钉钉" if zh else "Notification channel broken: my DingTalk",
            "渠道「我的钉钉」连续 3 次发送失败，已暂停使用。最近错误：[310000] sign not match。"
            if zh
            else "Channel “my DingTalk” failed 3 times in a row and is paused. Last error: [310000] sign not match.",
            True,
        ),
        (
            2,
            600,
            "info",
            "Fleet 测试消息" if zh else "Fleet test message",
            "这是来自 Fleet 的测试消息。收到即表示配置正确。"
            if zh
            else "This is a test message from Fleet.",
            True,
        ),
    ]
    items = [
        NotificationItem(
            pk, f"k{pk}", sev, title, body, (local - timedelta(minutes=m)).astimezone(UTC), read
        )
        for pk, m, sev, title, body, read in rows
    ]
    return NotificationPage(2, items)


def demo_channels() -> list[ChannelInfo]:
    return [
        ChannelInfo(
            1,
            "dingtalk",
            "我的钉钉",
            "https://oapi.dingtalk.com/robot/send?access_token=9f3c••••71ab",
            True,
            False,
            "",
            "warning",
        ),
        ChannelInfo(
            2, "telegram", "Telegram 提醒", "https://api.telegram.org", True, False, "", "info"
        ),
        ChannelInfo(
            3,
            "wecom",
            "企业微信群",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=4b1e••••c09d",
            True,
            True,
            "[93000] invalid webhook url",
            "warning",
        ),
    ]


def demo_copy_status() -> CopyStatus:
    """Copy trading in full swing: four followers on both venues, one refused by Bitget."""
    filled = LastCopy("BUY", Decimal("0.0812"), Decimal("81.2"), "FILLED", 142, "", "", 57)
    sold = LastCopy("SELL", Decimal("0.0812"), Decimal("0.00093"), "FILLED", 188, "", "", 57)
    poor = LastCopy(
        "BUY",
        Decimal("0.0812"),
        Decimal("4.1"),
        "FAILED",
        None,
        "[bitget 43012] Insufficient balance",
        "",
        57,
    )
    skipped = LastCopy(
        "BUY", Decimal("0.0812"), Decimal(0), "SKIPPED", None, "", "below_min_notional", 57
    )

    def follower(fid, name, venue, env, usdt, btc, last, state="ACTIVE", error=""):
        return FollowerView(
            fid,
            name,
            venue,
            env,
            state,
            Decimal(usdt),
            Decimal(btc),
            error,
            last,
            "key****" + str(fid),
        )

    return CopyStatus(
        running=True,
        leader=LeaderView("binance", "prod", True, "connected", "lead****9c41"),
        followers=[
            follower(1, "华东-01", "binance", "prod", "918.80", "0.01250", filled),
            follower(2, "华东-02", "binance", "prod", "1204.11", "0.00093", sold),
            follower(3, "bitget-A", "bitget", "prod", "4.10", "0", poor),
            follower(4, "测试-小额", "bitget", "demo", "12.00", "0", skipped),
            follower(
                5,
                "旧账户",
                "binance",
                "prod",
                "0",
                "0",
                None,
                "DISABLED",
                "[binance_spot -2015] Invalid API-key, IP, or permissions for action.",
            ),
        ],
        events=[
            EventView(
                57, "2026-12-07T10:41:05Z", "BUY", "L57", Decimal("8.12"), 5, 2, 1, 1, 188, ""
            ),
            EventView(
                56, "2026-12-07T10:12:40Z", "SELL", "L56", Decimal("100"), 4, 4, 0, 0, 164, ""
            ),
            EventView(55, "2026-12-07T09:58:02Z", "BUY", "L55", Decimal("25"), 4, 4, 0, 0, 151, ""),
        ],
        p50_ms=151,
        p95_ms=188,
    )


class DemoCopyApi:
    """The copy tab's edge for screenshots: a logged-in operator, a fixed status."""

    token = "demo"

    def status(self) -> CopyStatus:
        return demo_copy_status()


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
        self.notifications = NotificationsTab(lang=lang)
        self.notifications.unread_changed.connect(
            lambda n: self.window.set_tab_count("tab.notifications", n)
        )
        self.window.add_tab(self.notifications, "tab.notifications")
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


def copy_tab(stage: Stage, lang: str, path: Path) -> Path:
    """The operator's copy-trading tab, as after the operator login."""
    from client_desktop.ui.copytrade.tab import CopyTradeTab

    tab = CopyTradeTab(DemoCopyApi(), lang=lang, poll_ms=3_600_000)  # type: ignore[arg-type]
    stage.window.add_tab(tab, "tab.copytrade")
    stage.window.tabs.setCurrentWidget(tab)
    tab.show_status(demo_copy_status())
    tab.followers_table.selectRow(2)
    tab.show_message(
        tr(
            "copy.copy_failed",
            lang,
            name="bitget-A",
            error="余额不足" if lang == "zh" else "Insufficient balance",
        )
    )
    stage.window.resize(1180, 700)
    path = grab(stage.window, path)
    tab.runner.wait()
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
    stage.notifications.show_page(demo_notifications(lang))
    stage.notifications.show_channels(demo_channels())
    stage.window.tabs.setCurrentWidget(stage.notifications)
    paths.append(grab(stage.window, out_dir / "notifications.png"))
    from client_desktop.ui.signals_screenshots import render_signals

    paths += render_signals(stage.window, stage.window.tabs, stage.window.add_tab, out_dir, lang)
    paths.append(copy_tab(stage, lang, out_dir / "copytrade.png"))
    paths += render_alpha(stage, out_dir, lang)
    paths += render_futures(stage, out_dir, lang)
    stage.window.close()
    return paths


def render_alpha(stage: Stage, out_dir: Path, lang: str) -> list[Path]:
    """The 「Alpha 刷量」 tab: cycling towards a points target, then paused by a swing, in both
    languages."""
    from client_desktop.ui.alpha_demo import demo_snapshot
    from client_desktop.ui.alpha_tab import AlphaTab

    tab = AlphaTab(env="prod", lang=lang)
    tab.token_edit.setText("KOGE")
    stage.window.add_tab(tab, "tab.alpha")
    stage.window.retranslate(lang)
    stage.window.tabs.setCurrentWidget(tab)
    stage.window.resize(1280, 860)
    tab.show_snapshot(demo_snapshot(lang=lang))
    paths = [grab(stage.window, out_dir / "alpha.png")]
    tab.show_snapshot(demo_snapshot(paused=True, lang=lang))
    paths.append(grab(stage.window, out_dir / "alpha_paused.png"))
    other = "en" if lang == "zh" else "zh"
    stage.window.retranslate(other)
    tab.retranslate(other)
    tab.show_snapshot(demo_snapshot(paused=True, lang=other))
    paths.append(grab(stage.window, out_dir / f"alpha_{other}.png"))
    return paths


def render_futures(stage: Stage, out_dir: Path, lang: str) -> list[Path]:
    """The futures tab (「合约交易」) and its trade confirmation, with demo data."""
    from client_desktop.ui import futures_demo

    def add(tab: QWidget) -> None:
        stage.window.add_tab(tab, "tab.futures")
        stage.window.tabs.setCurrentWidget(tab)

    return futures_demo.render(stage.window, add, out_dir, lang)
