"""Plain values the futures trading product passes between its cores, services and screens.

``TradeIntentSpec`` is what a trade is made from: a signal's direction and levels. The product
does not import the signals app; a caller (the signals screen, the API, a test) builds the spec
and ``signal_key`` names the signal opaquely (its id as a string) so one click per
(signal, trader) can be recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"

    @property
    def entry_side(self) -> str:
        return "BUY" if self is Direction.LONG else "SELL"

    @property
    def exit_side(self) -> str:
        return "SELL" if self is Direction.LONG else "BUY"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.LONG else -1


@dataclass(frozen=True)
class TradeIntentSpec:
    """A trade idea: symbol, direction, the reference entry price, take-profit and stop-loss
    prices (``None`` when the signal has none) and the opaque key of the signal it came from."""

    symbol: str
    direction: Direction
    entry_ref: Decimal
    take_profit: Decimal | None
    stop_loss: Decimal | None
    signal_key: str

    def __post_init__(self) -> None:
        if not self.signal_key or len(self.signal_key) > 64:
            raise ValueError("signal_key must be 1..64 characters")
        if self.entry_ref <= 0:
            raise ValueError("entry_ref must be positive")


@dataclass(frozen=True)
class TradeChoice:
    """What the trader chose on the confirmation: margin (USDT) and leverage, optional trailing."""

    margin: Decimal
    leverage: int
    trailing_callback_pct: Decimal | None = None
    trailing_activation: Decimal | None = None
