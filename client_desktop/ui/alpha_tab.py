"""The 「Alpha 刷量」 tab: the bot's configuration, start / pause / resume / stop / sweep, the
live state and pause reason, a progress bar to the target, balances, today's statistics, the
cycles table and a wear chart (pyqtgraph). Server calls run off the GUI thread; the tab
refreshes every few seconds while shown."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client_desktop.core.alpha_api import (
    ACTIONS,
    AlphaApi,
    Snapshot,
    enabled_actions,
    fetch_snapshot,
    wear_series,
)
from client_desktop.core.i18n import tr
from client_desktop.core.server_http import ApiError
from client_desktop.ui.common import named
from client_desktop.ui.tasks import TaskRunner

FIELDS = ("target_value", "buy_offset", "sell_offset", "order_usdt", "timeout_s", "swing_pct",
          "wear_cap")  # fmt: skip
COLUMNS = ("number", "kind", "opened", "buy", "sell", "qty", "counted", "cost", "wear", "note")
CHOICES = {"env": ("sim", "prod"), "target_kind": ("today", "total", "points"),
           "offset_mode": ("pct", "fixed")}  # fmt: skip
CHOICE_KEYS = {"env": "alpha.env.{}", "target_kind": "alpha.target.{}",
               "offset_mode": "alpha.offset.{}"}  # fmt: skip
DEFAULTS = {"target_value": "500", "buy_offset": "-0.1", "sell_offset": "-0.1",
            "order_usdt": "20", "timeout_s": "300", "swing_pct": "2", "wear_cap": ""}  # fmt: skip

SessionSource = Callable[[], Any]  # the QR-bound WebSession, or None


class AlphaTab(QWidget):
    def __init__(
        self,
        alpha: AlphaApi | None = None,
        *,
        session_source: SessionSource = lambda: None,
        env: str = "sim",
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.alpha, self.session_source, self.lang = alpha, session_source, lang
        self.snapshot = Snapshot(None, [], {})
        self.runner = TaskRunner(self)
        self._build(env)
        self.retranslate(lang)
        self.timer = QTimer(self, interval=3000)
        self.timer.timeout.connect(self.refresh)

    # --- layout ------------------------------------------------------------------------------
    def _build(self, env: str) -> None:
        self.combos = {name: QComboBox() for name in CHOICES}
        self._choice = {"env": env, "target_kind": "today", "offset_mode": "pct"}
        self.token_edit = QLineEdit("KOGE")
        self.edits = {name: QLineEdit(DEFAULTS[name]) for name in FIELDS}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, widget in [("env", self.combos["env"]), ("token", self.token_edit),
                            ("target_kind", self.combos["target_kind"]),
                            ("target_value", self.edits["target_value"]),
                            ("offset_mode", self.combos["offset_mode"]),
                            *[(f, self.edits[f]) for f in FIELDS[1:]]]:  # fmt: skip
            self.labels[key] = QLabel()
            form.addRow(self.labels[key], widget)
        self.save_button = QPushButton()
        self.save_status = named(QLabel(wordWrap=True), "hint")
        self.consent = QCheckBox()
        self.consent_text = named(QLabel(wordWrap=True), "caption")
        self.host_button = QPushButton()
        self.host_status = named(QLabel(wordWrap=True), "hint")
        self.config_box = QGroupBox()
        box = QVBoxLayout(self.config_box)
        box.addLayout(form)
        for widget in (self.save_button, self.save_status, self.consent, self.consent_text,
                       self.host_button, self.host_status):  # fmt: skip
            box.addWidget(widget)
        box.addStretch(1)
        self.config_box.setMaximumWidth(430)

        self.buttons = {a: QPushButton() for a in ACTIONS}
        actions = QHBoxLayout()
        for action in ACTIONS:
            actions.addWidget(self.buttons[action])
        actions.addStretch(1)
        self.state_label = named(QLabel(), "status")
        self.reason_label = named(QLabel(wordWrap=True), "reason")
        self.reason_label.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress_text = named(QLabel(), "caption")
        self.balance_box = QGroupBox()
        self.balance_grid = QGridLayout(self.balance_box)
        self.stats_box = QGroupBox()
        self.stats_grid = QGridLayout(self.stats_box)
        self.stat_values: dict[str, QLabel] = {}
        for row, key in enumerate(("cycles", "venue", "ours", "cost", "wear", "per_point")):
            self.stats_grid.addWidget(named(QLabel(), f"stat_{key}_caption"), row, 0)
            self.stat_values[key] = QLabel("-")
            self.stats_grid.addWidget(self.stat_values[key], row, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.balance_box)
        middle.addWidget(self.stats_box)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chart = pg.PlotWidget(background="w")
        self.chart.setMinimumHeight(150)
        self.chart.showGrid(x=True, y=True, alpha=0.3)
        self.curve = self.chart.plot([], [], pen=pg.mkPen("#d9a507", width=2), symbol="o",
                                     symbolSize=5, symbolBrush="#d9a507")  # fmt: skip
        right = QVBoxLayout()
        right.addLayout(actions)
        right.addWidget(self.state_label)
        right.addWidget(self.reason_label)
        right.addWidget(self.progress)
        right.addWidget(self.progress_text)
        right.addLayout(middle)
        right.addWidget(self.table, 2)
        right.addWidget(self.chart, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.config_box)
        layout.addLayout(right, 1)
        self.save_button.clicked.connect(self.save)
        self.host_button.clicked.connect(self.host)
        for action, button in self.buttons.items():
            button.clicked.connect(lambda _=False, a=action: self.act(a))

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        for key, label in self.labels.items():
            label.setText(tr(f"alpha.{key}" if key != "token" else "alpha.token", lang))
        for name, combo in self.combos.items():
            if combo.count():
                self._choice[name] = CHOICES[name][combo.currentIndex()]
            combo.clear()
            combo.addItems([tr(CHOICE_KEYS[name].format(v), lang) for v in CHOICES[name]])
            combo.setCurrentIndex(CHOICES[name].index(self._choice[name]))
        self.config_box.setTitle(tr("alpha.config", lang))
        self.save_button.setText(tr("alpha.save", lang))
        self.consent.setText(tr("alpha.host_agree", lang))
        self.consent_text.setText(tr("alpha.host_consent", lang))
        self.host_button.setText(tr("alpha.host", lang))
        for action, button in self.buttons.items():
            button.setText(tr(f"alpha.{action}", lang))
        self.balance_box.setTitle(tr("alpha.balances", lang))
        self.stats_box.setTitle(tr("alpha.today", lang))
        for key in self.stat_values:
            caption = self.findChild(QLabel, f"stat_{key}_caption")
            if caption is not None:
                caption.setText(tr(f"alpha.stat.{key}", lang))
        self.table.setHorizontalHeaderLabels([tr(f"alpha.col.{c}", lang) for c in COLUMNS])
        self.chart.setTitle(tr("alpha.chart", lang), color="#1f2933", size="10pt")
        self.show_snapshot(self.snapshot)

    # --- server calls ------------------------------------------------------------------------
    def _call(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.runner.start(fn, done, self._failed)

    def _failed(self, exc: Exception) -> None:
        message = exc.message if isinstance(exc, ApiError) and exc.message else str(exc)
        self.save_status.setText(message)

    def refresh(self) -> None:
        if self.alpha is not None and not self.runner.busy:
            alpha = self.alpha
            self._call(lambda: fetch_snapshot(alpha), self.show_snapshot)

    def config(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: CHOICES[name][combo.currentIndex()] for name, combo in self.combos.items()
        }
        values["token"] = self.token_edit.text().strip()
        for name, edit in self.edits.items():
            text = edit.text().strip()
            values[name] = None if (name == "wear_cap" and not text) else text
        return values

    def save(self) -> None:
        if self.alpha is None:
            return
        alpha, config = self.alpha, self.config()
        self._call(lambda: alpha.configure(config), self._saved)

    def _saved(self, bot: dict[str, Any]) -> None:
        self.save_status.setText(tr("alpha.saved", self.lang))
        self.show_snapshot(Snapshot(bot, self.snapshot.cycles, self.snapshot.balances))

    def host(self) -> None:
        session = self.session_source()
        if session is None:
            self.host_status.setText(tr("alpha.host_need_binding", self.lang))
            return
        if not self.consent.isChecked():
            self.host_status.setText(tr("alpha.host_need_consent", self.lang))
            return
        if self.alpha is None:
            return
        alpha, env = self.alpha, self.config()["env"]
        done = tr("alpha.host_done", self.lang, env=tr(f"alpha.env.{env}", self.lang))
        self.runner.start(lambda: alpha.host_session(env, session, consent=True),
                          lambda _r: self.host_status.setText(done),
                          lambda e: self.host_status.setText(getattr(e, "message", str(e))))  # fmt: skip

    def act(self, action: str) -> None:
        bot = self.snapshot.bot
        if self.alpha is None or bot is None:
            return
        alpha = self.alpha
        if action == "start":
            self._call(alpha.risk_notice, lambda notice: self._start_after_notice(notice))
            return
        self._call(lambda: alpha.act(bot["id"], action), self._acted)

    def _start_after_notice(self, notice: dict[str, Any]) -> None:
        assert self.alpha is not None and self.snapshot.bot is not None
        alpha, bot_id = self.alpha, self.snapshot.bot["id"]
        if not notice.get("accepted"):
            if not self.ask_risk(notice):
                return
            self._call(lambda: (alpha.accept_risk(), alpha.act(bot_id, "start"))[1], self._acted)
            return
        self._call(lambda: alpha.act(bot_id, "start"), self._acted)

    def ask_risk(self, notice: dict[str, Any]) -> bool:
        """The risk notice, plainly; True when the trader accepts."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("alpha.risk_title", self.lang))
        box.setText(notice.get(f"title_{self.lang}", notice.get("title_zh", "")))
        box.setInformativeText(notice.get(f"body_{self.lang}", notice.get("body_zh", "")))
        accept = box.addButton(
            tr("alpha.risk_accept", self.lang), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is accept

    def _acted(self, bot: dict[str, Any]) -> None:
        self.show_snapshot(Snapshot(bot, self.snapshot.cycles, self.snapshot.balances))
        self.refresh()

    # --- showing -----------------------------------------------------------------------------
    def show_snapshot(self, snap: Snapshot) -> None:
        first = snap.bot is not None and (
            self.snapshot.bot is None or self.snapshot.bot["id"] != snap.bot["id"]
        )
        self.snapshot = snap
        bot = snap.bot
        if first and bot is not None:
            self.fill_form(bot)
        allowed = enabled_actions(bot["phase"] if bot else None)
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
        if bot is None:
            self.state_label.setText(tr("alpha.no_bot", self.lang))
            self.reason_label.hide()
            return
        self._show_state(bot)
        self._show_balances(snap.balances)
        self._show_cycles(snap.cycles)

    def fill_form(self, bot: dict[str, Any]) -> None:
        """Show the bot's saved configuration in the form (when it is first loaded)."""
        config = bot["config"]
        self.token_edit.setText(bot["token"])
        choices = {"env": bot["env"], "target_kind": config["target_kind"],
                   "offset_mode": config["offset_mode"]}  # fmt: skip
        for name, value in choices.items():
            self._choice[name] = value
            self.combos[name].setCurrentIndex(CHOICES[name].index(value))
        for name, edit in self.edits.items():
            edit.setText(_short(config.get(name) or "") if config.get(name) else "")

    def _show_state(self, bot: dict[str, Any]) -> None:
        phase = tr(f"alpha.phase.{bot['phase']}", self.lang)
        self.state_label.setText(tr("alpha.state_line", self.lang, token=bot["token"],
                                    phase=phase, cycle=bot["cycle"]))  # fmt: skip
        if bot.get("pause_reason"):
            self.reason_label.setText(tr("alpha.reason", self.lang, reason=bot["pause_text"],
                                         detail=bot.get("pause_detail") or ""))  # fmt: skip
            self.reason_label.show()
        else:
            self.reason_label.hide()
        p = bot["progress"]
        self.progress.setValue(int(p["percent"] * 10))
        self.progress.setFormat(f"{p['percent']:.1f}%")
        self.progress_text.setText(tr("alpha.progress", self.lang, done=p["done_volume"],
                                      target=p["target_volume"], points=p["points_today"],
                                      loops=p["loops_left"]))  # fmt: skip
        stats = {"cycles": p["cycles_today"], "venue": p["venue_today"], "ours": p["ours_today"],
                 "cost": p["cost_today"], "wear": p["wear_bps_today"],
                 "per_point": p["cost_per_point"] or "-"}  # fmt: skip
        for key, value in stats.items():
            self.stat_values[key].setText(str(value))

    def _show_balances(self, balances: dict[str, dict[str, str]]) -> None:
        while self.balance_grid.count():
            item = self.balance_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # gone now, not at the next event loop turn
        heads = ["", tr("alpha.free", self.lang), tr("alpha.locked", self.lang),
                 tr("alpha.total", self.lang)]  # fmt: skip
        for col, text in enumerate(heads):
            self.balance_grid.addWidget(named(QLabel(text), "caption"), 0, col)
        for row, (asset, amounts) in enumerate(balances.items(), 1):
            self.balance_grid.addWidget(QLabel(asset), row, 0)
            for col, key in enumerate(("free", "locked", "total"), 1):
                self.balance_grid.addWidget(QLabel(_short(amounts[key])), row, col)

    def _show_cycles(self, cycles: list[dict[str, Any]]) -> None:
        self.table.setRowCount(len(cycles))
        for row, c in enumerate(cycles):
            kind = tr(f"alpha.kind.{c['kind']}", self.lang)
            values = [c["number"], kind, c["opened_at"][11:19], _short(c["buy_price"]),
                      _short(c["sell_price"]), _short(c["quantity"]), _places(c["counted"], 2),
                      _places(c["cost"], 4), c["wear_bps"], c["note"]]  # fmt: skip
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(str(value)))
        xs, ys = wear_series(cycles)
        self.curve.setData(xs, ys)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.timer.start()
        self.refresh()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self.timer.stop()


def _places(text: str, places: int) -> str:
    return f"{Decimal(text):.{places}f}"


def _short(text: str) -> str:
    """Decimal strings without trailing zeros (``"10.50000000"`` → ``"10.5"``)."""
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".") or "0"
