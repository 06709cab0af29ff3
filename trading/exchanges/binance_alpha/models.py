"""Alpha value types: tokens, orders (history rows and stream updates), volume, wallet, trades.

Frozen dataclasses with ``Decimal`` amounts; ``raw`` keeps the venue JSON for debugging.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from trading.exchanges.types import ZERO, OrderUpdate, RawJson, Side


@dataclass(frozen=True)
class AlphaToken:
    """A token-list item. ``mul_point`` is the volume multiplier: counted volume = buy notional
    × it (docs/alpha.md). ``tradable`` is False when ``offline`` or ``offsell``."""

    alpha_id: str
    symbol: str
    name: str
    chain_id: str
    contract_address: str
    decimals: int
    trade_decimal: int
    mul_point: Decimal
    price: Decimal = ZERO
    tradable: bool = True
    chain_name: str = ""
    offline: bool = False
    offsell: bool = False
    online_airdrop: bool = False
    online_tge: bool = False
    stock_state: bool = False
    listing_time: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)

    def trading_symbol(self, quote: str = "USDT") -> str:
        """``ALPHA_175`` → ``ALPHA_175USDT`` (streams use it lower-cased)."""
        return f"{self.alpha_id}{quote}"


@dataclass(frozen=True)
class OtoPlaced:
    """Ids of the two legs of a placed OTO pair (the pending SELL waits for the working BUY)."""

    working_order_id: str
    pending_order_id: str


@dataclass(frozen=True)
class AlphaOrder:
    """An order row of ``get-open-order`` / ``get-order-history-merge``."""

    order_id: str
    symbol: str
    status: str
    side: Side
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    cum_quote: Decimal
    avg_price: Decimal = ZERO
    order_list_id: str | None = None
    contingency_position: str | None = None
    base_asset: str = ""
    quote_asset: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class TokenVolume:
    token_name: str  # the token *symbol* ("AOP"), not its alphaId
    volume: Decimal


@dataclass(frozen=True)
class UserVolume:
    """Today's Alpha volume as Binance counts it."""

    total: Decimal
    tokens: tuple[TokenVolume, ...]


@dataclass(frozen=True)
class AlphaBalance:
    """One Alpha wallet holding (``token_id`` is the alphaId)."""

    token_id: str
    symbol: str
    free: Decimal
    freeze: Decimal
    locked: Decimal
    amount: Decimal
    valuation: Decimal
    raw: RawJson = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class AlphaOrderUpdate(OrderUpdate):
    """An ``alpha@<listenKey>`` executionReport: an :class:`OrderUpdate` plus OTO fields.

    ``venue_status`` keeps Binance's own status (``PENDING`` for an OTO leg waiting on its
    working leg, which ``status`` reports as NEW).
    """

    venue_status: str = ""
    order_list_id: str | None = None
    contingency_type: str | None = None
    contingency_position: str | None = None
    price: Decimal = ZERO
    orig_qty: Decimal = ZERO
    base_asset: str = ""
    quote_asset: str = ""

    @property
    def is_pending_leg(self) -> bool:
        return self.venue_status == "PENDING"


@dataclass(frozen=True)
class AggTrade:
    """A public aggTrade: the last traded price of an Alpha symbol."""

    symbol: str
    agg_id: str
    price: Decimal
    qty: Decimal
    time: datetime | None
    buyer_is_maker: bool


@dataclass(frozen=True)
class AlphaTrade:
    """One fill of one of the user's orders (``get-user-trades``; ids are strings)."""

    trade_id: str
    order_id: str
    symbol: str
    side: Side
    price: Decimal
    qty: Decimal
    quote: Decimal
    fee: Decimal
    fee_asset: str
    time: datetime | None
