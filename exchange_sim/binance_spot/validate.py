"""Parse and check a new-order request the way Binance does, before it reaches the engine.

Returns a ``NewOrder`` or raises ``BinanceError`` with the venue's code and message (-1102,
-1100, -1111, -1121, -1115/-1116/-1117, -1106, -1013 ``Filter failure: ...``). Which parameters
each order type takes, and the -1106 "sent when not required" rule: docs/simulator.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from exchange_sim.binance_spot.state import BinanceError
from exchange_sim.binance_spot.symbols import SYMBOLS, SpotSymbol
from exchange_sim.numbers import ZERO, decimals_of, parse_decimal

CLIENT_ID_RE = re.compile(r"^[a-zA-Z0-9-_]{1,36}$")
STOP_TYPES = ("STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
KNOWN_TYPES = ("MARKET", "LIMIT", "LIMIT_MAKER", *STOP_TYPES)
LIMIT_KINDS = ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")  # carry a price
TIF_TYPES = ("LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")  # need timeInForce
RESP_TYPES = ("ACK", "RESULT", "FULL")
STP_MODES = ("NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT")


@dataclass
class NewOrder:
    """A validated order request."""

    spec: SpotSymbol
    side: str
    type: str
    time_in_force: str
    quantity: Decimal | None
    quote_qty: Decimal | None
    price: Decimal
    client_id: str | None
    resp_type: str
    stp_mode: str
    stop_price: Decimal = ZERO


def mandatory(name: str) -> BinanceError:
    msg = f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    return BinanceError(-1102, msg)


def require(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise mandatory(name)
    return value


def symbol_spec(params: dict[str, str]) -> SpotSymbol:
    spec = SYMBOLS.get(require(params, "symbol").upper())
    if spec is None:
        raise BinanceError(-1121, "Invalid symbol.")
    return spec


def decimal_param(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = parse_decimal(raw)
    if value is None or value < 0:
        raise BinanceError(
            -1100,
            f"Illegal characters found in parameter '{name}'; "
            "legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
        )
    if decimals_of(value) > 8:
        raise BinanceError(-1111, f"Parameter '{name}' has too much precision.")
    return value


def parse_new_order(params: dict[str, str]) -> NewOrder:
    spec = symbol_spec(params)
    side = require(params, "side").upper()
    if side not in ("BUY", "SELL"):
        raise BinanceError(-1117, "Invalid side.")
    order_type = require(params, "type").upper()
    if order_type not in KNOWN_TYPES:
        raise BinanceError(-1116, "Invalid orderType.")
    order = NewOrder(
        spec=spec,
        side=side,
        type=order_type,
        time_in_force=_time_in_force(params, order_type),
        quantity=decimal_param(params, "quantity"),
        quote_qty=decimal_param(params, "quoteOrderQty"),
        price=decimal_param(params, "price") or ZERO,
        client_id=_client_id(params),
        resp_type=_resp_type(params, order_type),
        stp_mode=_stp_mode(params),
        stop_price=decimal_param(params, "stopPrice") or ZERO,
    )
    _check_shape(order, params)
    return order


def _time_in_force(params: dict[str, str], order_type: str) -> str:
    tif = params.get("timeInForce", "")
    if order_type in TIF_TYPES and not tif:
        raise mandatory("timeInForce")
    if tif and tif not in ("GTC", "IOC", "FOK"):
        raise BinanceError(-1115, "Invalid timeInForce.")
    return tif or "GTC"


def _client_id(params: dict[str, str]) -> str | None:
    value = params.get("newClientOrderId")
    if value is None:
        return None
    if not CLIENT_ID_RE.match(value):
        raise BinanceError(
            -1100,
            "Illegal characters found in parameter 'newClientOrderId'; "
            "legal range is '^[a-zA-Z0-9-_]{1,36}$'.",
        )
    return value


def _resp_type(params: dict[str, str], order_type: str) -> str:
    value = params.get("newOrderRespType")
    if value is None:
        return "FULL" if order_type in ("MARKET", "LIMIT") else "ACK"
    if value not in RESP_TYPES:
        raise BinanceError(-1177, "Invalid newOrderRespType.")
    return value


def _stp_mode(params: dict[str, str]) -> str:
    value = params.get("selfTradePreventionMode", "EXPIRE_MAKER")
    if value not in STP_MODES:
        raise BinanceError(-1185, "Invalid selfTradePreventionMode.")
    return value


def _check_shape(order: NewOrder, params: dict[str, str]) -> None:
    """Each type's mandatory parameters, and -1106 for one it does not take."""
    _check_amount(order)
    if order.type in LIMIT_KINDS and not params.get("price"):
        raise mandatory("price")
    if "trailingDelta" in params:  # trailing stops are not simulated (docs/simulator.md)
        raise BinanceError(-1000, "trailingDelta is not supported by the simulator.")
    if order.type in STOP_TYPES and not params.get("stopPrice"):
        raise mandatory("stopPrice")
    for name, needed in (
        ("price", order.type in LIMIT_KINDS),
        ("timeInForce", order.type in TIF_TYPES),
        ("stopPrice", order.type in STOP_TYPES),
    ):
        if name in params and not needed:
            raise not_required(name)


def _check_amount(order: NewOrder) -> None:
    """MARKET takes ``quantity`` or ``quoteOrderQty`` (one of them); the others ``quantity``."""
    if order.type == "MARKET":
        if order.quantity is None and order.quote_qty is None:
            raise BinanceError(
                -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"
            )
        if order.quantity is not None and order.quote_qty is not None:
            raise not_required("quoteOrderQty")
    elif order.quantity is None:
        raise mandatory("quantity")
    elif order.quote_qty is not None:
        raise not_required("quoteOrderQty")


def not_required(name: str) -> BinanceError:
    return BinanceError(-1106, f"Parameter '{name}' sent when not required.")


def check_price(spec: SpotSymbol, price: Decimal) -> None:
    if price <= 0:
        raise BinanceError(-1013, "Invalid price.")
    bad_range = price < spec.min_price or price > spec.max_price
    if bad_range or price % spec.tick != 0:
        raise BinanceError(-1013, "Filter failure: PRICE_FILTER")


def check_lot(spec: SpotSymbol, qty: Decimal, market: bool) -> None:
    if qty <= 0:
        raise BinanceError(-1013, "Invalid quantity.")
    if qty < spec.min_qty or qty > spec.max_qty or qty % spec.step != 0:
        raise BinanceError(-1013, "Filter failure: LOT_SIZE")
    if market and qty > spec.market_max_qty:
        raise BinanceError(-1013, "Filter failure: MARKET_LOT_SIZE")


def check_notional(spec: SpotSymbol, notional: Decimal, market: bool) -> None:
    if notional < spec.min_notional:
        raise BinanceError(-1013, "Filter failure: NOTIONAL")
    if not market and notional > spec.max_notional:
        raise BinanceError(-1013, "Filter failure: NOTIONAL")
