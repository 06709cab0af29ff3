"""The copy-trading tab for operators (docs/products.md copy-trading §7): the global switch with the
leader's connection and fan-out latency on top, the followers with balances / state / last copy /
error and their pause / resume / verify buttons, and the recent leader events with their fan-out
result.

Every server call runs on a pool thread (:class:`client_desktop.ui.tasks.TaskRunner`); results
come back to the GUI thread by signal. The tab polls ``GET /status`` every few seconds while shown.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.api_client import ApiClient
from client_desktop.core.copytrade_api import (
    CopyStatus,
    CopyTradeApi,
    EventView,
    FollowerView,
    LeaderView,
    VerifyResult,
)
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import SESSION_ENDING, ApiError
from client_desktop.ui.tasks import TaskRunner
from trading.exchanges.venue_errors import explain_text

POLL_MS = 3000

FOLLOWER_COLUMNS = ("name", "venue", "state", "usdt", "btc", "last", "error")
EVENT_COLUMNS = ("time", "side", "ratio", "fanout", "ok", "fail", "skipped", "latency")


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


def text(lang: str, msg: str, **params: object) -> str:
    """The tab's string ``msg`` (key ``copy.<msg>`` of the client catalogue) in ``lang``."""
    found = tr(f"copy.{msg}", lang)  # formatted here: the tab's texts use a {key} placeholder
    return found.format(**params) if params else found


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.normalize():f}"


def label(lang: str, kind: str, code: str) -> str:
    """A venue / environment / status / skip code as the back office writes it (``copy.<kind>.``
    keys); an unknown code is shown as it came."""
    found = tr(f"copy.{kind}.{code}", lang)
    return code if found == f"copy.{kind}.{code}" else found


def venue_env_text(exchange: str, env: str, lang: str) -> str:
    return f"{label(lang, 'venue', exchange)} / {label(lang, 'env', env)}"


def last_copy_text(f: FollowerView, lang: str) -> str:
    last = f.last_copy
    if last is None:
        return "-"
    latency = f" · {last.latency_ms} ms" if last.latency_ms is not None else ""
    status = label(lang, "status", last.status)
    if last.skip_reason:
        status = f"{status}（{label(lang, 'skip', last.skip_reason)}）"
    return f"{text(lang, last.side)} {money(last.requested)} {status}{latency}"


def error_words(raw: str, lang: str) -> str:
    """A stored venue error in words (the one catalogue, ``venue_errors``); raw on hover."""
    return explain_text(raw, lang).text if raw else "-"


def follower_cells(f: FollowerView, lang: str) -> list[str]:
    return [
        f.name,
        venue_env_text(f.exchange, f.env, lang),
        text(lang, f.state),
        money(f.free_usdt),
        money(f.free_btc),
        last_copy_text(f, lang),
        error_words(f.last_error, lang),
    ]


def latest_failure(f: FollowerView) -> tuple[str, str] | None:
    """(identity, raw error) of the follower's newest failure: a failed last copy, or a stored
    error (verification refused, keys disabled). The identity changes with each new failure."""
    last = f.last_copy
    if last is not None and last.status == "FAILED" and last.error:
        return f"copy:{f.id}:{last.event_id}", last.error
    if f.last_error:
        return f"error:{f.id}:{f.last_error}", f.last_error
    return None


def event_cells(e: EventView, lang: str) -> list[str]:
    clock = e.t[11:19] if len(e.t) >= 19 else e.t
    return [
        clock,
        text(lang, e.type),
        f"{e.x_percent.normalize():f}%",
        str(e.fanout),
        str(e.ok),
        str(e.fail),
        str(e.skipped),
        "-" if e.latency_ms is None else str(e.latency_ms),
    ]


