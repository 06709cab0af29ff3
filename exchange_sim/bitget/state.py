"""Bitget spot v2 state: accounts (key, secret, passphrase, demo flag), orders, fills."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from exchange_sim.events import Hub
from exchange_sim.futures.klines import PriceHistory
from exchange_sim.throttle import Throttle
from exchange_sim.world import World

ZERO = Decimal(0)


class BitgetError(Exception):
    """A venue rejection: ``{"code": "<code>", "msg": ..., "requestTime", "data": null}``."""

    def __init__(self, code: str, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status


@dataclass(eq=False)
class Fill:
    """One execution of one order (``fills`` row, WS ``orders`` push)."""

    trade_id: str
    order_id: str
    symbol: str
    side: str
    order_type: str
    price: Decimal
    size: Decimal
    amount: Decimal
    fee: Decimal  # positive amount charged
    fee_coin: str
    maker: bool
    time: int


@dataclass(eq=False)
class BgOrder:
    """A spot order; ``size`` is the quote amount for market buys, else the base quantity."""

    symbol: str
    order_id: str
    client_oid: str
    side: str
    order_type: str
    force: str
    price: Decimal
    size: Decimal
    c_time: int
    user_id: str
    status: str = "live"
    base_volume: Decimal = ZERO
    quote_volume: Decimal = ZERO
    fee: Decimal = ZERO
    fee_coin: str = ""
    u_time: int = 0
    hidden_until: int = 0
    fills: list[Fill] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in ("live", "partially_filled")

    @property
    def price_avg(self) -> Decimal:
        return self.quote_volume / self.base_volume if self.base_volume else ZERO


@dataclass(eq=False)
class BitgetAccount:
    """One Bitget account with one API key; ``demo`` keys only work with ``paptrading: 1``."""

    account_id: int
    name: str
    api_key: str
    api_secret: str
    passphrase: str
    demo: bool = False
    fee_rate: Decimal = Decimal("0.001")
    limit_fill_parts: int = 1
    balances: dict[str, list[Decimal]] = field(default_factory=dict)  # coin -> [available, frozen]
    orders: dict[str, BgOrder] = field(default_factory=dict)
    by_client_oid: dict[str, BgOrder] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    u_time: int = 0
    secret_bytes: bytes = b""

    def __post_init__(self) -> None:
        self.secret_bytes = self.api_secret.encode()

    def balance(self, coin: str) -> list[Decimal]:
        row = self.balances.get(coin)
        if row is None:
            row = self.balances[coin] = [ZERO, ZERO]
        return row


class BitgetVenue:
    """All Bitget accounts, the resting book and the private-channel hub."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.accounts: dict[int, BitgetAccount] = {}
        self.by_key: dict[str, BitgetAccount] = {}
        self.resting: dict[str, list[tuple[BgOrder, BitgetAccount]]] = {}
        self.hub = Hub()  # api_key -> private WS sinks; items are (channel, data)
        self.throttle = Throttle()
        self.history = PriceHistory(world.clock_ms())  # spot/market/candles

    def create_account(
        self,
        *,
        name: str = "",
        balances: dict[str, Decimal] | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        passphrase: str | None = None,
        demo: bool = False,
        fee_rate: Decimal = Decimal("0.001"),
        limit_fill_parts: int = 1,
    ) -> BitgetAccount:
        key = api_key or "bg_" + secrets.token_hex(16)
        if key in self.by_key:
            raise ValueError(f"api_key already in use by account {self.by_key[key].account_id}")
        account_id = self.world.next_id()
        account = BitgetAccount(
            account_id=account_id,
            name=name or f"bitget-{account_id}",
            api_key=key,
            api_secret=api_secret or secrets.token_hex(32),
            passphrase=passphrase or secrets.token_hex(8),
            demo=demo,
            fee_rate=fee_rate,
            limit_fill_parts=max(1, limit_fill_parts),
            u_time=self.world.clock_ms(),
        )
        for coin, amount in (balances or {}).items():
            account.balances[coin.upper()] = [amount, ZERO]
        self.accounts[account_id] = account
        self.by_key[key] = account
        return account

    def find(self, ident: str) -> BitgetAccount | None:
        if ident.isdigit() and int(ident) in self.accounts:
            return self.accounts[int(ident)]
        if ident in self.by_key:
            return self.by_key[ident]
        return next((a for a in self.accounts.values() if a.name == ident), None)
