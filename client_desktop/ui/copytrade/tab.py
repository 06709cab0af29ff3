"""The copy-trading tab for operators (docs/products.md copy-trading §7): the global switch with the
leader's connection and fan-out latency on top, the followers with balances / state / last copy /
error and their pause / resume / verify buttons, and the recent leader events with their fan-out
result.

Every server call runs on a pool thread (:class:`client_desktop.ui.tasks.TaskRunner`); results
come back to the GUI thread by signal. The tab polls ``GET /status`` every few seconds while shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.api_client import ApiClient
from client_desktop.core.copytrade_api import (
    CopyStatus,
    CopyTradeApi,
    FollowerView,
    LeaderView,
    VerifyResult,
)
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import SESSION_ENDING, ApiError
from client_desktop.ui.copytrade.cells import (
    EVENT_COLUMNS,
    FOLLOWER_COLUMNS,
    event_cells,
    follower_cells,
    label,
    latest_failure,
    money,
)
from client_desktop.ui.copytrade.dialogs import AccountDialog, LeaderDialog
from client_desktop.ui.copytrade.login import LoginPanel
from client_desktop.ui.copytrade.tables import fill, headers, make_table
from client_desktop.ui.tasks import TaskRunner
from trading.exchanges.venue_errors import explain_text

POLL_MS = 3000


class CopyApi(Protocol):
    """What the tab needs from :class:`client_desktop.core.copytrade_api.CopyTradeApi`."""

    token: str | None

    def login(self, username: str, password: str) -> str: ...
    def status(self) -> CopyStatus: ...
    def start(self) -> bool: ...
    def stop(self) -> bool: ...
    def pause(self, account_id: int) -> FollowerView: ...
    def resume(self, account_id: int) -> FollowerView: ...
    def verify(self, account_id: int) -> VerifyResult: ...
    def create_account(
        self,
        *,
        name: str,
        exchange: str,
        env: str,
        api_key: str,
        api_secret: str,
        passphrase: str = "",
    ) -> FollowerView: ...
    def update_account(self, account_id: int, **fields: str) -> FollowerView: ...
    def delete_account(self, account_id: int) -> None: ...
    def set_leader(self, *, env: str, api_key: str, api_secret: str) -> LeaderView: ...


class CopyTradeTab(QWidget):
    """The operator dashboard. ``api`` is a :class:`CopyTradeApi` (logged in or not); given the
    trader :class:`ApiClient` instead, the tab talks to the same server. Without an operator token
    the tab first shows its operator login form (Django staff with ``copytrade.operate``)."""

    status_shown = Signal(object)  # the CopyStatus just displayed (tests, the main window)
    failed = Signal(str)  # a failure message just displayed
    logged_in = Signal()

    def __init__(
        self,
        api: CopyApi | ApiClient,
        lang: str = "zh",
        parent: QWidget | None = None,
        *,
        session: object | None = None,
        poll_ms: int = POLL_MS,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("copytrade_tab")
        self.api: CopyApi = CopyTradeApi(api.server) if isinstance(api, ApiClient) else api
        self.lang, self.session = lang, session
        self.runner = runner or TaskRunner(self)
        self.status: CopyStatus | None = None
        self._refreshing = False
        self._seen_failures: set[str] = set()
        self._first_status = True  # failures already there when the tab opens do not pop up
        self.failure_box: QMessageBox | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.refresh)
        self.login_panel = LoginPanel(lang)
        self.username_edit = self.login_panel.username_edit
        self.password_edit = self.login_panel.password_edit
        self.login_button = self.login_panel.button
        self.login_message = self.login_panel.message
        self.login_button.clicked.connect(lambda _checked=False: self.operator_login())
        self.password_edit.returnPressed.connect(self.operator_login)
        self.dashboard = QWidget()
        self._build(self.dashboard)
        outer = QVBoxLayout(self)
        outer.addWidget(self.login_panel)
        outer.addWidget(self.dashboard)
        self._show_dashboard(bool(self.api.token))

    # --- operator login ---
    def operator_login(self) -> None:
        user, password = self.username_edit.text().strip(), self.password_edit.text()
        self.login_button.setEnabled(False)
        self.runner.start(
            lambda: self.api.login(user, password), self._login_done, self._login_failed
        )

    def _login_done(self, _token: object) -> None:
        self.login_button.setEnabled(True)
        self.password_edit.clear()
        self.login_message.setText("")
        self._show_dashboard(True)
        self.logged_in.emit()
        if self.isVisible():
            self.refresh()
            self.timer.start()

    def _login_failed(self, exc: Exception) -> None:
        self.login_button.setEnabled(True)
        self.login_message.setText(self._error_text(exc))
        self.failed.emit(self.login_message.text())

    def _show_dashboard(self, on: bool) -> None:
        self.login_panel.setVisible(not on)
        self.dashboard.setVisible(on)
        if not on:
            self.timer.stop()

    # --- layout ---
    def _build(self, host: QWidget) -> None:
        t = self._t
        self.running_label = self._label("copy_running", t("stopped"))
        self.leader_label = self._label("copy_leader", t("no_leader"))
        self.latency_label = self._label("copy_latency", t("latency", p50="-", p95="-"))
        self.start_button = self._button("copy_start", t("start"), self.start_copying)
        self.stop_button = self._button("copy_stop", t("stop"), self.stop_copying)
        self.refresh_button = self._button("copy_refresh", t("refresh"), self.refresh)
        self.leader_button = self._button("copy_set_leader", t("set_leader"), self.set_leader)
        top = QHBoxLayout()
        for w in (self.running_label, self.start_button, self.stop_button, self.leader_label):
            top.addWidget(w)
        top.addWidget(self.leader_button)
        top.addStretch(1)
        top.addWidget(self.latency_label)
        top.addWidget(self.refresh_button)

        self.followers_table = make_table("copy_followers", FOLLOWER_COLUMNS, self.lang)
        self.pause_button = self._button("copy_pause", t("pause"), self.pause_selected)
        self.resume_button = self._button("copy_resume", t("resume"), self.resume_selected)
        self.verify_button = self._button("copy_verify", t("verify"), self.verify_selected)
        self.add_button = self._button("copy_add", t("add"), self.add_account)
        self.edit_button = self._button("copy_edit", t("edit"), self.edit_selected)
        self.delete_button = self._button("copy_delete", t("delete"), self.delete_selected)
        actions = QHBoxLayout()
        self.followers_title = QLabel(t("followers"))
        actions.addWidget(self.followers_title)
        actions.addStretch(1)
        buttons = (self.pause_button, self.resume_button, self.verify_button)
        for w in (self.add_button, self.edit_button, self.delete_button, *buttons):
            actions.addWidget(w)

        self.events_table = make_table("copy_events", EVENT_COLUMNS, self.lang)
        self.message_label = self._label("copy_message", "")
        self.message_label.setWordWrap(True)

        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.followers_table, 3)
        self.events_title = QLabel(t("events"))
        layout.addWidget(self.events_title)
        layout.addWidget(self.events_table, 2)
        layout.addWidget(self.message_label)

    def set_language(self, lang: str) -> None:
        """Re-render every text in ``lang`` (the main window's language menu calls this)."""
        self.lang = lang
        static: list[tuple[QLabel | QPushButton, str]] = [
            (self.start_button, "start"),
            (self.stop_button, "stop"),
            (self.refresh_button, "refresh"),
            (self.leader_button, "set_leader"),
            (self.pause_button, "pause"),
            (self.resume_button, "resume"),
            (self.verify_button, "verify"),
            (self.add_button, "add"),
            (self.edit_button, "edit"),
            (self.delete_button, "delete"),
            (self.followers_title, "followers"),
            (self.events_title, "events"),
        ]
        for widget, msg in static:
            widget.setText(self._t(msg))
        self.login_panel.set_language(lang)
        for table, columns in (
            (self.followers_table, FOLLOWER_COLUMNS),
            (self.events_table, EVENT_COLUMNS),
        ):
            table.setHorizontalHeaderLabels(headers(columns, lang))
        if self.status is not None:
            self.show_status(self.status)
        else:
            self.running_label.setText(self._t("stopped"))
            self.leader_label.setText(self._t("no_leader"))
            self.latency_label.setText(self._t("latency", p50="-", p95="-"))

    def _t(self, msg: str, **params: object) -> str:
        return tr(f"copy.{msg}", self.lang, **params)

    def _label(self, name: str, value: str) -> QLabel:
        label = QLabel(value)
        label.setObjectName(name)
        return label

    def _button(self, name: str, caption: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(caption)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- polling ---
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.api.token:
            self.refresh()
            self.timer.start()

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Fetch ``/status`` off the GUI thread (skipped while one is in flight)."""
        if self._refreshing:
            return
        self._refreshing = True
        self.runner.start(self.api.status, self._status_done, self._status_failed)

    def _status_done(self, status: CopyStatus) -> None:
        self._refreshing = False
        self.show_status(status)

    def _status_failed(self, exc: Exception) -> None:
        self._refreshing = False
        self.show_error(exc)

    # --- actions (each one: a call off the GUI thread, then a refresh) ---
    def start_copying(self) -> None:
        self._call(self.api.start)

    def stop_copying(self) -> None:
        self._call(self.api.stop)

    def pause_selected(self) -> None:
        self._on_selected(self.api.pause)

    def resume_selected(self) -> None:
        self._on_selected(self.api.resume)

    def verify_selected(self) -> None:
        follower = self.selected_follower()
        if follower is None:
            self.show_message(self._t("select"))
            return
        self._call(lambda: self.api.verify(follower.id), lambda r: self._verified(follower, r))

    def _verified(self, follower: FollowerView, result: VerifyResult) -> None:
        if result.ok:
            usdt, btc = money(result.free_usdt), money(result.free_btc)
            self.show_message(self._t("verified", name=follower.name, usdt=usdt, btc=btc))
        else:
            said = explain_text(result.error, self.lang)
            message = self._t("verify_failed", name=follower.name, error=said.text)
            self.show_message(message)
            self._seen_failures.add(f"error:{follower.id}:{result.error}")
            self.show_failure_popup(self._t("verify_failed.title"), message, said.detail)

    # --- account management (docs/products.md copy-trading FR-6: add / edit / delete) ---
    def add_account(self) -> None:
        self._open_dialog(AccountDialog(self.lang, None, self))

    def edit_selected(self) -> None:
        follower = self.selected_follower()
        if follower is None:
            self.show_message(self._t("select"))
            return
        self._open_dialog(AccountDialog(self.lang, follower, self))

    def _open_dialog(self, dialog: AccountDialog) -> None:
        dialog.submitted.connect(lambda fields: self._save_account(dialog, fields))
        self.account_dialog = dialog
        dialog.open()

    def _save_account(self, dialog: AccountDialog, fields: dict[str, str]) -> None:
        editing = dialog.follower

        def save() -> FollowerView:
            if editing is None:
                return self.api.create_account(**fields)
            return self.api.update_account(editing.id, **fields)

        def done(saved: FollowerView) -> None:
            dialog.accept()
            if saved.state == "PENDING":
                self.show_message(self._t("new_follower_verifying", name=saved.name))
            else:
                self.show_message(self._t("saved", name=saved.name))
            self.refresh()

        def failed(exc: Exception) -> None:
            dialog.show_error(self._error_text(exc), exc)
            self.failed.emit(dialog.error_label.text())

        dialog.set_busy(True)
        self.runner.start(save, done, failed)

    def set_leader(self) -> None:
        dialog = LeaderDialog(self.lang, self)
        dialog.submitted.connect(lambda fields: self._save_leader(dialog, fields))
        self.leader_dialog = dialog
        dialog.open()

    def _save_leader(self, dialog: LeaderDialog, fields: dict[str, str]) -> None:
        def done(leader: LeaderView) -> None:
            dialog.accept()
            env = label(self.lang, "env", leader.env)
            self.show_message(self._t("leader_saved", env=env, key=leader.api_key_masked))
            self.refresh()

        def failed(exc: Exception) -> None:
            dialog.show_error(self._error_text(exc), exc)
            self.failed.emit(dialog.error_label.text())

        dialog.set_busy(True)
        self.runner.start(lambda: self.api.set_leader(**fields), done, failed)

    def confirm(self, question: str) -> bool:
        """Ask before a destructive action (tests replace this)."""
        answer = QMessageBox.question(self, self._t("delete"), question)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        follower = self.selected_follower()
        if follower is None:
            self.show_message(self._t("select"))
            return
        if not self.confirm(self._t("confirm_delete", name=follower.name)):
            return
        self._call(
            lambda: self.api.delete_account(follower.id),
            lambda _r: self.show_message(self._t("deleted", name=follower.name)),
        )

    def _on_selected(self, action: Callable[[int], Any]) -> None:
        follower = self.selected_follower()
        if follower is None:
            self.show_message(self._t("select"))
            return
        self._call(lambda: action(follower.id))

    def _call(self, fn: Callable[[], Any], then: Callable[[Any], None] | None = None) -> None:
        def done(result: Any) -> None:
            if then is not None:
                then(result)
            self.refresh()

        self.runner.start(fn, done, self.show_error)

    # --- display ---
    def selected_follower(self) -> FollowerView | None:
        rows = self.followers_table.selectionModel().selectedRows()
        if not rows or self.status is None:
            return None
        item = self.followers_table.item(rows[0].row(), 0)
        wanted = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((f for f in self.status.followers if f.id == wanted), None)

    def show_status(self, status: CopyStatus) -> None:
        selected = self.selected_follower()
        self.status = status
        self.running_label.setText(self._t("running" if status.running else "stopped"))
        self.running_label.setProperty("running", status.running)
        self.start_button.setEnabled(not status.running)
        self.stop_button.setEnabled(status.running)
        self.leader_label.setText(self._leader_text(status))
        p50 = "-" if status.p50_ms is None else status.p50_ms
        p95 = "-" if status.p95_ms is None else status.p95_ms
        self.latency_label.setText(self._t("latency", p50=p50, p95=p95))
        rows = [follower_cells(f, self.lang) for f in status.followers]
        error_col = FOLLOWER_COLUMNS.index("error")
        tips = {
            (r, error_col): f.last_error for r, f in enumerate(status.followers) if f.last_error
        }
        fill(self.followers_table, rows, [f.id for f in status.followers], tips)
        fill(self.events_table, [event_cells(e, self.lang) for e in status.events])
        if selected is not None:
            self.select_follower(selected.id)
        self._pop_up_new_failure(status)
        self.status_shown.emit(status)

    def _pop_up_new_failure(self, status: CopyStatus) -> None:
        """A failure that was not there at the previous refresh pops up with its reason in words
        (the newest one when several arrive together); the status line keeps it too."""
        fresh = []
        for f in status.followers:
            failure = latest_failure(f)
            if failure is not None and failure[0] not in self._seen_failures:
                self._seen_failures.add(failure[0])
                fresh.append((f, failure[1]))
        if not fresh or self._first_status:
            self._first_status = False
            return
        follower, raw = fresh[-1]
        said = explain_text(raw, self.lang)
        message = self._t("copy_failed", name=follower.name, error=said.text)
        self.show_message(message)
        self.show_failure_popup(self._t("copy_failed.title"), message, said.detail)

    def show_failure_popup(self, title: str, message: str, detail: str) -> None:
        """A non-blocking message box (tests replace or inspect ``self.failure_box``)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setObjectName("copy_failure_popup")
        if detail and detail != message:
            box.setDetailedText(detail)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.failure_box = box
        box.open()

    def _leader_text(self, status: CopyStatus) -> str:
        leader = status.leader
        if leader is None:
            return self._t("no_leader")
        conn = (
            self._t("connected")
            if leader.connected
            else label(self.lang, "conn", leader.connection)
        )
        env = label(self.lang, "env", leader.env)
        return self._t("leader", env=env, key=leader.api_key_masked, conn=conn)

    def select_follower(self, follower_id: int) -> None:
        for row in range(self.followers_table.rowCount()):
            item = self.followers_table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == follower_id:
                self.followers_table.selectRow(row)
                return

    def show_message(self, message: str) -> None:
        self.message_label.setText(message)

    def _error_text(self, exc: Exception) -> str:
        message = exc.message if isinstance(exc, ApiError) and exc.message else str(exc)
        return self._t("error", message=message)

    def show_error(self, exc: Exception) -> None:
        shown = self._error_text(exc)
        self.show_message(shown)
        if isinstance(exc, ApiError) and exc.code in SESSION_ENDING:
            self.api.token = None  # the operator token expired or was revoked: log in again
            self.login_message.setText(shown)
            self._show_dashboard(False)
        self.failed.emit(shown)
