"""Copy-trading operators: a separate login (``/api/v1/copy/operator-login``) from the Account
menu; on success the copy-trading tab is mounted next to the event-contract tab. The tab lives in
``client_desktop/ui/copytrade/tab.py``; when that module is absent the menu entry is not offered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.i18n import tr
from client_desktop.ui.common import named
from client_desktop.ui.login_window import refusal_text
from client_desktop.ui.tasks import TaskRunner


def copytrade_parts() -> tuple[Callable[..., Any], Callable[..., QWidget]] | None:
    """``(api class, tab class)`` of the copy-trading module, or ``None`` when not installed."""
    try:
        from client_desktop.core.copytrade_api import CopyTradeApi
        from client_desktop.ui.copytrade.tab import CopyTradeTab
    except ImportError:
        return None
    return CopyTradeApi, CopyTradeTab


class OperatorLoginDialog(QDialog):
    """Username and password of an operator; emits :attr:`logged_in` with the API client."""

    logged_in = Signal(object)

    def __init__(
        self,
        make_api: Callable[[str], Any],
        server: str,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.make_api, self.server, self.lang = make_api, server, lang
        self.runner = TaskRunner(self)
        self.setWindowTitle(tr("operator.title", lang))
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.error_label = named(QLabel(wordWrap=True), "error")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(tr("login.server", lang), QLabel(server))
        form.addRow(tr("login.username", lang), self.username)
        form.addRow(tr("login.password", lang), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def attempt(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password or self.runner.busy:
            return
        api = self.make_api(self.server)
        self.buttons.setEnabled(False)
        self.runner.start(
            lambda: api.login(username, password),
            lambda _token: self._succeeded(api),
            lambda exc: self._failed(api, exc),
        )

    def _succeeded(self, api: Any) -> None:
        self.buttons.setEnabled(True)
        self.logged_in.emit(api)
        self.accept()

    def _failed(self, api: Any, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        api.close()
        self.error_label.setText(refusal_text(exc, self.lang, ""))
        self.error_label.show()
