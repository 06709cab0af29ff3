"""The Binance binding screen: shows the QR code, refreshes it when it expires, waits for the
trader to confirm on the phone, then hands over the new web session.

The flow is the pure machine ``trading.exchanges.binance_web.qr_machine``; this widget only
performs its actions (network calls on the thread pool, timers for the delays) and feeds back what
happened. The network side is a :class:`QrSource` (blocking calls; core's binding provides one).
"""

from __future__ import annotations

from typing import Protocol

import qrcode
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from client_desktop.core.binding import failure_event
from client_desktop.core.i18n import error_text, tr
from client_desktop.ui.common import named
from client_desktop.ui.tasks import TaskRunner
from trading.exchanges.binance_web import qr_machine as qm
from trading.exchanges.binance_web.qr_login import QrCode, QrPoll

QR_PIXELS = 260


class QrSource(Protocol):
    """The QR login's two network calls, blocking (they run on a pool thread)."""

    def fetch_code(self) -> QrCode: ...

    def poll(self, code: str) -> QrPoll: ...


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` (``True`` = dark), quiet zone included."""
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


def qr_pixmap(text: str, pixels: int = QR_PIXELS) -> QPixmap:
    """``text`` as a crisp QR image about ``pixels`` square (whole pixels per module)."""
    matrix = qr_matrix(text)
    scale = max(1, pixels // len(matrix))
    image = QImage(len(matrix) * scale, len(matrix) * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, QColor("black"))
    painter.end()
    return QPixmap.fromImage(image)


class QrScreen(QWidget):
    """Emits :attr:`bound` with the confirmed ``WebSession``; :attr:`logout` if the trader quits."""

    bound = Signal(object)
    logout = Signal()

    def __init__(
        self,
        source: QrSource,
        *,
        lang: str = "zh",
        time_scale: float = 1.0,
        show_code_text: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.show_code_text = show_code_text  # simulator: the code to confirm from a terminal
        self.time_scale = time_scale  # < 1 in tests: shortens the machine's 1 s poll delay
        self.source = source
        self.lang = lang
        self.state = qm.QrState()
        self.runner = TaskRunner(self)
        self.render_text: str | None = None
        self.status_key = "qr.waiting"
        self.error: str | None = None
        self.reason = ""
        self._active = False
        self._build()
        self.retranslate(lang)

    def _build(self) -> None:
        self.title = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "title")
        self.hint = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.reason_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "reason")
        self.reason_label.setWordWrap(True)
        self.reason_label.hide()
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(QR_PIXELS + 16, QR_PIXELS + 16)
        self.image.setStyleSheet(
            "background: white; border: 1px solid #d0d4da; border-radius: 6px;"
        )
        self.status = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "status")
        self.code_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "device")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.hide()
        self.error_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "error")
        self.error_label.setWordWrap(True)
        self.refresh = QPushButton()
        self.logout_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.refresh)
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.title)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.hint)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.status)
        layout.addWidget(self.code_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.refresh.clicked.connect(self.restart)
        self.logout_button.clicked.connect(self.logout)
        self.error_label.hide()

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.title.setText(tr("qr.title", lang))
        self.hint.setText(tr("qr.hint", lang))
        self.refresh.setText(tr("qr.refresh", lang))
        self.logout_button.setText(tr("qr.logout", lang))
        self.status.setText(tr(self.status_key, lang))
        if self.error is not None:
            self.error_label.setText(tr("qr.error", lang, detail=self.error))
        self._render_reason()
        if self.state.code is not None:
            self.code_label.setText(tr("qr.code_text", lang, code=self.state.code))

    def show_reason(self, code: str) -> None:
        """Why the QR screen is back (e.g. ``binance_session_expired``); empty: first binding."""
        self.reason = code
        self._render_reason()

    def _render_reason(self) -> None:
        code = self.reason
        self.reason_label.setText(error_text(code, self.lang) if code else "")
        self.reason_label.setVisible(bool(code))

    # --- driving the machine -----------------------------------------------------------------
    def start(self) -> None:
        """Begin the QR login (called each time the screen is shown)."""
        self._active = True
        self.state = qm.QrState()
        self._feed(qm.Start())

    def stop(self) -> None:
        """Leave the screen: late replies and pending timers are ignored from now on."""
        self._active = False

    def restart(self) -> None:
        """The trader asked for a fresh code."""
        self._active = True
        self.state = qm.QrState()
        self._feed(qm.Start())

    def _feed(self, event: qm.Event) -> None:
        if not self._active:
            return
        self.state, actions = qm.step(self.state, event)
        for action in actions:
            self._perform(action)

    def _perform(self, action: qm.Action) -> None:
        if isinstance(action, qm.FetchCode):
            QTimer.singleShot(self._ms(action.delay_s), self._fetch)
        elif isinstance(action, qm.ShowCode):
            self._show_code(action.render_text)
        elif isinstance(action, qm.ShowScanned):
            self._set_status("qr.scanned")
        elif isinstance(action, qm.PollLater):
            code = action.code
            QTimer.singleShot(self._ms(action.delay_s), lambda: self._poll(code))
        elif isinstance(action, qm.SaveSession):
            self._set_status("qr.confirmed")
            self._active = False
            self.bound.emit(action.session)
        elif isinstance(action, qm.ShowExpired):
            self._expired()
        elif isinstance(action, qm.ShowError):
            self._show_error(action.reason)

    def _ms(self, delay_s: float) -> int:
        return int(delay_s * self.time_scale * 1000)

    def _fetch(self) -> None:
        if self._active:
            self.runner.start(self.source.fetch_code, self._code_issued, self._call_failed)

    def _poll(self, code: str) -> None:
        if self._active and self.state.code == code:
            self.runner.start(
                lambda: self.source.poll(code),
                lambda poll: self._feed(qm.Polled(code, poll.status, poll.session)),
                self._call_failed,
            )

    def _code_issued(self, code: QrCode) -> None:
        self._feed(qm.CodeIssued(code.code, code.render_text))

    def _call_failed(self, exc: Exception) -> None:
        self._feed(failure_event(exc))

    # --- showing -----------------------------------------------------------------------------
    def _show_code(self, render_text: str) -> None:
        self.render_text = render_text
        self.error = None
        self.error_label.hide()
        self.image.setPixmap(qr_pixmap(render_text))
        if self.show_code_text and self.state.code is not None:
            self.code_label.setText(tr("qr.code_text", self.lang, code=self.state.code))
            self.code_label.show()
        self._set_status("qr.waiting")

    def _expired(self) -> None:
        """An expired code is replaced at once (unless the flow stopped on an error)."""
        self._set_status("qr.expired")
        self.image.setEnabled(False)
        if self.error is None:
            self._feed(qm.Start())
        self.image.setEnabled(True)

    def _show_error(self, reason: str) -> None:
        self.error = reason
        self.error_label.setText(tr("qr.error", self.lang, detail=reason))
        self.error_label.show()

    def _set_status(self, key: str) -> None:
        self.status_key = key
        self.status.setText(tr(key, self.lang))
