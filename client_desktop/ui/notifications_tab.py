"""The notifications tab: the trader's notifications (newest first, unread in bold) with the
unread count, "mark all read", and the trader's own push channels with a "send test message"
button and a small form to add one. Network calls run on the pool (``TaskRunner``); results come
back on the GUI thread. ``show_page`` / ``show_channels`` take plain values (tests, screenshots)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.i18n import tr
from client_desktop.core.notifications_api import (
    CHANNEL_KINDS,
    ChannelInfo,
    NotificationPage,
    NotificationsApi,
)
from client_desktop.ui.common import named
from client_desktop.ui.tasks import TaskRunner

SEVERITY_COLOURS = {"info": "#1565c0", "warning": "#8a6d00", "critical": "#c62828"}
SEVERITIES = ("info", "warning", "critical")
FORM_KEYS = ("kind", "name", "url", "secret", "chat_id", "min_severity", "quiet")


def quiet_hours(text: str) -> dict[str, str | None]:
    """``"23:00-07:00"`` → the API's quiet_start / quiet_end (blank or unreadable → none)."""
    start, sep, end = text.replace(" ", "").replace("–", "-").partition("-")
    ok = sep and all(len(t.split(":")) == 2 and t.replace(":", "").isdigit() for t in (start, end))
    if not ok:
        return {"quiet_start": None, "quiet_end": None}
    return {"quiet_start": start, "quiet_end": end}


