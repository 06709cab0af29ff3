"""Futures accounts, positions, orders, algo orders, trades and income rows (one-way mode).

Plain data; the rules that change it live in ``engine``. Money is ``Decimal`` throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from exchange_sim.throttle import Throttle

ZERO = Decimal(0)
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})


@dataclass
class Position:
    """A position of one symbol: net (``side`` BOTH, One-way mode) or one side of a Hedge-mode
    account (LONG / SHORT). ``amount`` > 0 long, < 0 short."""

    symbol: str
    amount: Decimal = ZERO
    entry: Decimal = ZERO
    update_time: int = 0
    side: str = "BOTH"


@dataclass
class Order:
    """A regular order on ``/fapi/v1/order`` (also the MARKET order a triggered algo creates)."""

    order_id: int
    client_id: str
    symbol: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal
    time_in_force: str
    reduce_only: bool
    time: int
    orig_type: str = ""
    close_position: bool = False
    status: str = "NEW"
    executed: Decimal = ZERO
    cum_quote: Decimal = ZERO
    update_time: int = 0
    hidden_until: int = 0  # fault "not_found_window": lookups answer -2013 until then
    position_side: str = "BOTH"

    @property
    def avg_price(self) -> Decimal:
        return self.cum_quote / self.executed if self.executed else ZERO


@dataclass
class AlgoOrder:
    """A conditional order held by the Algo Service until the market crosses ``trigger``."""

    algo_id: int
    client_id: str
    symbol: str
    side: str
    type: str
    quantity: Decimal
    trigger: Decimal
    close_position: bool
    reduce_only: bool
    working_type: str
    price_protect: bool
    create_time: int
    status: str = "NEW"
    update_time: int = 0
    trigger_time: int = 0
    actual_order_id: int = 0
    actual_price: Decimal = ZERO
    price: Decimal = ZERO  # STOP / TAKE_PROFIT: the LIMIT price placed on trigger
    time_in_force: str = "GTC"
    activate_price: Decimal = ZERO  # TRAILING_STOP_MARKET: tracking starts once crossed
    callback_rate: Decimal = ZERO  # TRAILING_STOP_MARKET: retrace in percent (0.1 … 10)
    activated: bool = False
    extreme: Decimal = ZERO  # best price seen since activation (high for SELL, low for BUY)
    position_side: str = "BOTH"


@dataclass
class Trade:
    """One fill (``/fapi/v1/userTrades`` row)."""

    trade_id: int
    order_id: int
    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    commission: Decimal
    realized_pnl: Decimal
    maker: bool
    time: int
    position_side: str = "BOTH"


@dataclass
class Income:
    """One ``/fapi/v1/income`` row."""

    tran_id: int
    symbol: str
    income_type: str
    income: Decimal
    time: int
    trade_id: str = ""
    info: str = ""


@dataclass
class Account:
    """One futures account, addressed by its API key."""

    api_key: str
    secret: str
    wallet: Decimal
    leverage: dict[str, int] = field(default_factory=dict)
    margin_type: dict[str, str] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    algos: dict[int, AlgoOrder] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)
    income: list[Income] = field(default_factory=list)
    listen_key: str = ""
    listen_key_expiry: int = 0
    dual_side: bool = False  # Hedge mode (positionSide LONG/SHORT); the engine trades One-way
    multi_assets: bool = False
    can_withdraw: bool = False  # the API key's "enable withdrawals" restriction
    order_times: list[int] = field(default_factory=list)  # for X-MBX-ORDER-COUNT-10S/1M

    def position(self, symbol: str, side: str = "BOTH") -> Position:
        """The net position (``BOTH``) or one Hedge-mode side; keyed ``SYMBOL`` / ``SYMBOL:SIDE``."""
        key = symbol if side == "BOTH" else f"{symbol}:{side}"
        return self.positions.setdefault(key, Position(symbol, side=side))

    def sides(self, symbol: str) -> list[Position]:
        """The positions of ``symbol`` this account's mode reports (BOTH, or LONG and SHORT)."""
        if self.dual_side:
            return [self.position(symbol, "LONG"), self.position(symbol, "SHORT")]
        return [self.position(symbol)]

    def lev(self, symbol: str) -> int:
        return self.leverage.get(symbol, 20)


@dataclass
class FuturesState:
    """``world.venues["binance_futures"]``: accounts by API key, listen keys to accounts."""

    accounts: dict[str, Account] = field(default_factory=dict)
    listen_keys: dict[str, str] = field(default_factory=dict)
    hub: Any = None
    history: Any = None
    weight: list[int] = field(default_factory=lambda: [0, 0])
    default_wallet: Decimal = Decimal("10000")
    throttle: Throttle = field(default_factory=Throttle)
