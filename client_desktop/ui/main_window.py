"""The main window: a stack of the three screens (login → Binance QR → product tabs), the menus
(account, language) and the status bar. Screens are built by the controller and mounted here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QTabWidget, QWidget

from client_desktop.core.i18n import LANGUAGES, tr
from client_desktop.ui.status_bar import StatusBar

STYLE = """
QWidget { color: #1f2933; }
QMainWindow, QStackedWidget > QWidget { background: #f5f7fa; }
QLabel#title { font-size: 20px; font-weight: 600; padding: 6px 0 12px 0; }
QLabel#error { color: #c62828; padding: 6px 0; }
QLabel#device { color: #5f6b7a; }
QLabel#reason { color: #8a6d00; background: #fff8e1; border: 1px solid #f3d27a;
    border-radius: 4px; padding: 6px; }
QLabel#status { font-size: 14px; padding: 6px; }
QLabel#hint { padding-left: 8px; }
QLineEdit { padding: 5px 6px; border: 1px solid #c3cad3; border-radius: 4px; background: white; }
QLineEdit:focus { border-color: #f0b90b; }
QPushButton { padding: 6px 16px; border: 1px solid #c3cad3; border-radius: 4px; background: white; }
QPushButton:default { background: #f0b90b; border-color: #d9a507; font-weight: 600; }
QPushButton:disabled { color: #9aa5b1; }
QFrame#counter { background: white; border: 1px solid #dde2e8; border-radius: 6px; }
QFrame#counter QLabel { border: none; }
QLabel#counter_received, QLabel#counter_placed, QLabel#counter_failed {
    font-size: 22px; font-weight: 600; }
QLabel#counter_placed { color: #1b7f3b; }
QLabel#counter_failed { color: #c62828; }
QLabel#caption { color: #5f6b7a; }
QPushButton#auto { font-weight: 600; color: #5f6b7a; background: #e4e7eb; border-color: #c3cad3; }
QPushButton#auto:checked { color: white; background: #1b7f3b; border-color: #166a31; }
QWidget#login_card { background: white; border: 1px solid #dde2e8; border-radius: 8px; }
QTableView { background: white; alternate-background-color: #f8f9fb; gridline-color: #e4e7eb; }
QHeaderView::section { background: #eef1f4; padding: 4px 6px; border: none;
    border-right: 1px solid #dde2e8; }
QTabWidget::pane { border: 1px solid #dde2e8; background: #f5f7fa; }
QStatusBar { background: #eef1f4; border-top: 1px solid #dde2e8; }
"""


class MainWindow(QMainWindow):
    """Signals: the trader picked a language; asked to log out."""

    language_chosen = Signal(str)
    logout_requested = Signal()

    def __init__(self, status: StatusBar, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget()
        self.tabs = QTabWidget(documentMode=True)
        self.tab_keys: list[str] = []
        self.tab_counts: dict[str, int] = {}  # a count shown after a tab's name (unread badge)
        self.user = ""  # the logged-in trader's display name, shown in the title
        self.setCentralWidget(self.stack)
        self.status = status
        self.setStatusBar(status)
        self._build_menus()
        self.resize(980, 640)
        self.retranslate(lang)

    def _build_menus(self) -> None:
        self.account_menu = self.menuBar().addMenu("")
        self.logout_action = QAction(self)
        self.quit_action = QAction(self)
        self.logout_action.triggered.connect(self.logout_requested)
        self.quit_action.triggered.connect(self.close)
        self.account_menu.addAction(self.logout_action)
        self.operator_actions: dict[str, QAction] = {}
        for key in ("menu.operator_login", "menu.operator_show", "menu.operator_logout"):
            action = QAction(self)
            action.setVisible(False)  # offered only when the copy-trading module is installed
            self.account_menu.addAction(action)
            self.operator_actions[key] = action
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.quit_action)
        self.language_menu = self.menuBar().addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in LANGUAGES:
            action = QAction(tr(f"lang.{code}", code), self, checkable=True)
            action.setChecked(code == self.lang)
            action.triggered.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

    def set_user(self, name: str) -> None:
        self.user = name
        self.retranslate(self.lang)

    def add_screen(self, widget: QWidget) -> None:
        self.stack.addWidget(widget)

    def add_tab(self, widget: QWidget, key: str) -> None:
        self.tabs.addTab(widget, tr(key, self.lang))
        self.tab_keys.append(key)

    def remove_tab(self, key: str) -> None:
        if key in self.tab_keys:
            index = self.tab_keys.index(key)
            self.tabs.removeTab(index)
            self.tab_keys.pop(index)

    def show_screen(self, widget: QWidget) -> None:
        self.stack.setCurrentWidget(widget)
        self.logout_action.setEnabled(widget is not self.stack.widget(0))

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        title = tr("app.title", lang)
        self.setWindowTitle(f"{title} — {self.user}" if self.user else title)
        self.account_menu.setTitle(tr("menu.account", lang))
        self.logout_action.setText(tr("menu.logout", lang))
        self.quit_action.setText(tr("menu.quit", lang))
        for key, action in self.operator_actions.items():
            action.setText(tr(key, lang))
        self.language_menu.setTitle(tr("menu.language", lang))
        for code, action in self.language_actions.items():
            action.setChecked(code == lang)
        for index, key in enumerate(self.tab_keys):
            self.tabs.setTabText(index, self._tab_title(key))
        self.status.set_language(lang)

    def set_tab_count(self, key: str, count: int) -> None:
        """Show ``count`` after the tab's name ("通知 (3)"); nothing when it is zero."""
        self.tab_counts[key] = count
        if key in self.tab_keys:
            self.tabs.setTabText(self.tab_keys.index(key), self._tab_title(key))

    def _tab_title(self, key: str) -> str:
        count = self.tab_counts.get(key, 0)
        return f"{tr(key, self.lang)} ({count})" if count else tr(key, self.lang)
