"""Follower (and leader) free balances, cached in Redis so a copy never waits on a balance fetch.

Written by: the poller (``copytrade.poll_balances`` beat task / the stream process, every 2–5 s),
the verify action, and the fan-out itself right after a follower's copy acknowledged (event-driven:
the follower's own order changed its balance). Read by: the fan-out (one pipelined round trip for
all followers of a chunk), the status API and the admin.

Key ``copy:bal:<follower_id>`` → hash ``{USDT, BTC, at_ms}``. A value older than
``STALE_AFTER_S`` is treated as unknown (the copy is skipped with ``balance_unknown``) rather than
sized from a balance the follower may no longer have.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

from backoffice.redis import get_redis

PREFIX = "copy:bal:"
STALE_AFTER_S = 60.0
ASSETS = ("USDT", "BTC")


@dataclass(frozen=True)
class CachedBalance:
    """Free USDT and BTC of one account and when they were read (epoch ms)."""

    usdt: Decimal
    btc: Decimal
    at_ms: int

    def free(self, asset: str) -> Decimal:
        return self.usdt if asset == "USDT" else self.btc

    @property
    def age_s(self) -> float:
        return time.time() - self.at_ms / 1000


def _key(follower_id: int | str) -> str:
    return f"{PREFIX}{follower_id}"


def balance_store(follower_id: int | str, usdt: Decimal, btc: Decimal) -> None:
    """Record a fresh reading (the time is now)."""
    mapping = {"USDT": str(usdt), "BTC": str(btc), "at_ms": int(time.time() * 1000)}
    get_redis().hset(_key(follower_id), mapping=mapping)


def balance_store_many(readings: dict[int, tuple[Decimal, Decimal]]) -> None:
    """Record several readings in one round trip."""
    now = int(time.time() * 1000)
    pipe = get_redis().pipeline(transaction=False)
    for fid, (usdt, btc) in readings.items():
        pipe.hset(_key(fid), mapping={"USDT": str(usdt), "BTC": str(btc), "at_ms": now})
    pipe.execute()


def balances_get(follower_ids: list[int], *, fresh_only: bool = True) -> dict[int, CachedBalance]:
    """Cached balances of ``follower_ids`` (one pipelined read); missing/stale ones are absent."""
    pipe = get_redis().pipeline(transaction=False)
    for fid in follower_ids:
        pipe.hgetall(_key(fid))
    out: dict[int, CachedBalance] = {}
    for fid, row in zip(follower_ids, pipe.execute(), strict=True):
        if not row:
            continue
        cached = CachedBalance(Decimal(row["USDT"]), Decimal(row["BTC"]), int(row["at_ms"]))
        if not fresh_only or cached.age_s <= STALE_AFTER_S:
            out[fid] = cached
    return out


def balance_forget(follower_id: int) -> None:
    get_redis().delete(_key(follower_id))
