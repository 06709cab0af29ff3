"""A pyqtgraph candlestick chart with one signal drawn on it: the decision time, the reference
entry, TP and SL, and the signal's horizon as a shaded span."""

from __future__ import annotations

from datetime import timedelta

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter

from client_desktop.core.i18n import tr
from client_desktop.core.signals_api import Candle, SignalView

UP, DOWN = QColor("#1b7f3b"), QColor("#c62828")
ENTRY, TP, SL = "#1f5fbf", "#1b7f3b", "#c62828"
STEP_S = {"1m": 60, "3m": 180, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600, "2h": 7200,
          "4h": 14400, "6h": 21600, "8h": 28800, "12h": 43200, "1d": 86400}  # fmt: skip


class CandlesItem(pg.GraphicsObject):
    """Candles painted straight from their values (x: open time in seconds, relative to the first
    candle and moved there with ``setPos`` so the painter never sees epoch-sized coordinates; the
    bounds are computed here because a QPicture's are whole numbers, too coarse for a 1.07 price)."""

    def __init__(self, candles: list[Candle], step_s: int) -> None:
        super().__init__()
        self.candles, self.half = candles, step_s * 0.35
        self.origin = candles[0].open_time.timestamp() if candles else 0.0
        self.setPos(self.origin, 0.0)
        self.centres = [c.open_time.timestamp() - self.origin + step_s / 2 for c in candles]
        low = min((c.low for c in candles), default=0.0)
        high = max((c.high for c in candles), default=1.0)
        width = (self.centres[-1] + step_s) if candles else 1.0
        self.bounds = QRectF(0.0, low, width, max(high - low, 1e-12))

    def paint(self, painter: QPainter, *args: object) -> None:
        for x, c in zip(self.centres, self.candles, strict=True):
            colour = UP if c.close >= c.open else DOWN
            painter.setPen(pg.mkPen(colour, width=1))
            painter.drawLine(QPointF(x, c.low), QPointF(x, c.high))
            painter.setBrush(pg.mkBrush(colour))
            top, bottom = max(c.open, c.close), min(c.open, c.close)
            painter.drawRect(QRectF(x - self.half, bottom, 2 * self.half, max(top - bottom, 1e-12)))

    def boundingRect(self) -> QRectF:
        return self.bounds


class SignalChart(pg.PlotWidget):
    """Candles plus the selected signal."""

    def __init__(self, lang: str = "zh") -> None:
        super().__init__(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.lang = lang
        self.setBackground("w")
        self.showGrid(x=True, y=True, alpha=0.15)
        self.getPlotItem().setMenuEnabled(False)
        self.addLegend(offset=(8, 8))

    def show_signal(self, candles: list[Candle], signal: SignalView | None) -> None:
        self.clear()
        if not candles:
            return
        step = STEP_S.get(signal.interval if signal else "5m", 300)
        self.addItem(CandlesItem(candles, step))
        if signal is not None:
            self._draw_signal(signal, step, candles)
        self.autoRange()

    def _draw_signal(self, s: SignalView, step: int, candles: list[Candle]) -> None:
        start = s.decision_time.timestamp()
        end = (s.decision_time + timedelta(seconds=step * s.horizon_bars)).timestamp()
        span = pg.LinearRegionItem((start, end), movable=False, brush=QColor(240, 185, 11, 40))
        span.setZValue(-10)
        self.addItem(span)
        for key, price, colour in (
            ("entry", s.entry_ref, ENTRY),
            ("tp", s.tp, TP),
            ("sl", s.sl, SL),
        ):
            pen = pg.mkPen(colour, width=1.6)  # cosmetic: a plain QPen's width is in data units
            self.plot(
                [start, end],
                [float(price)] * 2,
                pen=pen,
                name=f"{tr(f'signals.chart.{key}', self.lang)} {price.normalize():f}",
            )
        marker = "t1" if s.direction == "LONG" else "t"
        colour = TP if s.direction == "LONG" else SL
        low = min(c.low for c in candles)
        high = max(c.high for c in candles)
        y = (
            float(s.entry_ref) - (high - low) * 0.04
            if s.direction == "LONG"
            else float(s.entry_ref) + (high - low) * 0.04
        )
        self.plot(
            [start],
            [y],
            pen=None,
            symbol=marker,
            symbolSize=14,
            symbolBrush=colour,
            symbolPen=colour,
        )
