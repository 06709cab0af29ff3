"""Request weights and order counters of the futures API (docs/simulator.md#futures-weights).

Weights are those of the Binance USDⓈ-M REST docs for each endpoint (some depend on a parameter);
an order placement weighs 0 on the IP limit and counts against the account's order limits, which
the replies report in ``X-MBX-ORDER-COUNT-10S`` / ``X-MBX-ORDER-COUNT-1M``.
"""

from __future__ import annotations

from exchange_sim.futures.auth import Params
from exchange_sim.futures.state import Account

FLAT: dict[tuple[str, str], int] = {
    ("POST", "/fapi/v1/order"): 0,
    ("POST", "/fapi/v1/algoOrder"): 0,
    ("GET", "/fapi/v2/account"): 5,
    ("GET", "/fapi/v3/account"): 5,
    ("GET", "/fapi/v2/balance"): 5,
    ("GET", "/fapi/v3/balance"): 5,
    ("GET", "/fapi/v2/positionRisk"): 5,
    ("GET", "/fapi/v3/positionRisk"): 5,
    ("GET", "/fapi/v1/userTrades"): 5,
    ("GET", "/fapi/v1/allOrders"): 5,
    ("GET", "/fapi/v1/allAlgoOrders"): 5,
    ("GET", "/fapi/v1/income"): 30,
    ("GET", "/fapi/v1/positionSide/dual"): 30,
    ("GET", "/fapi/v1/multiAssetsMargin"): 30,
    ("GET", "/fapi/v1/commissionRate"): 20,
    ("GET", "/fapi/v1/time"): 1,
    ("GET", "/fapi/v1/ping"): 1,
}
ORDER_PATHS = frozenset({"/fapi/v1/order", "/fapi/v1/algoOrder"})


def weight(method: str, path: str, params: Params) -> int:
    """The documented weight of one request (1 for endpoints not listed)."""
    if (method, path) in FLAT:
        return FLAT[(method, path)]
    has_symbol = bool(params.get("symbol"))
    if path in ("/fapi/v1/openOrders", "/fapi/v1/openAlgoOrders"):
        return 1 if has_symbol else 40
    if path == "/fapi/v1/ticker/24hr":
        return 1 if has_symbol else 40
    if path in ("/fapi/v1/ticker/price", "/fapi/v2/ticker/price"):
        return 1 if has_symbol else 2
    if path == "/fapi/v1/premiumIndex":
        return 1 if has_symbol else 10
    if path == "/fapi/v1/depth":
        return _by_limit(params, [(50, 2), (100, 5), (500, 10)], 20)
    if path == "/fapi/v1/klines":
        return _by_limit(params, [(99, 1), (499, 2), (1000, 5)], 10, default=500)
    return 1


def _by_limit(params: Params, steps: list[tuple[int, int]], top: int, default: int = 500) -> int:
    try:
        limit = int(params.get("limit") or default)
    except ValueError:
        limit = default
    for bound, w in steps:
        if limit <= bound:
            return w
    return top


def count_order(acc: Account, now: int) -> dict[str, str]:
    """Record one order placement; the account's counts over 10 s and 1 min as headers."""
    acc.order_times[:] = [t for t in acc.order_times if t > now - 60_000]
    acc.order_times.append(now)
    ten_s = sum(1 for t in acc.order_times if t > now - 10_000)
    return {"X-MBX-ORDER-COUNT-10S": str(ten_s), "X-MBX-ORDER-COUNT-1M": str(len(acc.order_times))}
