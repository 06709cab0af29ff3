"""The copy-trading dialogs: add / edit a follower (``AccountDialog``) and set the leader
(``LeaderDialog``). They only collect fields and show refusals; the tab saves off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.copytrade_api import FollowerView
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import ApiError
from client_desktop.ui.copytrade.cells import label

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
        self.setWindowTitle(tr("copy.dialog.add" if follower is None else "copy.dialog.edit", lang))
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
            form.addRow(tr(f"copy.{key}", lang), widget)
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
            edit.setPlaceholderText(tr("copy.keep", self.lang))
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
        self.setWindowTitle(tr("copy.dialog.leader", lang))
        self.exchange_box.setEnabled(False)  # the leader is always on Binance
        self.name_edit.setEnabled(False)
        self.passphrase_edit.setEnabled(False)

    def fields(self) -> dict[str, str]:
        return {
            "env": str(self.env_box.currentData()),
            "api_key": self.key_edit.text().strip(),
            "api_secret": self.secret_edit.text().strip(),
        }
