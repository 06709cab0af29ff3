"""Binding the trader's futures API key: the key, the secret, the environment (testnet by
default), the permission notice, and "test connection" (balance, position mode, margin mode,
permissions). The server refuses a key that can withdraw; its message is shown as is."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.futures_api import KeyStatus
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import ApiError
from client_desktop.ui.common import named
from client_desktop.ui.tasks import TaskRunner

ENVIRONMENTS = ("test", "prod", "sim")


def key_status_text(status: KeyStatus, lang: str) -> str:
    def t(key: str) -> str:
        return tr(f"futures.key.{key}", lang)

    env = t(f"name.{status.environment}")
    text = tr("futures.key.status", lang, masked=status.api_key_masked, env=env,
              wallet=f"{status.wallet or 0:,.2f}", mode=t("hedge" if status.hedge_mode else "oneway"),
              assets=t("multi" if status.multi_assets else "single"))  # fmt: skip
    if status.error:
        return f"{text}\n{status.error}"
    if status.ok and status.can_withdraw is None and status.environment == "test":
        return f"{text}\n{t('withdraw_unknown')}"
    return f"{text}\n{t('ok')}" if status.ok else text


class KeyDialog(QDialog):
    """``api`` has ``key()``, ``set_key(...)`` and ``test_key()`` (``FuturesApi``)."""

    def __init__(self, api: Any, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.api, self.lang = api, lang
        self.runner = TaskRunner(self)
        self.setWindowTitle(self._t("title"))
        self.notice = named(QLabel(self._t("notice")), "reason")
        self.notice.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.secret_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.env = QComboBox()
        for code in ENVIRONMENTS:
            self.env.addItem(self._t(f"env.{code}"), code)
        form = QFormLayout()
        form.addRow(self._t("api_key"), self.key_edit)
        form.addRow(self._t("secret"), self.secret_edit)
        form.addRow(self._t("env"), self.env)
        self.status = named(QLabel(self._t("none")), "status")
        self.status.setWordWrap(True)
        self.save = QPushButton(self._t("save"), default=True)
        self.test = QPushButton(self._t("test"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.test)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.save.clicked.connect(self.submit)
        self.test.clicked.connect(self.check)
        self.resize(520, 320)
        self.runner.start(self.api.key, self.show_status, lambda exc: None)

    def _t(self, key: str) -> str:
        return tr(f"futures.key.{key}", self.lang)

    def show_status(self, status: KeyStatus) -> None:
        self.status.setText(key_status_text(status, self.lang))

    def show_error(self, exc: Exception) -> None:
        self.status.setText(exc.message if isinstance(exc, ApiError) and exc.message else str(exc))

    def submit(self) -> None:
        key, secret = self.key_edit.text().strip(), self.secret_edit.text().strip()
        env = self.env.currentData()
        self.secret_edit.clear()  # never kept on screen
        self.runner.start(lambda: self.api.set_key(key, secret, env), self.show_status,
                          self.show_error)  # fmt: skip

    def check(self) -> None:
        self.runner.start(self.api.test_key, self.show_status, self.show_error)
