"""USDⓈ-M perpetual contract specs (filters, precisions) and the ``exchangeInfo`` document.

Values follow the real contracts closely enough for rounding code to be tested against them;
note the futures ``MIN_NOTIONAL`` filter's field is ``notional`` (spot uses ``minNotional``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ORDER_TYPES = [
    "LIMIT",
    "MARKET",
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
]
CONDITIONAL_TYPES = frozenset(ORDER_TYPES[2:])
TIME_IN_FORCE = ["GTC", "IOC", "FOK", "GTX", "GTD"]
TAKER_FEE = Decimal("0.0005")
MAKER_FEE = Decimal("0.0002")
MAINT_MARGIN_RATE = Decimal("0.004")
MAX_NOTIONAL = Decimal("1000000")
PERCENT_UP = Decimal("1.0500")  # PERCENT_PRICE multiplierUp
PERCENT_DOWN = Decimal("0.9500")  # PERCENT_PRICE multiplierDown


@dataclass(frozen=True)
class ContractSpec:
    """One perpetual contract: tick, step, limits and precisions."""

    symbol: str
    base: str
    tick: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_notional: Decimal
    price_precision: int
    qty_precision: int

    @property
    def market_max_qty(self) -> Decimal:
        """``MARKET_LOT_SIZE.maxQty``: MARKET orders are capped lower than LIMIT ones."""
        return self.max_qty / 10

    def filters(self) -> list[dict[str, Any]]:
        return [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": str(self.tick),
                "maxPrice": "4529764",
                "tickSize": str(self.tick),
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": str(self.min_qty),
                "maxQty": str(self.max_qty),
                "stepSize": str(self.step),
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": str(self.min_qty),
                "maxQty": str(self.market_max_qty),
                "stepSize": str(self.step),
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": str(self.min_notional)},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": str(PERCENT_UP),
                "multiplierDown": str(PERCENT_DOWN),
                "multiplierDecimal": "4",
            },
        ]

    def info(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "pair": self.symbol,
            "contractType": "PERPETUAL",
            "deliveryDate": 4133404800000,
            "onboardDate": 1569398400000,
            "status": "TRADING",
            "maintMarginPercent": "2.5000",
            "requiredMarginPercent": "5.0000",
            "baseAsset": self.base,
            "quoteAsset": "USDT",
            "marginAsset": "USDT",
            "pricePrecision": self.price_precision,
            "quantityPrecision": self.qty_precision,
            "baseAssetPrecision": 8,
            "quotePrecision": 8,
            "underlyingType": "COIN",
            "underlyingSubType": [],
            "settlePlan": 0,
            "triggerProtect": "0.0500",
            "liquidationFee": "0.012500",
            "marketTakeBound": "0.05",
            "maxMoveOrderLimit": 10000,
            "filters": self.filters(),
            "orderTypes": ORDER_TYPES,
            "timeInForce": TIME_IN_FORCE,
        }


def _spec(symbol: str, tick: str, step: str, max_qty: str, notional: str) -> ContractSpec:
    tick_d, step_d = Decimal(tick), Decimal(step)
    return ContractSpec(
        symbol=symbol,
        base=symbol.removesuffix("USDT"),
        tick=tick_d,
        step=step_d,
        min_qty=step_d,
        max_qty=Decimal(max_qty),
        min_notional=Decimal(notional),
        price_precision=-int(tick_d.as_tuple().exponent),
        qty_precision=-int(step_d.as_tuple().exponent),
    )


CONTRACTS: dict[str, ContractSpec] = {
    s.symbol: s
    for s in (
        _spec("BTCUSDT", "0.10", "0.001", "1000", "100"),
        _spec("ETHUSDT", "0.01", "0.001", "10000", "20"),
        _spec("BNBUSDT", "0.010", "0.01", "100000", "5"),
        _spec("SOLUSDT", "0.0100", "1", "1000000", "5"),
    )
}


def exchange_info(server_time: int) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "serverTime": server_time,
        "futuresType": "U_MARGINED",
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": 2400,
            },
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
        ],
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [spec.info() for spec in CONTRACTS.values()],
    }
