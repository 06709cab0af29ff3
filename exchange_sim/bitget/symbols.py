"""Bitget spot symbols (``/api/v2/spot/public/symbols``) with the precisions the engine enforces."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class BgSymbol:
    symbol: str
    base: str
    quote: str
    price_precision: int
    quantity_precision: int
    quote_precision: int = 6
    min_trade_amount: Decimal = Decimal("0")
    min_trade_usdt: Decimal = Decimal("1")

    @property
    def qty_step(self) -> Decimal:
        return Decimal(1).scaleb(-self.quantity_precision)


SYMBOLS: dict[str, BgSymbol] = {
    s.symbol: s
    for s in (
        BgSymbol("BTCUSDT", "BTC", "USDT", 2, 6),
        BgSymbol("ETHUSDT", "ETH", "USDT", 2, 4),
        BgSymbol("BNBUSDT", "BNB", "USDT", 2, 4),
        BgSymbol("SOLUSDT", "SOL", "USDT", 2, 4),
    )
}


def symbol_json(s: BgSymbol) -> dict[str, Any]:
    return {
        "symbol": s.symbol,
        "baseCoin": s.base,
        "quoteCoin": s.quote,
        "minTradeAmount": str(s.min_trade_amount),
        "maxTradeAmount": "900000000000000000000",
        "takerFeeRate": "0.001",
        "makerFeeRate": "0.001",
        "pricePrecision": str(s.price_precision),
        "quantityPrecision": str(s.quantity_precision),
        "quotePrecision": str(s.quote_precision),
        "status": "online",
        "minTradeUSDT": str(s.min_trade_usdt),
        "buyLimitPriceRatio": "0.05",
        "sellLimitPriceRatio": "0.05",
        "areaSymbol": "no",
        "orderQuantity": "200",
        "openTime": "1532454360000",
        "offTime": "",
    }
