"""Prices per symbol: set by the control API or moved along a seeded, scriptable random path.

Every venue module reads prices from here so that Binance spot, Bitget, futures and Alpha agree on
"the market". Listeners are called after each price change (resting LIMIT/OTO orders cross, aggTrade
streams push); they must be quick and must not raise.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

PriceListener = Callable[[str, Decimal], None]

DEFAULT_PRICES = {
    "BTCUSDT": Decimal("65000.00"),
    "ETHUSDT": Decimal("3200.00"),
    "BNBUSDT": Decimal("600.00"),
    "SOLUSDT": Decimal("150.00"),
}


class Market:
    """Current price per symbol (upper-case, e.g. ``BTCUSDT``) and a seeded random walk."""

    def __init__(self, seed: int = 7, prices: dict[str, Decimal] | None = None) -> None:
        self._seed = seed
        self._initial: dict[str, Decimal] = dict(prices or DEFAULT_PRICES)
        self._rng = random.Random(seed)
        self._prices: dict[str, Decimal] = dict(self._initial)
        self._listeners: list[PriceListener] = []
        self._script: dict[str, list[Decimal]] = {}

    def price(self, symbol: str) -> Decimal | None:
        return self._prices.get(symbol.upper())

    def prices(self) -> dict[str, Decimal]:
        return dict(self._prices)

    def symbols(self) -> list[str]:
        return sorted(self._prices)

    def set_price(self, symbol: str, price: Decimal) -> None:
        if price <= 0:
            raise ValueError("price must be positive")
        symbol = symbol.upper()
        self._prices[symbol] = price
        for listener in list(self._listeners):
            listener(symbol, price)

    def move(self, symbol: str, percent: Decimal) -> Decimal:
        """Move one symbol by ``percent`` (e.g. ``Decimal("-1.5")``), keeping its decimals."""
        old = self._prices[symbol.upper()]
        exponent = Decimal(1).scaleb(min(int(old.as_tuple().exponent), -2))
        new = (old * (1 + percent / 100)).quantize(exponent, ROUND_HALF_UP)
        self.set_price(symbol, new)
        return new

    def script(self, symbol: str, path: list[Decimal]) -> None:
        """Queue exact prices that the next ``step`` calls will apply in order."""
        self._script[symbol.upper()] = list(path)

    def step(self, symbol: str, volatility: Decimal = Decimal("0.001")) -> Decimal:
        """Move one symbol one tick: the next scripted price, else a seeded random walk."""
        symbol = symbol.upper()
        queued = self._script.get(symbol)
        if queued:
            new = queued.pop(0)
        else:
            old = self._prices[symbol]
            change = Decimal(str(self._rng.gauss(0, 1))) * volatility
            exponent = Decimal(1).scaleb(min(int(old.as_tuple().exponent), -2))
            new = (old * (1 + change)).quantize(exponent, ROUND_HALF_UP)
        self.set_price(symbol, new)
        return new

    def reseed(self, seed: int) -> None:
        self._seed = seed
        self._rng = random.Random(seed)

    def reset(self) -> None:
        """Back to the initial prices, seed and no script (listeners stay subscribed)."""
        self._rng = random.Random(self._seed)
        self._script.clear()
        for symbol, price in self._initial.items():
            if self._prices.get(symbol) != price:
                self.set_price(symbol, price)

    def subscribe(self, listener: PriceListener) -> None:
        self._listeners.append(listener)
