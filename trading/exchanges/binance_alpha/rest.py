"""Alpha request bodies (docs/protocols.md §4.3). Transport, session headers, the 10 req/s limit and
the envelope are the shared web ones (:class:`trading.exchanges.binance_web.rest.WebRest`).

``paymentDetails`` semantics from a browser capture: a BUY pays from ``CARD`` with the quote amount
(price × quantity truncated to 8 dp) as a *string*; a SELL pays from ``ALPHA`` with the base
quantity as a JSON *number*. Prices and quantities are JSON numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from trading.exchanges.binance_alpha import constants as c
from trading.exchanges.binance_alpha.mapping import json_number, truncate
from trading.exchanges.binance_web.rest import WebRest
from trading.exchanges.types import Side

__all__ = ["WebRest", "cancel_body", "limit_body", "oto_body", "payment_details"]


def payment_details(side: Side, price: Decimal, quantity: Decimal) -> list[dict[str, Any]]:
    if Side(side) is Side.BUY:
        amount = format(truncate(price * quantity), "f")
        return [{"amount": amount, "paymentWalletType": c.WALLET_CARD}]
    return [{"amount": json_number(quantity), "paymentWalletType": c.WALLET_ALPHA}]


def limit_body(
    base_asset: str, quote_asset: str, side: Side, price: Decimal, quantity: Decimal
) -> dict[str, Any]:
    return {
        "baseAsset": base_asset,
        "quoteAsset": quote_asset,
        "side": Side(side).value,
        "price": json_number(price),
        "quantity": json_number(quantity),
        "paymentDetails": payment_details(side, price, quantity),
        "orderType": "LIMIT",
    }


def oto_body(
    base_asset: str,
    quote_asset: str,
    working_price: Decimal,
    working_quantity: Decimal,
    pending_price: Decimal,
) -> dict[str, Any]:
    """Working BUY + pending SELL; the pending quantity is set by Binance (working qty minus the
    base-asset fee, floored to the lot step), so there is no ``pendingQuantity``."""
    return {
        "baseAsset": base_asset,
        "quoteAsset": quote_asset,
        "workingSide": Side.BUY.value,
        "workingPrice": json_number(working_price),
        "workingQuantity": json_number(working_quantity),
        "paymentDetails": payment_details(Side.BUY, working_price, working_quantity),
        "pendingPrice": json_number(pending_price),
        "pendingType": "LIMIT",
    }


def cancel_body(order_id: str, symbol: str) -> dict[str, Any]:
    return {"orderId": str(order_id), "symbol": symbol}
