"""Binance Alpha state: tokens, orders (limit and OTO legs), trades, listen keys, daily volume.

Balances live on the shared Binance web user (``exchange_sim.web.session.WebUser.balances``: free
``USDT`` and free ``ALPHA_<n>``); what resting orders hold is in ``AlphaState.locked``. One
``AlphaState`` per world, ``world.venues["binance_alpha"]``.
"""

from __future__ import annotations

import secrets
from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from exchange_sim.events import Hub
from exchange_sim.futures.klines import PriceHistory
from exchange_sim.numbers import ZERO

VENUE = "binance_alpha"
QUOTES = ("USDT",)
Q8 = Decimal("0.00000001")
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED", "PENDING"})
MAX_AGG_TRADES = 1000


def q8(value: Decimal) -> Decimal:
    return value.quantize(Q8, ROUND_DOWN)


def s8(value: Decimal) -> str:
    """Alpha's 8-decimal strings (``"869.56000000"``)."""
    return f"{q8(value):f}"


def z8(value: Decimal) -> str:
    """Stream-frame amounts: ``"0"`` for zero (as the real frames), else :func:`s8`."""
    return "0" if value == 0 else s8(value)


@dataclass
class Token:
    """One Alpha token (a token-list item and its ``ALPHA_<n><QUOTE>`` trading symbol rules)."""

    alpha_id: str
    symbol: str
    name: str
    chain_id: str = "56"
    chain_name: str = "BSC"
    contract_address: str = ""
    decimals: int = 18
    trade_decimal: int = 2  # quantity decimals: LOT_SIZE stepSize = 10^-tradeDecimal [INF]
    price_decimal: int = 8  # PRICE_FILTER tickSize = 10^-pricePrecision
    mul_point: Decimal = Decimal(1)
    min_notional: Decimal = Decimal("0.1")
    max_qty: Decimal = Decimal("9000000")
    max_price: Decimal = Decimal("1000")
    offline: bool = False
    offsell: bool = False
    listing_ms: int = 0

    @property
    def step(self) -> Decimal:
        return Decimal(1).scaleb(-self.trade_decimal)

    @property
    def tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.price_decimal)

    def trading_symbol(self, quote: str = "USDT") -> str:
        return f"{self.alpha_id}{quote}"


@dataclass
class Trade:
    """One fill of one order."""

    trade_id: int
    order_id: int
    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    quote: Decimal
    fee: Decimal
    fee_asset: str
    time: int
    maker: bool


@dataclass
class Order:
    """A LIMIT order or one OTO leg. The pending leg has ``orig_qty`` 0 until its working leg
    fills (status ``PENDING``); then it gets the working leg's net base quantity."""

    order_id: int
    user_id: str
    session_id: str
    token: Token
    quote_asset: str
    side: str
    price: Decimal
    orig_qty: Decimal
    time: int
    client_id: str = field(default_factory=lambda: "web_" + secrets.token_hex(16))
    status: str = "NEW"
    executed: Decimal = ZERO
    cum_quote: Decimal = ZERO
    update_time: int = 0
    list_id: int | None = None
    position: str | None = None  # OTO_WORKING | OTO_PENDING
    partner: Order | None = field(default=None, repr=False)
    locked: Decimal = ZERO  # what this order still holds (quote for BUY, base for SELL)
    net_base: Decimal = ZERO  # BUY: base received after fees (sizes the pending leg)
    trades: list[Trade] = field(default_factory=list)

    @property
    def symbol(self) -> str:
        return self.token.trading_symbol(self.quote_asset)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed

    @property
    def avg_price(self) -> Decimal:
        return q8(self.cum_quote / self.executed) if self.executed else ZERO

    def row(self) -> dict[str, Any]:
        """The ``get-open-order`` / ``get-order-history-merge`` row (docs/protocols.md §4.3)."""
        oto = self.list_id is not None
        return {
            "kind": "LIMIT",
            "orderId": str(self.order_id),
            "symbol": self.symbol,
            "status": self.status,
            "price": s8(self.price),
            "avgPrice": s8(self.avg_price),
            "origQty": s8(self.orig_qty),
            "executedQty": s8(self.executed),
            "cumQuote": s8(self.cum_quote),
            "type": "LIMIT",
            "side": self.side,
            "stopPrice": "0",
            "time": self.time,
            "updateTime": self.update_time or self.time,
            "orderListId": str(self.list_id) if oto else "-1",
            "baseAsset": self.token.alpha_id,
            "quoteAsset": self.quote_asset,
            "alphaId": self.token.alpha_id,
            "contingencyType": "OTO" if oto else None,
            "contingencyOrderPosition": self.position,
            "workingTime": self.time if self.status != "PENDING" else -1,
            "targetStrategy": None,
        }


