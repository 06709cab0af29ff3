"""Mark prices for live PnL, shared by every trader of the process for ``TTL_S`` seconds.

The mark price is public (``premiumIndex``, weight 1): one read per symbol serves every trader's
position screen, instead of each refresh reading positions (weight 5 per trader).
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from accounts.models import ExchangeCredential
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.errors import ExchangeError
from trading.futures_trading.services import venues

TTL_S = 2.0
_cache: dict[tuple[str, str], tuple[float, Decimal]] = {}


def mark_prices(cred: ExchangeCredential, symbols: list[str]) -> dict[str, Decimal]:
    """Current mark prices of ``symbols`` (missing ones are left out if the venue fails)."""
    now = time.monotonic()
    env = cred.environment
    fresh = {s: p for s in symbols if (hit := _cache.get((env, s))) and now - hit[0] < TTL_S
             for p in (hit[1],)}  # fmt: skip
    wanted = [s for s in symbols if s not in fresh]
    if not wanted:
        return fresh

    async def read(c: FuturesClient) -> list[object]:
        return await asyncio.gather(*(c.mark_price(s) for s in wanted), return_exceptions=True)

    try:
        prices = venues.call(cred, read)
    except ExchangeError:
        return fresh
    for symbol, price in zip(wanted, prices, strict=True):
        if isinstance(price, Decimal) and price > 0:
            _cache[(env, symbol)] = (now, price)
            fresh[symbol] = price
    return fresh
