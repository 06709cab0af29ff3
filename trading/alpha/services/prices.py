"""The last trade price per token, shared between the stream process (writes every aggTrade) and
the workers (read it to price a pair) through Redis; a missing or stale value falls back to the
venue's ticker over REST."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from kernel.redis import get_redis
from trading.alpha.models import AlphaToken

STALE_S = 60.0


def _key(env: str, symbol: str) -> str:
    return f"alpha:last:{env}:{symbol}"


def remember(env: str, symbol: str, price: Decimal, at: float | None = None) -> None:
    get_redis().set(_key(env, symbol), f"{price}|{at or time.time()}", ex=int(STALE_S * 10))


def cached(env: str, symbol: str, *, max_age_s: float = STALE_S) -> Decimal | None:
    raw = get_redis().get(_key(env, symbol))
    if not raw:
        return None
    price, _, at = str(raw).partition("|")
    return Decimal(price) if time.time() - float(at) <= max_age_s else None


def last_price(token: AlphaToken) -> Decimal:
    """The cached last price, else the ticker's (remembered for the next caller)."""
    price = cached(token.env, token.order_symbol)
    if price is not None:
        return price
    from trading.alpha.services.venue import public_client

    async def fetch() -> Decimal:
        async with public_client(token.env) as client:
            return await client.last_price(token.order_symbol)

    price = asyncio.run(fetch())
    remember(token.env, token.order_symbol, price)
    return price
