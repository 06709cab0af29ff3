"""Symbol filters as Binance applies them to a new futures order (docs/simulator.md#futures-filters).

- quantity: ``LOT_SIZE`` for LIMIT, ``MARKET_LOT_SIZE`` for MARKET (its ``maxQty`` is a tenth of the
  LIMIT one here, as on the real BTCUSDT) → ``-4003`` below the minimum, ``-4005`` above the maximum,
  ``-1111`` off the step;
- price: more decimals than the symbol's ``pricePrecision`` → ``-1111``; within the precision but
  not a multiple of ``tickSize`` → ``-4014``;
- ``PERCENT_PRICE`` (LIMIT): a BUY above mark × ``multiplierUp`` → ``-4016``, a SELL below
  mark × ``multiplierDown`` → ``-4024`` (Binance USDⓈ-M "Filters" and "Error Codes" pages);
- ``MIN_NOTIONAL`` (field ``notional``) → ``-4164`` unless reduce-only.
"""

from __future__ import annotations

from decimal import Decimal

from exchange_sim.futures.auth import ApiError
from exchange_sim.futures.symbols import PERCENT_DOWN, PERCENT_UP, ContractSpec

PRECISION = "Precision is over the maximum defined for this asset."


def decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def check_quantity(spec: ContractSpec, qty: Decimal, *, market: bool) -> None:
    if qty <= 0 or qty < spec.min_qty:
        raise ApiError(-4003, "Quantity less than or equal to zero.")
    if qty > (spec.market_max_qty if market else spec.max_qty):
        raise ApiError(-4005, "Quantity greater than max quantity.")
    if qty % spec.step:
        raise ApiError(-1111, PRECISION)


def check_price(spec: ContractSpec, price: Decimal) -> None:
    if price <= 0:
        raise ApiError(-4013, "Price less than min price.")
    if decimals(price) > spec.price_precision:
        raise ApiError(-1111, PRECISION)
    if price % spec.tick:
        raise ApiError(-4014, "Price not increased by tick size.")


def check_percent_price(spec: ContractSpec, side: str, price: Decimal, mark: Decimal) -> None:
    cap = (mark * PERCENT_UP).quantize(spec.tick)
    floor = (mark * PERCENT_DOWN).quantize(spec.tick)
    if side == "BUY" and price > cap:
        raise ApiError(-4016, f"Limit price can't be higher than {cap}.")
    if side == "SELL" and price < floor:
        raise ApiError(-4024, f"Limit price can't be lower than {floor}.")


def check_notional(spec: ContractSpec, qty: Decimal, price: Decimal, reduce_only: bool) -> None:
    if not reduce_only and qty * price < spec.min_notional:
        raise ApiError(
            -4164,
            f"Order's notional must be no smaller than {spec.min_notional} "
            "(unless you choose reduce only).",
        )
