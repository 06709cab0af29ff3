"""The trader's futures API (``/api/v1/futures/…``) for the desktop client, Qt-free: the trade
preview and the one click, positions, trade history, PnL by day, profit-share statements, the
manual close. Values come back as small frozen dataclasses with ``Decimal`` amounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from client_desktop.core.api_client import ApiClient
from client_desktop.core.server_http import dec

BASE = "/api/v1/futures"


@dataclass(frozen=True)
class TradeRequest:
    """A signal's levels and the trader's choice (what the confirmation sends)."""

    signal_key: str
    symbol: str
    direction: str
    entry_ref: Decimal
    take_profit: Decimal | None
    stop_loss: Decimal | None
    margin: Decimal
    leverage: int

    def json(self) -> dict[str, Any]:
        body = {k: str(v) if isinstance(v, Decimal) else v for k, v in self.__dict__.items()}
        return {k: v for k, v in body.items() if v is not None}


@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    text: str


@dataclass(frozen=True)
class Preview:
    """What the confirmation shows before anything is sent."""

    price: Decimal
    quantity: Decimal
    notional: Decimal
    margin: Decimal
    leverage: int
    worst_case_loss: Decimal | None
    ok: bool
    checks: tuple[Check, ...]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Preview:
        return cls(
            price=Decimal(d["price"]), quantity=Decimal(d["quantity"]),
            notional=Decimal(d["notional"]), margin=Decimal(d["margin"]),
            leverage=int(d["leverage"]), worst_case_loss=dec(d.get("worst_case_loss")),
            ok=bool(d["ok"]),
            checks=tuple(Check(c["rule"], bool(c["ok"]), c["text"]) for c in d["checks"]),
        )  # fmt: skip


@dataclass(frozen=True)
class TradeRow:
    id: int
    symbol: str
    direction: str
    state: str
    state_label: str
    leverage: int
    quantity: Decimal
    entry_price: Decimal
    stop_loss: Decimal | None
    take_profit: Decimal | None
    close_reason: str
    net: Decimal | None
    error: str
    clicked_at: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TradeRow:
        return cls(
            id=int(d["id"]), symbol=d["symbol"], direction=d["direction"], state=d["state"],
            state_label=d.get("state_label", d["state"]), leverage=int(d["leverage"]),
            quantity=Decimal(d["quantity"]), entry_price=Decimal(d["entry_price"]),
            stop_loss=dec(d.get("stop_loss")), take_profit=dec(d.get("take_profit")),
            close_reason=d.get("close_reason", ""), net=dec(d.get("net")),
            error=d.get("error", ""), clicked_at=str(d.get("clicked_at", "")),
        )  # fmt: skip


@dataclass(frozen=True)
class PositionRow:
    symbol: str
    amount: Decimal
    entry_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PositionRow:
        return cls(d["symbol"], Decimal(d["amount"]), Decimal(d["entry_price"]),
                   Decimal(d["mark_price"]), Decimal(d["unrealized_pnl"]))  # fmt: skip


@dataclass(frozen=True)
class PnlDay:
    day: str
    net: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class Pnl:
    totals: dict[str, Any]
    days: tuple[PnlDay, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Pnl:
        days = tuple(PnlDay(x["day"], Decimal(x["net"]), Decimal(x["cumulative"]))
                     for x in d["days"])  # fmt: skip
        return cls(dict(d["totals"]), days)


@dataclass(frozen=True)
class StatementRow:
    period_start: str
    period_end: str
    revision: int
    state: str
    net_pnl: Decimal
    chargeable: Decimal
    platform_share: Decimal
    trader_share: Decimal
    carry_out: Decimal

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> StatementRow:
        return cls(
            str(d["period_start"])[:10], str(d["period_end"])[:10], int(d["revision"]),
            d["state"], Decimal(d["net_pnl"]), Decimal(d["chargeable"]),
            Decimal(d["platform_share"]), Decimal(d["trader_share"]), Decimal(d["carry_out"]),
        )  # fmt: skip


@dataclass(frozen=True)
class KeyStatus:
    """The bound key as the server reports it (masked), and what "test connection" read."""

    api_key_masked: str
    environment: str
    hedge_mode: bool
    multi_assets: bool
    wallet: Decimal | None
    ok: bool | None = None
    error: str = ""
    can_withdraw: bool | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> KeyStatus:
        return cls(
            d["api_key_masked"], d["environment"], bool(d["hedge_mode"]),
            bool(d["multi_assets"]), dec(d.get("wallet")), d.get("ok"),
            d.get("error") or d.get("check_error") or "", d.get("can_withdraw"),
        )  # fmt: skip


class FuturesApi:
    """Blocking calls (run them off the GUI thread) on a logged-in :class:`ApiClient`."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def key(self) -> KeyStatus:
        return KeyStatus.from_json(self.api.request("GET", f"{BASE}/key"))

    def set_key(self, api_key: str, api_secret: str, environment: str) -> KeyStatus:
        body = {"api_key": api_key, "api_secret": api_secret, "environment": environment}
        return KeyStatus.from_json(self.api.request("PUT", f"{BASE}/key", body))

    def test_key(self) -> KeyStatus:
        return KeyStatus.from_json(self.api.request("POST", f"{BASE}/key/test", {}))

    def preview(self, trade: TradeRequest) -> Preview:
        return Preview.from_json(self.api.request("POST", f"{BASE}/preview", trade.json()))

    def open(self, trade: TradeRequest) -> TradeRow:
        return TradeRow.from_json(self.api.request("POST", f"{BASE}/trades", trade.json()))

    def close(self, trade_id: int) -> TradeRow:
        return TradeRow.from_json(self.api.request("POST", f"{BASE}/trades/{trade_id}/close", {}))

    def trades(self) -> list[TradeRow]:
        return [TradeRow.from_json(r) for r in self.api.request("GET", f"{BASE}/trades")["trades"]]

    def positions(self) -> list[PositionRow]:
        rows = self.api.request("GET", f"{BASE}/positions")["positions"]
        return [PositionRow.from_json(r) for r in rows]

    def pnl(self) -> Pnl:
        return Pnl.from_json(self.api.request("GET", f"{BASE}/pnl"))

    def statements(self) -> list[StatementRow]:
        rows = self.api.request("GET", f"{BASE}/statements")["statements"]
        return [StatementRow.from_json(r) for r in rows]
