"""The status bar: server connection, session time left, Binance binding state and time left,
auto-trading on/off. Time left is recomputed every second from the server's clock."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from client_desktop.core.i18n import duration_text, tr
from client_desktop.ui.common import named

OK, WARN, BAD = "#1b7f3b", "#8a6d00", "#c62828"
WARN_BELOW_S = 3600.0  # an expiry within the hour turns amber


class StatusBar(QStatusBar):
    """Plain state in, text out: the controller calls the ``set_*`` methods."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.now = now or (lambda: datetime.now(UTC))
        self.lang = lang
        self.server_ok: bool | None = None
        self.retry_at = 0.0  # monotonic time of the next retry while the server is down
        self.session_expires: datetime | None = None
        self.binding_bound = False
        self.binding_expires: datetime | None = None
        self.auto_on = False
        self.server = named(QLabel(), "status_server")
        self.session = named(QLabel(), "status_session")
        self.binding = named(QLabel(), "status_binding")
        self.auto = named(QLabel(), "status_auto")
        for label in (self.server, self.session, self.binding, self.auto):
            self.addPermanentWidget(label)
        self.timer = QTimer(self, interval=1000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.refresh()

    def set_server(self, ok: bool, retry_in_s: float = 0) -> None:
        """Connection state; while down, the next retry counts down every second."""
        self.server_ok, self.retry_at = ok, time.monotonic() + retry_in_s
        self.refresh()

    @property
    def retry_in_s(self) -> int:
        return max(0, math.ceil(self.retry_at - time.monotonic()))

    def set_session(self, expires_at: datetime | None) -> None:
        self.session_expires = expires_at
        self.refresh()

    def set_binding(self, bound: bool, expires_at: datetime | None = None) -> None:
        self.binding_bound, self.binding_expires = bound, expires_at
        self.refresh()

    def set_auto(self, on: bool) -> None:
        self.auto_on = on
        self.refresh()

    def refresh(self) -> None:
        lang, now = self.lang, self.now()
        if self.server_ok is None:
            self._show(self.server, "", OK)
        elif self.server_ok:
            self._show(self.server, tr("status.server_ok", lang), OK)
        else:
            text = tr("status.server_down", lang, seconds=self.retry_in_s)
            self._show(self.server, text, BAD)
        if self.session_expires is None:
            self._show(self.session, "", OK)
        else:
            left = (self.session_expires - now).total_seconds()
            text = tr("status.session", lang, left=duration_text(left, lang))
            self._show(self.session, text, self._colour(left))
        self._show_binding(now)
        key = "status.auto_on" if self.auto_on else "status.auto_off"
        text = tr(key, lang) if self.session_expires is not None else ""
        self._show(self.auto, text, OK if self.auto_on else WARN)

    def _show_binding(self, now: datetime) -> None:
        if self.session_expires is None:  # not logged in: nothing to say about Binance yet
            self._show(self.binding, "", OK)
        elif not self.binding_bound:
            self._show(self.binding, tr("status.binding_none", self.lang), BAD)
        elif self.binding_expires is None:
            self._show(self.binding, tr("status.binding_unknown", self.lang), OK)
        else:
            left = (self.binding_expires - now).total_seconds()
            text = tr("status.binding", self.lang, left=duration_text(left, self.lang))
            self._show(self.binding, text, self._colour(left))

    @staticmethod
    def _colour(left_s: float) -> str:
        return BAD if left_s <= 0 else WARN if left_s < WARN_BELOW_S else OK

    @staticmethod
    def _show(label: QLabel, text: str, colour: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
        label.setStyleSheet(f"color: {colour}; padding: 0 8px;")
