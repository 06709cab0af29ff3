"""Binance spot state: accounts (keys, balances, fee rates), orders and trades."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from exchange_sim.events import Hub
from exchange_sim.futures.klines import PriceHistory
from exchange_sim.throttle import Throttle
from exchange_sim.world import World

ZERO = Decimal(0)


class BinanceError(Exception):
    """A venue rejection: ``{"code": code, "msg": msg}`` with an HTTP status."""

    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


_PLAIN = bytes.maketrans(b"+/=", b"xyz")


def random_token(length: int) -> str:
    """A random alphanumeric id (client order ids, keys); cheap: it is on the order path."""
    raw = base64.b64encode(secrets.token_bytes(length)).translate(_PLAIN)
    return raw[:length].decode()


@dataclass(eq=False)
class Trade:
    """One fill of one order (``myTrades`` row, ``fills[]`` item)."""

    id: int
    order_id: int
    symbol: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool


@dataclass(eq=False)
class Order:
    """An order as the engine keeps it; the REST/WS views are built from these fields."""

    symbol: str
    order_id: int
    client_id: str
    side: str
    type: str
    time_in_force: str
    price: Decimal
    orig_qty: Decimal
    orig_quote_qty: Decimal
    time: int
    stp_mode: str = "EXPIRE_MAKER"
    stop_price: Decimal = ZERO  # stop orders: the trigger price
    working_time: int = -1  # when it reached the book: placement, or a stop order's trigger
    executed_qty: Decimal = ZERO
    cum_quote: Decimal = ZERO
    status: str = "NEW"
    update_time: int = 0
    hidden_until: int = 0
    fills: list[Trade] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in ("NEW", "PARTIALLY_FILLED")

    @property
    def is_working(self) -> bool:
        """On the book (or executed); a stop order is not working until its price triggers."""
        return self.working_time >= 0


@dataclass(eq=False)
class SpotAccount:
    """One Binance spot account with one HMAC API key."""

    account_id: int
    name: str
    api_key: str
    api_secret: str
    balances: dict[str, list[Decimal]] = field(default_factory=dict)  # asset -> [free, locked]
    maker_rate: Decimal = Decimal("0.001")
    taker_rate: Decimal = Decimal("0.001")
    limit_fill_parts: int = 1
    update_time: int = 0
    orders: dict[int, Order] = field(default_factory=dict)
    open_orders: dict[int, Order] = field(default_factory=dict)
    by_client_id: dict[str, Order] = field(default_factory=dict)
    trades: list[Trade] = field(default_factory=list)
    secret_bytes: bytes = b""
    order_counts: dict[str, list[int]] = field(default_factory=dict)
    ed25519_key: Ed25519PublicKey | None = None  # set: the API key is an Ed25519 key

    def __post_init__(self) -> None:
        self.secret_bytes = self.api_secret.encode()

    def balance(self, asset: str) -> list[Decimal]:
        row = self.balances.get(asset)
        if row is None:
            row = self.balances[asset] = [ZERO, ZERO]
        return row


def load_ed25519(text: str) -> Ed25519PublicKey:
    """A public key from PEM (``-----BEGIN PUBLIC KEY-----``) or base64 of the raw 32 bytes."""
    if "BEGIN" in text:
        key = serialization.load_pem_public_key(text.encode())
    else:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


class SpotVenue:
    """All Binance spot accounts plus the resting book and the event hubs."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.accounts: dict[int, SpotAccount] = {}
        self.by_key: dict[str, SpotAccount] = {}
        self.resting: dict[str, list[tuple[Order, SpotAccount]]] = {}
        self.stops: dict[str, list[tuple[Order, SpotAccount]]] = {}  # waiting for their trigger
        self.history = PriceHistory(world.clock_ms())  # klines, 24 h ticker, avgPrice
        self.user_hub = Hub()  # api_key -> WS-API user-data sinks
        self.market_hub = Hub()  # stream name (lower-case) -> market stream sinks
        self.throttle = Throttle()
        self.weights: dict[str, list[int]] = {}  # client ip -> [minute, used weight]
        self._agg_id = 0
        self._exec_id = 0
        self.trade_listener: Callable[[str, Trade], None] = lambda symbol, trade: None
        self.listen_key_owner: dict[str, SpotAccount] = {}
        self.listen_key_handler: Callable[[Any, str], Awaitable[None]] | None = None

    def create_account(
        self,
        *,
        name: str = "",
        balances: dict[str, Decimal] | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        maker_rate: Decimal = Decimal("0.001"),
        taker_rate: Decimal = Decimal("0.001"),
        limit_fill_parts: int = 1,
        ed25519_public_key: str | None = None,
    ) -> SpotAccount:
        key = api_key or random_token(64)
        if key in self.by_key:
            raise ValueError(f"api_key already in use by account {self.by_key[key].account_id}")
        account_id = self.world.next_id()
        account = SpotAccount(
            account_id=account_id,
            name=name or f"binance-{account_id}",
            api_key=key,
            api_secret=api_secret or random_token(64),
            maker_rate=maker_rate,
            taker_rate=taker_rate,
            limit_fill_parts=max(1, limit_fill_parts),
            update_time=self.world.clock_ms(),
        )
        if ed25519_public_key:
            account.ed25519_key = load_ed25519(ed25519_public_key)
        for asset, amount in (balances or {}).items():
            account.balances[asset.upper()] = [amount, ZERO]
        self.accounts[account_id] = account
        self.by_key[key] = account
        return account

    def find(self, ident: str) -> SpotAccount | None:
        """An account by id, API key or name (control API convenience)."""
        if ident.isdigit() and int(ident) in self.accounts:
            return self.accounts[int(ident)]
        if ident in self.by_key:
            return self.by_key[ident]
        return next((a for a in self.accounts.values() if a.name == ident), None)

    def listen_key_for(self, account: SpotAccount) -> str:
        """The legacy REST listen key (the same one while it is open, as on Binance)."""
        for key, owner in self.listen_key_owner.items():
            if owner is account:
                return key
        key = random_token(64)
        self.listen_key_owner[key] = account

        async def serve(ws: Any) -> None:
            assert self.listen_key_handler is not None
            await self.listen_key_handler(ws, key)

        self.world.listen_keys[key] = serve
        return key

    def close_listen_key(self, key: str) -> None:
        self.listen_key_owner.pop(key, None)
        self.world.listen_keys.pop(key, None)

    def next_exec_id(self) -> int:
        self._exec_id += 1
        return self._exec_id

    def next_agg_id(self) -> int:
        self._agg_id += 1
        return self._agg_id
