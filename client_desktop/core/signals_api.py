"""Futures signals for the desktop client (Qt-free): the latest signals with their strategy's
scorecard, and candles for the chart, from ``/api/v1/futures/`` with the trader's session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from client_desktop.core.api_client import ApiClient


@dataclass(frozen=True)
class Card:
    """A strategy's measured record (one source, one window)."""

    source: str
    window_days: int
    signals: int
    hit_rate: float | None
    base_rate: float | None
    expectancy_r: float | None
    expectancy_net_r: float | None
    profit_factor: float | None
    avg_mfe_r: float | None
    avg_mae_r: float | None
    max_drawdown_r: float
    longest_losing_streak: int

    @classmethod
    def from_json(cls, row: Mapping[str, Any] | None) -> Card | None:
        if row is None:
            return None
        names = cls.__dataclass_fields__
        return cls(**{k: row.get(k) for k in names})  # type: ignore[arg-type]


@dataclass(frozen=True)
class SignalView:
    """One signal as the client shows it."""

    id: int
    symbol: str
    interval: str
    strategy: str
    strategy_label: str
    decision_time: datetime
    direction: str
    confidence: Decimal
    entry_ref: Decimal
    tp: Decimal
    sl: Decimal
    horizon_bars: int
    reason: dict[str, Any]
    outcome: str | None
    outcome_r: float | None
    live: Card | None
    backtest: Card | None
    has_edge: bool
    experimental: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> SignalView:
        outcome = row.get("outcome") or {}
        cards = row.get("scorecard") or {}
        return cls(
            id=int(row["id"]), symbol=row["symbol"], interval=row["interval"],
            strategy=row["strategy"], strategy_label=row["strategy_label"],
            decision_time=datetime.fromisoformat(row["decision_time"]),
            direction=row["direction"], confidence=Decimal(row["confidence"]),
            entry_ref=Decimal(row["entry_ref"]), tp=Decimal(row["tp"]), sl=Decimal(row["sl"]),
            horizon_bars=int(row["horizon_bars"]), reason=dict(row.get("reason") or {}),
            outcome=outcome.get("outcome"), outcome_r=outcome.get("net_r"),
            live=Card.from_json(cards.get("live")), backtest=Card.from_json(cards.get("backtest")),
            has_edge=bool(row.get("has_edge")), experimental=bool(row.get("experimental")),
        )  # fmt: skip

    @property
    def record(self) -> Card | None:
        """The card to judge by: live once it has 20 signals, else the walk-forward backtest."""
        if self.live is not None and self.live.signals >= 20:
            return self.live
        return self.backtest or self.live


@dataclass(frozen=True)
class Candle:
    open_time: datetime
    open: float
    high: float
    low: float
    close: float


@dataclass(frozen=True)
class SignalsPage:
    risk_notice: str
    signals: list[SignalView]


class SignalsApi:
    """Calls of the signals tab (blocking: run them off the GUI thread)."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def signals(
        self, *, symbol: str | None = None, interval: str | None = None, limit: int = 50
    ) -> SignalsPage:
        query = {k: v for k, v in (("symbol", symbol), ("interval", interval)) if v}
        query["limit"] = str(limit)
        body = self.api.request("GET", f"/api/v1/futures/signals?{urlencode(query)}")
        return SignalsPage(body["risk_notice"], [SignalView.from_json(r) for r in body["signals"]])

    def candles(self, symbol: str, interval: str, limit: int = 120) -> list[Candle]:
        query = urlencode({"symbol": symbol, "interval": interval, "limit": limit})
        body = self.api.request("GET", f"/api/v1/futures/klines?{query}")
        return [
            Candle(
                datetime.fromtimestamp(t / 1000).astimezone(),
                float(o),
                float(h),
                float(lo),
                float(c),
            )
            for t, o, h, lo, c, _v in body["klines"]
        ]
