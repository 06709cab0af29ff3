"""Bitget spot symbols (``/api/v2/spot/public/symbols``) with the precisions and limit-price bands
the engine enforces, their coins (``/api/v2/spot/public/coins``) and margin listing
(``/api/v2/margin/currencies``). Field sets: docs/simulator.md."""

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
    buy_limit_price_ratio: Decimal = Decimal("0.05")  # a limit buy at most 5 % above the market
    sell_limit_price_ratio: Decimal = Decimal("0.05")  # a limit sell at most 5 % below it

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
        "buyLimitPriceRatio": str(s.buy_limit_price_ratio),
        "sellLimitPriceRatio": str(s.sell_limit_price_ratio),
        "areaSymbol": "no",
        "orderQuantity": "200",
        "openTime": "1532454360000",
        "offTime": "",
    }


# Each coin's deposit/withdrawal networks (chain names as Bitget lists them).
CHAINS: dict[str, list[str]] = {
    "BTC": ["BTC"],
    "ETH": ["ERC20"],
    "BNB": ["BEP20"],
    "SOL": ["SOL"],
    "USDT": ["TRC20", "ERC20", "BEP20"],
}


def coin_json(coin: str, coin_id: int) -> dict[str, Any]:
    chains = [
        {
            "chain": chain,
            "needTag": "false",
            "withdrawable": "true",
            "rechargeable": "true",
            "withdrawFee": "1" if coin == "USDT" else "0.0005",
            "extraWithdrawFee": "0",
            "depositConfirm": "12",
            "withdrawConfirm": "64",
            "minDepositAmount": "0.0001",
            "minWithdrawAmount": "10" if coin == "USDT" else "0.001",
            "browserUrl": "",
            "contractAddress": "",
            "withdrawStep": "0",
            "withdrawMinScale": "8",
            "congestion": "normal",
        }
        for chain in CHAINS[coin]
    ]
    return {
        "coinId": str(coin_id),
        "coin": coin,
        "transfer": "true",
        "chains": chains,
        "areaCoin": "no",
    }


def margin_json(s: BgSymbol) -> dict[str, Any]:
    """One ``/api/v2/margin/currencies`` row: every simulated pair is marginable."""
    return {
        "symbol": s.symbol,
        "baseCoin": s.base,
        "quoteCoin": s.quote,
        "maxCrossedLeverage": "3",
        "maxIsolatedLeverage": "10",
        "warningRiskRatio": "0.8",
        "liquidationRiskRatio": "1",
        "minTradeAmount": str(s.min_trade_amount),
        "maxTradeAmount": "900000000000000000000",
        "takerFeeRate": "0.001",
        "makerFeeRate": "0.001",
        "pricePrecision": str(s.price_precision),
        "quantityPrecision": str(s.quantity_precision),
        "minTradeUSDT": str(s.min_trade_usdt),
        "isBorrowable": True,
        "userMinBorrow": "0",
        "status": "1",
        "isIsolatedBaseBorrowable": True,
        "isIsolatedQuoteBorrowable": True,
        "isCrossBorrowable": True,
    }
