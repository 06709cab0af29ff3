"""The controller: builds the screens, moves the trader between them (login → Binance QR →
trading) and keeps the status bar current. It owns the login session, the Binance binding and the
trading engine; every network call runs on the thread pool or the engine's own thread.

Session end (24 h passed, or the server said ``session_expired`` / ``account_expired`` / …) stops
trading and returns to the login window with the reason. A Binance binding that expires (or that
Binance refuses with "login expired") stops trading and brings back the QR screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from client_desktop.core import session as sessions
from client_desktop.core.alpha_api import AlphaApi
from client_desktop.core.amounts import AmountSettings
from client_desktop.core.api_client import ApiClient
from client_desktop.core.autotrader import TradingState
from client_desktop.core.binding import EXPIRED_REASON, Binding, BindingPhase, BindingStatus
from client_desktop.core.i18n import error_text
from client_desktop.core.notifications_api import NotificationPage, NotificationsApi
from client_desktop.core.settings import Settings
from client_desktop.core.vault import Vault
from client_desktop.ui.alpha_tab import AlphaTab
from client_desktop.ui.copytrade.operator import OperatorLoginDialog, copytrade_parts
from client_desktop.ui.engine_bridge import EngineBridge, EngineFactory, counters_of
from client_desktop.ui.login_window import LoginWindow
from client_desktop.ui.main_window import MainWindow
from client_desktop.ui.notifications_tab import NotificationsTab
from client_desktop.ui.qr_screen import QrScreen, QrSource
from client_desktop.ui.qt_translations import apply_qt_language
from client_desktop.ui.signals_tab import SignalsTab
from client_desktop.ui.status_bar import StatusBar
from client_desktop.ui.tasks import TaskRunner
from client_desktop.ui.trade_tab import TradeTab

log = logging.getLogger("fleet.client.ui")


@dataclass
class AppConfig:
    """Where the app keeps its files and which servers it talks to."""

    data_dir: Path
    device_id: str
    settings: Settings
    qr_source: Callable[[], QrSource]
    engine_factory: EngineFactory | None = None
    api_factory: Callable[[str], ApiClient] = ApiClient
    simulator: bool = False  # Binance is the local simulator: show the QR code as text too


# What the futures confirmation starts from after 一键交易 (the trader changes both there).
DEFAULT_TRADE_MARGIN = Decimal("50")
DEFAULT_TRADE_LEVERAGE = 5


class AppController(QObject):
    """One window, one trader at a time."""

    binding_changed = Signal(object)  # BindingStatus, from any thread → GUI thread

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config
        self.lang = config.settings.language
        apply_qt_language(self.lang)
        self.api: ApiClient | None = None
        self.session: sessions.Session | None = None
        self.binding: Binding | None = None
        self.vault: Vault | None = None
        self.engine: EngineBridge | None = None
        self.runner = TaskRunner(self)
        self.status = StatusBar(now=self.server_now, lang=self.lang)
        self.window = MainWindow(self.status, self.lang)
        self._build_screens()
        self._wire()
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()

    def _build_screens(self) -> None:
        settings = self.config.settings
        self.login = LoginWindow(
            device_id=self.config.device_id,
            server=settings.server,
            username=settings.username,
            lang=self.lang,
            api_factory=self.config.api_factory,
        )
        self.qr = QrScreen(
            self.config.qr_source(), lang=self.lang, show_code_text=self.config.simulator
        )
        self.trade = TradeTab(
            save_amount=self._save_amount,
            fetch_settings=self._fetch_settings,
            lang=self.lang,
            device_id=self.config.device_id,
        )
        for screen in (self.login, self.qr, self.window.tabs):
            self.window.add_screen(screen)
        self.window.add_tab(self.trade, "tab.event")
        self.signals = SignalsTab(api=lambda: self.api, lang=self.lang)
        self.signals.trade_requested.connect(self.trade_signal)
        self.window.add_tab(self.signals, "signals.tab")
        self.window.tabs.setTabEnabled(0, False)  # until a trader logs in
        self.notifications = NotificationsTab(lang=self.lang)
        self.notifications.unread_changed.connect(
            lambda n: self.window.set_tab_count("tab.notifications", n)
        )
        self.window.add_tab(self.notifications, "tab.notifications")
        self.window.tabs.setTabEnabled(self.window.tab_keys.index("tab.notifications"), False)
        self.unread_timer = QTimer(self, interval=30_000)  # the unread count, every 30 s
        self.unread_timer.timeout.connect(self.notifications.poll_unread)
        self.alpha_tab = AlphaTab(
            session_source=lambda: self.binding.session() if self.binding else None,
            env="sim" if self.config.simulator else "prod",
            lang=self.lang,
        )
        self.window.add_tab(self.alpha_tab, "tab.alpha")
        self._alpha_enabled(False)  # until a trader logs in
        self.window.show_screen(self.login)

    def _alpha_enabled(self, on: bool) -> None:
        """The Alpha tab, like event contracts, needs a logged-in trader."""
        if "tab.alpha" in self.window.tab_keys:
            self.window.tabs.setTabEnabled(self.window.tab_keys.index("tab.alpha"), on)

    def _wire_operator(self) -> None:
        """Copy-trading operators log in from the Account menu (when the module is installed)."""
        self.copytrade = copytrade_parts()
        self.operator_api: Any = None
        actions = self.window.operator_actions
        actions["menu.operator_login"].setVisible(self.copytrade is not None)
        actions["menu.operator_login"].triggered.connect(self.operator_login)
        actions["menu.operator_show"].triggered.connect(self.show_copytrade)
        actions["menu.operator_logout"].triggered.connect(self.operator_logout)

    def operator_login(self) -> None:
        if self.copytrade is None:
            return
        server = self.login.server_edit.text().strip() or self.config.settings.server
        dialog = OperatorLoginDialog(self.copytrade[0], server, self.lang, self.window)
        dialog.logged_in.connect(self.on_operator_logged_in)
        dialog.open()
        self.operator_dialog = dialog

    def on_operator_logged_in(self, api: Any) -> None:
        assert self.copytrade is not None
        self.operator_api = api
        self.window.remove_tab("tab.copytrade")
        self.window.add_tab(self.copytrade[1](api, self.lang), "tab.copytrade")
        actions = self.window.operator_actions
        actions["menu.operator_login"].setVisible(False)
        actions["menu.operator_show"].setVisible(True)
        actions["menu.operator_logout"].setVisible(True)
        self.show_copytrade()

    def show_copytrade(self) -> None:
        self.window.tabs.setTabEnabled(0, self.session is not None)
        self._alpha_enabled(self.session is not None)
        self.window.tabs.setCurrentIndex(self.window.tab_keys.index("tab.copytrade"))
        self.window.show_screen(self.window.tabs)

    def operator_logout(self) -> None:
        api, self.operator_api = self.operator_api, None
        self.window.remove_tab("tab.copytrade")
        actions = self.window.operator_actions
        actions["menu.operator_login"].setVisible(self.copytrade is not None)
        actions["menu.operator_show"].setVisible(False)
        actions["menu.operator_logout"].setVisible(False)
        if api is not None:
            self.runner.start(lambda: _operator_close(api), lambda _r: None, lambda _e: None)
        if self.session is None:
            self.window.show_screen(self.login)

    def _wire(self) -> None:
        self._wire_operator()
        self.login.logged_in.connect(self.on_logged_in)
        self.qr.bound.connect(self.on_bound)
        self.qr.logout.connect(lambda: self.end_session("logout"))
        self.window.logout_requested.connect(lambda: self.end_session("logout"))
        self.window.language_chosen.connect(self.set_language)
        self.trade.amount_changed.connect(self.on_amount_changed)
        self.trade.auto_toggled.connect(self.set_auto)
        self.binding_changed.connect(self.on_binding_changed)

    # --- clock ---------------------------------------------------------------------------------
    def server_now(self) -> datetime:
        return self.api.clock.now() if self.api is not None else datetime.now(UTC)

    # --- login and session ---------------------------------------------------------------------
    def on_logged_in(self, api: ApiClient, session: sessions.Session) -> None:
        self.api, self.session = api, session
        settings = self.config.settings
        settings.server, settings.username = api.server, session.trader.username
        settings.save(self.config.data_dir)
        self.status.set_server(True)
        self.status.set_session(session.expires_at)
        self.trade.set_amount(session.trader.order_amount)
        self.trade.load_settings()  # the allowed amount range (the admin's, may have changed)
        self.trade.set_auto(True)  # the product is automatic: on by default, the switch stops it
        self.alpha_tab.alpha = AlphaApi(api)
        if self.vault is None:
            self.vault = Vault(self.config.data_dir, self.config.device_id)
        self.binding = Binding(self.vault, owner=f"{api.server}|{session.trader.username}")
        self.binding.subscribe(self.binding_changed.emit)
        self.window.tabs.setTabEnabled(0, True)
        self._notifications_on(api)
        self._alpha_enabled(True)
        self.window.set_user(session.trader.display_name)
        self._mount_futures(api)
        if self.config.engine_factory is not None:
            trader = self.config.engine_factory(
                api, session, self.binding, self.config.data_dir, self.lang
            )
            self.engine = EngineBridge(trader, self)
            self.engine.state.connect(self.on_engine_state)
            self.engine.row.connect(self.trade.show_order)
            self.engine.stopped.connect(self.on_engine_stopped)
            self.trade.derive_summary = False  # counters and last error come from the engine
            for row in self.engine.history():
                self.trade.show_order(row)
        self.on_binding_changed(self.binding.status())

    def trade_signal(self, s: Any) -> None:
        """一键交易 on a signal: the futures confirmation with the signal's own levels (the server
        checks they are the signal's and that it is still open); nothing is sent before confirm."""
        from client_desktop.core.futures_api import TradeRequest

        futures = getattr(self, "futures", None)
        if futures is None:  # not logged in: the futures tab is mounted at login
            return
        request = TradeRequest(
            signal_key=f"signal:{s.id}", symbol=s.symbol, direction=s.direction,
            entry_ref=s.entry_ref, take_profit=s.tp, stop_loss=s.sl,
            margin=DEFAULT_TRADE_MARGIN, leverage=DEFAULT_TRADE_LEVERAGE,
        )  # fmt: skip
        self.window.tabs.setCurrentWidget(futures)
        futures.open_trade(request)

    def _mount_futures(self, api: ApiClient) -> None:
        """The 「合约交易」 tab on the trader's own futures API (its data loads when shown)."""
        from client_desktop.core.futures_api import FuturesApi
        from client_desktop.ui.futures_tab import FuturesTab

        self.window.remove_tab("tab.futures")
        self.futures = FuturesTab(FuturesApi(api), self.lang)
        self.window.add_tab(self.futures, "tab.futures")

    def end_session(self, reason: str) -> None:
        """Stop trading, forget the login, back to the login window saying why."""
        if self.session is None:
            return
        self.session.end(reason)
        engine, api = self.engine, self.api
        self.engine, self.api, self.session, self.binding = None, None, None, None
        self.alpha_tab.alpha = None
        self.runner.start(lambda: _close(engine, api, reason), lambda _r: None, lambda _e: None)
        self.qr.stop()
        self.status.set_session(None)
        self.status.set_binding(False)
        self.status.set_auto(False)
        self.trade.set_auto(False)
        self.trade.clear()
        self.login.show_reason(reason)
        self.window.tabs.setTabEnabled(0, False)
        self._notifications_off()
        self._alpha_enabled(False)
        self.window.remove_tab("tab.futures")
        self.window.set_user("")
        self.window.show_screen(self.login)

    def tick(self) -> None:
        """Every second: the 24 h login limit and the binding's expiry, by the server's clock."""
        if self.session is not None and self.session.is_over(self.server_now()):
            self.end_session("session_expired")
            return
        if self.binding is not None:
            self.binding.session()  # invalidates (and notifies) once the expiry passes

    # --- Binance binding -----------------------------------------------------------------------
    def on_bound(self, web_session: Any) -> None:
        if self.binding is not None:
            self.binding.store(web_session)

    def on_binding_changed(self, status: BindingStatus) -> None:
        if self.session is None:
            return
        self.status.set_binding(status.usable, status.expires_at)
        self._report_binding(status)
        if status.usable:
            self.qr.stop()
            self.window.show_screen(self.window.tabs)
            if self.engine is not None:
                self.engine.start(self.trade.auto_switch.isChecked())
            return
        if status.phase is BindingPhase.EXPIRED:
            self.trade.set_last_error(error_text(status.reason or EXPIRED_REASON, self.lang))
        self.window.show_screen(self.qr)
        self.qr.show_reason(status.reason)
        self.qr.start()

    # --- trading -------------------------------------------------------------------------------
    def _save_amount(self, amount: Decimal) -> Any:
        """Blocking (the trade tab runs it on the pool)."""
        if self.engine is not None:
            return self.engine.set_amount(amount)
        if self.api is None:
            raise RuntimeError("not logged in")
        return self.api.set_amount(amount)

    def _fetch_settings(self) -> AmountSettings:
        """Blocking (the trade tab runs it on the pool): saved amount and allowed range."""
        api = self.api
        if api is None:
            raise RuntimeError("not logged in")
        return api.amount_settings()

    def on_amount_changed(self, amount: Decimal) -> None:
        if self.session is not None:
            self.session.trader.order_amount = amount

    def set_auto(self, on: bool) -> None:
        """The trader flipped the switch."""
        if self.engine is not None:
            self.engine.set_auto(on)
        self.trade.set_auto(on)
        self.status.set_auto(on)

    def on_engine_state(self, state: TradingState) -> None:
        if self.session is None:
            return
        self.status.set_server(state.server_ok, state.retry_in_s or 0)
        self.status.set_auto(state.auto_on and state.running)
        self.trade.set_auto(state.auto_on)
        self.trade.set_counters(counters_of(state))
        self.trade.set_last_error(state.last_error or None)

    def on_engine_stopped(self, reason: str) -> None:
        """Trading stopped by itself: a binding problem brings back the QR screen (the binding
        already says so); anything else ends the login."""
        if reason == EXPIRED_REASON:
            # The engine invalidated the binding before stopping (the QR screen is already up).
            # Invalidating here again would drop a binding the trader completed in between.
            if self.binding is not None and self.binding.status().usable and self.engine:
                self.engine.start(self.trade.auto_switch.isChecked())
            return
        self.end_session(reason)

    # --- notifications -------------------------------------------------------------------------
    def _notifications_on(self, api: ApiClient) -> None:
        self.notifications.api = NotificationsApi(api)
        self.window.tabs.setTabEnabled(self.window.tab_keys.index("tab.notifications"), True)
        self.notifications.refresh()
        self.unread_timer.start()

    def _notifications_off(self) -> None:
        self.unread_timer.stop()
        self.notifications.api = None
        self.notifications.show_page(NotificationPage(0, []))
        self.notifications.show_channels([])
        self.window.tabs.setTabEnabled(self.window.tab_keys.index("tab.notifications"), False)

    def _report_binding(self, status: BindingStatus) -> None:
        """Tell the server when the Binance binding expires (it warns the trader before)."""
        api = self.notifications.api
        if api is not None:
            bound, expires = status.usable, status.expires_at
            self.runner.start(
                lambda: api.report_binding(bound=bound, expires_at=expires),
                lambda _r: None,
                lambda _e: None,  # advisory: a failed report only costs the early warning
            )

    # --- language --------------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.config.settings.language = lang
        self.config.settings.save(self.config.data_dir)
        apply_qt_language(lang)
        for screen in (
            self.login,
            self.qr,
            self.trade,
            self.signals,
            self.alpha_tab,
            self.window,
            self.notifications,
        ):
            screen.retranslate(lang)
        if getattr(self, "futures", None) is not None:
            self.futures.retranslate(lang)

    def shutdown(self) -> None:
        """Window closed: stop trading, let running calls finish."""
        self.ticker.stop()
        self.unread_timer.stop()
        self.qr.stop()
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.shutdown()
        if self.api is not None:
            self.api.close()
        self.runner.wait(3000)


def _operator_close(api: Any) -> None:
    try:
        api.logout()
    finally:
        api.close()


def _close(engine: EngineBridge | None, api: ApiClient | None, reason: str) -> None:
    """Stop the worker first (it uses the API client), then log out if asked, then close."""
    try:
        if engine is not None:
            engine.shutdown()
    finally:
        if api is not None:
            try:
                if reason == "logout":
                    api.logout()
            finally:
                api.close()


__all__ = ["AppConfig", "AppController"]
