"""The operator login panel the copy-trading tab shows while it has no operator token (Django
staff with ``copytrade.operate``): username, password, submit, and the refusal in words."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from client_desktop.core.i18n import tr


class LoginPanel(QWidget):
    """The form only: the tab sends the login and shows the outcome in :attr:`message`."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copy_login")
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("copy_username")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("copy_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.button = QPushButton()
        self.button.setObjectName("copy_login_submit")
        self.message = QLabel("")
        self.message.setObjectName("copy_login_message")
        self.title = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        for w in (self.username_edit, self.password_edit, self.button, self.message):
            layout.addWidget(w)
        layout.addStretch(1)
        self.set_language(lang)

    def set_language(self, lang: str) -> None:
        self.title.setText(tr("copy.login.title", lang))
        self.button.setText(tr("copy.login.submit", lang))
        self.username_edit.setPlaceholderText(tr("copy.login.username", lang))
        self.password_edit.setPlaceholderText(tr("copy.login.password", lang))