@dataclass
class ListenKey:
    """A user-stream key; ``get-listen-key`` on the same session hands it out again and keeps
    it alive for ``AlphaConfig.listen_key_ttl_ms`` more (Binance's keys also lapse unless kept)."""

    key: str
    session_id: str
    user_id: str
    expires_ms: int = 0

    def expired(self, now_ms: int) -> bool:
        return 0 < self.expires_ms <= now_ms


@dataclass
class AlphaConfig:
    """Fill policy and fees, editable through ``POST /sim/alpha/config``."""

    auto_fill: bool = True  # resting orders fill when the price crosses (else: control fills)
    fill_parts: int = 1  # a resting order fills in this many parts, one per crossing price move
    fee_rate: Decimal = Decimal("0.0001")  # 0.01 % both sides (docs/protocols.md §4.4)
    max_open: int = 50  # open orders per user before 93420018
    listen_key_ttl_ms: int = 60 * 60 * 1000  # a key not re-fetched for this long expires


@dataclass
class AlphaState:
    tokens: dict[str, Token] = field(default_factory=dict)  # by alphaId
    by_symbol: dict[str, tuple[Token, str]] = field(default_factory=dict)  # ALPHA_1USDT → (t, q)
    orders: dict[int, Order] = field(default_factory=dict)
    by_user: dict[str, list[Order]] = field(default_factory=lambda: defaultdict(list))
    resting: dict[str, list[Order]] = field(default_factory=lambda: defaultdict(list))
    locked: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    trades: list[Trade] = field(default_factory=list)
    volume: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)  # (user,day)
    listen_keys: dict[str, ListenKey] = field(default_factory=dict)
    session_keys: dict[str, str] = field(default_factory=dict)  # session_id → listen key
    agg: dict[str, deque[dict[str, Any]]] = field(default_factory=dict)
    user_hub: Hub = field(default_factory=Hub)  # keyed by web user id
    market_hub: Hub = field(default_factory=Hub)  # keyed by stream name
    config: AlphaConfig = field(default_factory=AlphaConfig)
    history: PriceHistory | None = None
    next_alpha: int = 100
    next_agg: int = 1
    demo_pending: bool = False  # runsim --demo: create the demo tokens/session at install

    def token_by_symbol(self, symbol: str) -> tuple[Token, str] | None:
        return self.by_symbol.get(symbol.upper())

    def add_token(self, token: Token) -> None:
        self.tokens[token.alpha_id] = token
        for quote in QUOTES:
            self.by_symbol[token.trading_symbol(quote)] = (token, quote)

    def locked_of(self, user_id: str, asset: str) -> Decimal:
        return self.locked[user_id].get(asset, ZERO)

    def user_orders(self, user_id: str) -> list[Order]:
        return list(self.by_user.get(user_id, ()))

    def add_order(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self.by_user[order.user_id].append(order)

    def record_agg(self, symbol: str, row: dict[str, Any]) -> None:
        self.agg.setdefault(symbol, deque(maxlen=MAX_AGG_TRADES)).append(row)