class NotificationsTab(QWidget):
    """``api`` may be ``None`` until a trader logs in (and in screenshots)."""

    unread_changed = Signal(int)

    def __init__(
        self,
        *,
        api: NotificationsApi | None = None,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.api = api
        self.lang = lang
        self.runner = TaskRunner(self)
        self.page = NotificationPage(0, [])
        self.channel_rows: list[ChannelInfo] = []
        self._build()
        self.retranslate(lang)

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = named(QLabel(), "title")
        self.unread_label = named(QLabel(), "notif_unread")
        self.unread_label.setMaximumHeight(24)
        self.refresh_button = QPushButton()
        self.mark_all_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh)
        self.mark_all_button.clicked.connect(self.mark_all_read)
        head = QHBoxLayout()
        for w in (self.title, self.unread_label):
            head.addWidget(w)
        head.addStretch(1)
        head.addWidget(self.refresh_button)
        head.addWidget(self.mark_all_button)
        self.table = self._table(4)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.message = named(QLabel(), "hint")
        self.channels_box = QGroupBox()
        self._build_channels()
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.message)
        layout.addWidget(self.channels_box, 2)

    def _table(self, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def _build_channels(self) -> None:
        self.channel_table = self._table(4)
        header = self.channel_table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.channel_table.setColumnWidth(2, 240)
        self.channel_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.test_button = QPushButton()
        self.test_button.clicked.connect(self.test_selected)
        self.kind_combo = QComboBox()
        for kind in CHANNEL_KINDS:
            self.kind_combo.addItem("", kind)
        self.name_edit, self.url_edit, self.secret_edit, self.chat_edit = (
            QLineEdit() for _ in range(4)
        )
        self.severity_combo = QComboBox()
        for severity in SEVERITIES:
            self.severity_combo.addItem("", severity)
        self.severity_combo.setCurrentIndex(SEVERITIES.index("warning"))
        self.quiet_edit = QLineEdit()
        self.quiet_edit.setPlaceholderText("23:00-07:00")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_channel)
        self.form = QGridLayout()  # two label/field pairs a row: the list keeps the height
        self.form_labels = [QLabel() for _ in FORM_KEYS]
        fields = (
            self.kind_combo,
            self.name_edit,
            self.url_edit,
            self.secret_edit,
            self.chat_edit,
            self.severity_combo,
            self.quiet_edit,
        )
        places = [(0, 0, 1), (0, 2, 1), (1, 0, 3), (2, 0, 1), (2, 2, 1), (3, 0, 1), (3, 2, 1)]
        for label, field, (r, c, span) in zip(self.form_labels, fields, places, strict=True):
            self.form.addWidget(label, r, c)
            self.form.addWidget(field, r, c + 1, 1, span)
        self.form.addWidget(self.add_button, 4, 3)
        row = QHBoxLayout(self.channels_box)
        left = QVBoxLayout()
        left.addWidget(self.channel_table)
        left.addWidget(self.test_button, alignment=Qt.AlignmentFlag.AlignLeft)
        row.addLayout(left, 1)
        row.addLayout(self.form, 1)

    # --- showing -----------------------------------------------------------------------------
    def show_page(self, page: NotificationPage) -> None:
        self.page = page
        self.table.setRowCount(len(page.items))
        for r, item in enumerate(page.items):
            local = item.created_at.astimezone().strftime("%m-%d %H:%M:%S")
            severity = tr(f"notif.severity.{item.severity}", self.lang)
            cells = [local, severity, item.title, item.body]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(item.body if c == 3 else text)
                if not item.read:
                    font = QFont()
                    font.setBold(True)
                    cell.setFont(font)
                if c == 1:
                    cell.setForeground(
                        QBrush(QColor(SEVERITY_COLOURS.get(item.severity, "#1f2933")))
                    )
                self.table.setItem(r, c, cell)
        self._show_unread(page.unread)

    def _show_unread(self, count: int) -> None:
        self.unread_label.setText(
            tr("notif.unread", self.lang, n=count) if count else tr("notif.none_unread", self.lang)
        )
        self.unread_label.setStyleSheet(
            "color: white; background: #c62828; border-radius: 9px; padding: 1px 8px;"
            if count
            else "color: #5f6b7a;"
        )
        self.mark_all_button.setEnabled(count > 0)
        self.unread_changed.emit(count)

    def show_channels(self, channels: list[ChannelInfo]) -> None:
        self.channel_rows = channels
        self.channel_table.setRowCount(len(channels))
        for r, ch in enumerate(channels):
            if not ch.is_enabled:
                state, colour = tr("notif.channel.disabled", self.lang), "#5f6b7a"
            elif ch.is_broken:
                state, colour = (
                    tr("notif.channel.broken", self.lang, error=ch.last_error[:60]),
                    "#c62828",
                )
            else:
                state, colour = tr("notif.channel.ok", self.lang), "#1b7f3b"
            cells = [ch.name, tr(f"notif.kind.{ch.kind}", self.lang), ch.url_masked, state]
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c == 3:
                    cell.setForeground(QBrush(QColor(colour)))
                self.channel_table.setItem(r, c, cell)
        if channels and not self.channel_table.selectedItems():
            self.channel_table.selectRow(0)
        self.test_button.setEnabled(bool(channels))

    def say(self, text: str) -> None:
        self.message.setText(text)

    # --- actions (off the GUI thread) --------------------------------------------------------
    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.api is None:
            return
        self.runner.start(
            fn, done, lambda exc: self.say(tr("notif.load_failed", self.lang, error=exc))
        )

    def refresh(self) -> None:
        api = self.api
        if api is None:
            return
        self._run(lambda: (api.page(), api.channels()), self._loaded)

    def _loaded(self, result: tuple[NotificationPage, list[ChannelInfo]]) -> None:
        page, channels = result
        self.show_page(page)
        self.show_channels(channels)

    def poll_unread(self) -> None:
        api = self.api
        if api is not None:
            self._run(api.unread, self._show_unread)

    def mark_all_read(self) -> None:
        api = self.api
        if api is not None:
            self._run(lambda: (api.mark_read(None), api.page()), lambda r: self.show_page(r[1]))

    def test_selected(self) -> None:
        api, row = self.api, self.channel_table.currentRow()
        if api is None or not 0 <= row < len(self.channel_rows):
            return
        channel = self.channel_rows[row]

        def done(result: Any) -> None:
            if result.ok:
                self.say(tr("notif.channel.test_ok", self.lang, name=channel.name))
            else:
                error = f"[{result.code}] {result.error}"
                self.say(tr("notif.channel.test_failed", self.lang, name=channel.name, error=error))
            self.refresh()

        self._run(lambda: api.channel_test(channel.id), done)

    def add_channel(self) -> None:
        api = self.api
        if api is None:
            return
        fields = {
            "kind": self.kind_combo.currentData(),
            "name": self.name_edit.text().strip(),
            "url": self.url_edit.text().strip(),
            "secret": self.secret_edit.text().strip(),
            "chat_id": self.chat_edit.text().strip(),
            "language": "en" if self.lang == "en" else "zh",
            "min_severity": self.severity_combo.currentData(),
            **quiet_hours(self.quiet_edit.text()),
        }

        def done(channel: ChannelInfo) -> None:
            self.say(tr("notif.channel.added", self.lang, name=channel.name))
            edits = (
                self.name_edit,
                self.url_edit,
                self.secret_edit,
                self.chat_edit,
                self.quiet_edit,
            )
            for edit in edits:
                edit.clear()
            self.refresh()

        self._run(lambda: api.channel_create(**fields), done)

    # --- language ----------------------------------------------------------------------------
    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.title.setText(tr("notif.title", lang))
        self.refresh_button.setText(tr("notif.refresh", lang))
        self.mark_all_button.setText(tr("notif.mark_all", lang))
        self.table.setHorizontalHeaderLabels(
            [tr(f"notif.col.{c}", lang) for c in ("time", "severity", "title", "body")]
        )
        self.channels_box.setTitle(tr("notif.channels", lang))
        self.channel_table.setHorizontalHeaderLabels(
            [tr(f"notif.channel.col.{c}", lang) for c in ("name", "kind", "address", "state")]
        )
        self.test_button.setText(tr("notif.channel.test", lang))
        self.add_button.setText(tr("notif.channel.add", lang))
        for i, kind in enumerate(CHANNEL_KINDS):
            self.kind_combo.setItemText(i, tr(f"notif.kind.{kind}", lang))
        for label, key in zip(self.form_labels, FORM_KEYS, strict=True):
            label.setText(tr(f"notif.channel.{key}", lang))
        for i, severity in enumerate(SEVERITIES):
            self.severity_combo.setItemText(i, tr(f"notif.severity_from.{severity}", lang))
        self.show_page(self.page)
        self.show_channels(self.channel_rows)
