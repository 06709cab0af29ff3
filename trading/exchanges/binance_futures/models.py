"""Futures-specific value types (orders reuse :class:`trading.exchanges.types.OrderResult`).

Frozen dataclasses with ``Decimal`` amounts and aware UTC datetimes; ``raw`` keeps the venue JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from trading.exchanges.binance_futures.constants import AlgoStatus
from trading.exchanges.types import ZERO, Fill, OrderUpdate, RawJson, Side


@dataclass(frozen=True)
class AlgoOrder:
    """A conditional (TP/SL) order held by Binance's algo service until its trigger fires."""

    algo_id: str
    client_algo_id: str
    symbol: str
    side: Side
    order_type: str
    status: AlgoStatus
    trigger_price: Decimal
    quantity: Decimal = ZERO
    close_position: bool = False
    reduce_only: bool = False
    working_type: str = ""
    position_side: str = "BOTH"
    created_at: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Position:
    """One position (``amount`` is signed: negative = short)."""

    symbol: str
    position_side: str
    amount: Decimal
    entry_price: Decimal
    break_even_price: Decimal
    mark_price: Decimal
    unrealized_pnl: Decimal
    liquidation_price: Decimal
    notional: Decimal
    isolated_margin: Decimal = ZERO
    leverage: int | None = None  # v2 only; v3 moved it to /fapi/v1/symbolConfig
    margin_type: str | None = None  # v2 only
    updated_at: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class FuturesFill(Fill):
    """A futures trade: a :class:`Fill` plus the PnL it realized."""

    realized_pnl: Decimal = ZERO
    position_side: str = "BOTH"


@dataclass(frozen=True)
class Income:
    """One income-history row (REALIZED_PNL, COMMISSION, FUNDING_FEE, TRANSFER, …)."""

    symbol: str
    income_type: str
    income: Decimal
    asset: str
    info: str
    time: datetime | None
    tran_id: str
    trade_id: str
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Kline:
    """One candle of ``GET /fapi/v1/klines``."""

    open_time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time: datetime
    quote_volume: Decimal
    trades: int
    taker_buy_base: Decimal
    taker_buy_quote: Decimal


@dataclass(frozen=True)
class Leverage:
    symbol: str
    leverage: int
    max_notional: Decimal


@dataclass(frozen=True)
class FuturesOrderUpdate(OrderUpdate):
    """``ORDER_TRADE_UPDATE``: an :class:`OrderUpdate` plus futures fields."""

    order_type: str = ""
    position_side: str = "BOTH"
    avg_price: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    reduce_only: bool = False


@dataclass(frozen=True)
class BalanceChange:
    asset: str
    wallet_balance: Decimal
    cross_wallet_balance: Decimal
    balance_change: Decimal


@dataclass(frozen=True)
class PositionChange:
    symbol: str
    position_side: str
    amount: Decimal
    entry_price: Decimal
    break_even_price: Decimal
    accumulated_realized: Decimal
    unrealized_pnl: Decimal
    margin_type: str
    isolated_wallet: Decimal


@dataclass(frozen=True)
class AccountUpdate:
    """``ACCOUNT_UPDATE``: balances and positions that changed, and why (``reason``)."""

    reason: str
    balances: tuple[BalanceChange, ...]
    positions: tuple[PositionChange, ...]
    event_time: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class AlgoUpdate:
    """``ALGO_UPDATE``: a TP/SL changed state (``actual_order_id`` once it triggered)."""

    algo_id: str
    client_algo_id: str
    symbol: str
    side: Side
    order_type: str
    status: AlgoStatus
    trigger_price: Decimal
    quantity: Decimal
    actual_order_id: str | None = None
    avg_price: Decimal = ZERO
    executed_qty: Decimal = ZERO
    close_position: bool = False
    reduce_only: bool = False
    event_time: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ListenKeyExpired:
    """The stream's listen key expired: the session ends; the reconnect loop gets a new key."""

    event_time: datetime | None = None


FuturesEvent = FuturesOrderUpdate | AccountUpdate | AlgoUpdate | ListenKeyExpired


@dataclass(frozen=True)
class FuturesBalance:
    """One margin asset of ``GET /fapi/v3/account``."""

    asset: str
    wallet_balance: Decimal
    available_balance: Decimal
    unrealized_pnl: Decimal
    margin_balance: Decimal
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ApiRestrictions:
    """What an API key may do (``GET /sapi/v1/account/apiRestrictions``)."""

    enable_reading: bool
    enable_futures: bool
    enable_withdrawals: bool
    ip_restrict: bool
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class AccountModes:
    """Hedge (``positionSide`` LONG/SHORT) vs One-way, and multi- vs single-asset margin."""

    hedge: bool
    multi_assets: bool


@dataclass(frozen=True)
class Bracket:
    """One leverage bracket: up to ``initial_leverage`` while the notional is ≤ ``notional_cap``."""

    initial_leverage: int
    notional_floor: Decimal
    notional_cap: Decimal
    maint_margin_ratio: Decimal


@dataclass(frozen=True)
class CommissionRate:
    symbol: str
    maker: Decimal
    taker: Decimal
