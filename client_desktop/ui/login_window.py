"""The login window: server address, username, password. The login call runs off the GUI thread;
refusals are shown in the trader's language from the server's machine code."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core import session as sessions
from client_desktop.core.api_client import ApiClient
from client_desktop.core.i18n import error_text, tr
from client_desktop.core.server_http import ApiError
from client_desktop.ui.common import named
from client_desktop.ui.tasks import TaskRunner

ApiFactory = Callable[[str], ApiClient]


def refusal_text(exc: Exception, lang: str, device_id: str) -> str:
    """A failed call in plain words: known codes from the catalog, others with the server's text."""
    if not isinstance(exc, ApiError):
        return error_text("unknown", lang, detail=str(exc))
    detail = exc.detail if isinstance(exc.detail, str) else exc.message
    if exc.code == "login_locked" or exc.code.startswith("http_"):
        detail = exc.message
    return error_text(exc.code, lang, device_id=device_id, detail=detail or exc.code)


def reason_text(code: str, lang: str) -> str:
    """Why the trader is back at the login window (a ``reason.*`` text or an error code's)."""
    key = f"reason.{code}"
    text = tr(key, lang)
    return text if text != key else error_text(code, lang)


class LoginWindow(QWidget):
    """Emits :attr:`logged_in` with the API client (now holding the token) and the session."""

    logged_in = Signal(object, object)

    def __init__(
        self,
        *,
        device_id: str,
        server: str,
        username: str = "",
        lang: str = "zh",
        api_factory: ApiFactory = ApiClient,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.device_id = device_id
        self.lang = lang
        self.api_factory = api_factory
        self.runner = runner or TaskRunner(self)
        self.error_code: str | None = None
        self._error_source: Callable[[str], str] | None = None
        self._build(server, username)
        self.retranslate(lang)

    def _build(self, server: str, username: str) -> None:
        self.title = named(QLabel(), "title")
        self.server_edit = QLineEdit(server)
        self.username_edit = QLineEdit(username)
        self.password_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.submit = QPushButton(default=True)
        self.error_label = named(QLabel(wordWrap=True), "error")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.device_label = named(QLabel(), "device")
        self.device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_device = QPushButton()
        self.form = QFormLayout()
        self.form_labels = [QLabel(), QLabel(), QLabel()]
        edits = (self.server_edit, self.username_edit, self.password_edit)
        for label, edit in zip(self.form_labels, edits, strict=True):
            edit.returnPressed.connect(self.attempt)
            self.form.addRow(label, edit)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device_label, 1)
        device_row.addWidget(self.copy_device)
        self.card = named(QWidget(), "login_card")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.card.setFixedWidth(480)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(28, 20, 28, 20)
        card.setSpacing(10)
        card.addWidget(self.title)
        card.addLayout(self.form)
        card.addWidget(self.submit)
        card.addWidget(self.error_label)
        card.addSpacing(8)
        card.addLayout(device_row)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)
        self.submit.clicked.connect(self.attempt)
        self.copy_device.clicked.connect(self._copy_device_id)
        self.error_label.hide()

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.title.setText(tr("login.title", lang))
        keys = ("login.server", "login.username", "login.password")
        for label, key in zip(self.form_labels, keys, strict=True):
            label.setText(tr(key, lang))
        self.submit.setText(tr("login.busy" if self.runner.busy else "login.submit", lang))
        self.device_label.setText(tr("login.device", lang, device_id=self.device_id))
        self.copy_device.setText(tr("login.copy_device", lang))
        self._render_error()

    # --- actions -----------------------------------------------------------------------------
    def attempt(self) -> None:
        """Log in with the form's values (off the GUI thread)."""
        if self.runner.busy:
            return
        server = self.server_edit.text().strip()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not server or not username or not password:
            self._set_error("missing", lambda lang: tr("login.missing", lang))
            return
        self.submit.setEnabled(False)
        self.submit.setText(tr("login.busy", self.lang))
        api = self.api_factory(server)
        self.runner.start(
            lambda: sessions.login(api, username, password, self.device_id),
            lambda session: self._succeeded(api, session),
            lambda exc: self._failed(api, exc),
        )

    def _succeeded(self, api: ApiClient, session: sessions.Session) -> None:
        self._reset_button()
        self.password_edit.clear()
        self.clear_error()
        self.logged_in.emit(api, session)

    def _failed(self, api: ApiClient, exc: Exception) -> None:
        self._reset_button()
        api.close()
        code = exc.code if isinstance(exc, ApiError) else "unknown"
        self._set_error(code, lambda lang: refusal_text(exc, lang, self.device_id))
        if code == "invalid_credentials":
            self.password_edit.selectAll()
            self.password_edit.setFocus()

    def show_reason(self, code: str) -> None:
        """Back from a session that ended: say why (``session_expired``, ``account_expired``…)."""
        self._set_error(code, lambda lang: reason_text(code, lang))

    def clear_error(self) -> None:
        self.error_code = None
        self._error_source = None
        self.error_label.clear()
        self.error_label.hide()

    # --- helpers -----------------------------------------------------------------------------
    def _set_error(self, code: str, source: Callable[[str], str]) -> None:
        """Show an error; ``source`` renders it in a language, so a language switch re-renders."""
        self.error_code = code
        self._error_source = source
        self._render_error()

    def _render_error(self) -> None:
        if self._error_source is None:
            return
        self.error_label.setText(self._error_source(self.lang))
        self.error_label.show()

    def _reset_button(self) -> None:
        self.submit.setEnabled(True)
        self.submit.setText(tr("login.submit", self.lang))

    def _copy_device_id(self) -> None:
        QGuiApplication.clipboard().setText(self.device_id)