def _table(name: str, columns: tuple[str, ...], lang: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([text(lang, f"col.{c}") for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(
    table: QTableWidget,
    rows: list[list[str]],
    keys: list[int] | None = None,
    tips: dict[tuple[int, int], str] | None = None,
) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if keys is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            if tips and (r, c) in tips:
                item.setToolTip(tips[(r, c)])
            table.setItem(r, c, item)


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
        self.login_panel = self._build_login()
        self.dashboard = QWidget()
        self._build(self.dashboard)
        outer = QVBoxLayout(self)
        outer.addWidget(self.login_panel)
        outer.addWidget(self.dashboard)
        self._show_dashboard(bool(self.api.token))

    # --- operator login ---
    def _build_login(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("copy_login")
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("copy_username")
        self.username_edit.setPlaceholderText(self._t("login.username"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("copy_password")
        self.password_edit.setPlaceholderText(self._t("login.password"))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self.operator_login)
        self.login_button = self._button(
            "copy_login_submit", self._t("login.submit"), self.operator_login
        )
        self.login_message = self._label("copy_login_message", "")
        layout = QVBoxLayout(panel)
        self.login_title = QLabel(self._t("login.title"))
        layout.addWidget(self.login_title)
        for w in (self.username_edit, self.password_edit, self.login_button, self.login_message):
            layout.addWidget(w)
        layout.addStretch(1)
        return panel

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

        self.followers_table = _table("copy_followers", FOLLOWER_COLUMNS, self.lang)
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

        self.events_table = _table("copy_events", EVENT_COLUMNS, self.lang)
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
            (self.login_title, "login.title"),
            (self.login_button, "login.submit"),
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
        self.username_edit.setPlaceholderText(self._t("login.username"))
        self.password_edit.setPlaceholderText(self._t("login.password"))
        for table, columns in (
            (self.followers_table, FOLLOWER_COLUMNS),
            (self.events_table, EVENT_COLUMNS),
        ):
            table.setHorizontalHeaderLabels([self._t(f"col.{c}") for c in columns])
        if self.status is not None:
            self.show_status(self.status)
        else:
            self.running_label.setText(self._t("stopped"))
            self.leader_label.setText(self._t("no_leader"))
            self.latency_label.setText(self._t("latency", p50="-", p95="-"))

    def _t(self, msg: str, **params: object) -> str:
        return text(self.lang, msg, **params)

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
        _fill(self.followers_table, rows, [f.id for f in status.followers], tips)
        _fill(self.events_table, [event_cells(e, self.lang) for e in status.events])
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


EXCHANGES = ("binance", "bitget")
ENVIRONMENTS = ("prod", "test", "demo", "sim")


class AccountDialog(QDialog):
    """Add (``follower=None``) or edit a follower. Keys are write-only: when editing, blank key
    fields keep the stored keys. Emits :attr:`submitted` with the fields to send; the tab saves
    them off the GUI thread and closes the dialog on success or shows the refusal in it."""

    submitted = Signal(dict)

    def __init__(self, lang: str, follower: FollowerView | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.lang, self.follower = lang, follower
        self.setObjectName("copy_account_dialog")
        self.setWindowTitle(text(lang, "dialog.add" if follower is None else "dialog.edit"))
        self.name_edit = QLineEdit(follower.name if follower else "")
        self.exchange_box = self._combo(
            "venue", EXCHANGES, follower.exchange if follower else "binance"
        )
        self.env_box = self._combo("env", ENVIRONMENTS, follower.env if follower else "prod")
        self.key_edit, self.secret_edit, self.passphrase_edit = (
            self._secret(follower is not None) for _ in range(3)
        )
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for key, widget in (
            ("field.name", self.name_edit),
            ("field.exchange", self.exchange_box),
            ("field.env", self.env_box),
            ("field.api_key", self.key_edit),
            ("field.api_secret", self.secret_edit),
            ("field.passphrase", self.passphrase_edit),
        ):
            form.addRow(text(lang, key), widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _combo(self, kind: str, values: tuple[str, ...], current: str) -> QComboBox:
        """Labels as the back office writes them (币安, 主网…); the code is the item's data."""
        box = QComboBox()
        for value in values:
            box.addItem(label(self.lang, kind, value), value)
        self.choose(box, current)
        return box

    @staticmethod
    def choose(box: QComboBox, value: str) -> None:
        """Select the item whose code is ``value``."""
        box.setCurrentIndex(max(0, box.findData(value)))

    def _secret(self, editing: bool) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        if editing:
            edit.setPlaceholderText(text(self.lang, "keep"))
        return edit

    def fields(self) -> dict[str, str]:
        """What to send: everything for a new follower; for an edit, the changed plain fields
        and the keys that were typed."""
        plain = {
            "name": self.name_edit.text().strip(),
            "exchange": str(self.exchange_box.currentData()),
            "env": str(self.env_box.currentData()),
        }
        keys = {
            "api_key": self.key_edit.text().strip(),
            "api_secret": self.secret_edit.text().strip(),
            "passphrase": self.passphrase_edit.text().strip(),
        }
        if self.follower is None:
            return {**plain, **keys}
        old = {
            "name": self.follower.name,
            "exchange": self.follower.exchange,
            "env": self.follower.env,
        }
        changed = {k: v for k, v in plain.items() if v != old[k]}
        return {**changed, **{k: v for k, v in keys.items() if v}}

    def submit(self) -> None:
        self.error_label.setText("")
        self.submitted.emit(self.fields())

    def set_busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)

    def show_error(self, message: str, exc: Exception | None = None) -> None:
        detail = exc.detail if isinstance(exc, ApiError) and isinstance(exc.detail, dict) else {}
        lines = [message, *(f"{k}: {'; '.join(map(str, v))}" for k, v in detail.items())]
        self.error_label.setText("\n".join(lines))
        self.set_busy(False)


class LeaderDialog(AccountDialog):
    """Set / replace the leader: a Binance account (environment + keys); the server deactivates
    the previous leader and the stream process follows the new one."""

    def __init__(self, lang: str, parent: QWidget | None) -> None:
        super().__init__(lang, None, parent)
        self.setObjectName("copy_leader_dialog")
        self.setWindowTitle(text(lang, "dialog.leader"))
        self.exchange_box.setEnabled(False)  # the leader is always on Binance
        self.name_edit.setEnabled(False)
        self.passphrase_edit.setEnabled(False)

    def fields(self) -> dict[str, str]:
        return {
            "env": str(self.env_box.currentData()),
            "api_key": self.key_edit.text().strip(),
            "api_secret": self.secret_edit.text().strip(),
        }
