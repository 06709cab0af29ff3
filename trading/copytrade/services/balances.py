"""Follower (and leader) free balances, cached in Redis so a copy never waits on a balance fetch.

Written by: the poller (``copytrade.poll_balances`` beat task / the stream process, every 2–5 s),
the verify action, and the fan-out itself right after a follower's copy acknowledged (event-driven:
the follower's own order changed its balance). Read by: the fan-out (one pipelined round trip for
all followers of a chunk), the status API and the admin.

Key ``copy:bal:<follower_id>`` → hash ``{USDT, BTC, at_ms, live_ms}``. ``at_ms`` is when the
figures were true (a poll's send time, a fill's acknowledgement, a stream event's time); writes are
compare-and-set on it. ``live_ms`` is refreshed by the follower balance stream
(``balance_stream.py``) while a live user-data subscription covers the account AND the figures
were read after it started — every change since then arrives as an event, so the reading is
current however old ``at_ms`` is. A value neither read nor covered within ``STALE_AFTER_S`` is
treated as unknown (the copy is skipped with ``balance_unknown``) rather than sized from a balance
the follower may no longer have.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

from redis.typing import EncodableT, FieldT

from kernel.redis import get_redis

PREFIX = "copy:bal:"
STALE_AFTER_S = 60.0
ASSETS = ("USDT", "BTC")


@dataclass(frozen=True)
class CachedBalance:
    """Free USDT and BTC of one account and when they were read (epoch ms)."""

    usdt: Decimal
    btc: Decimal
    at_ms: int
    live_ms: int = 0

    def free(self, asset: str) -> Decimal:
        return self.usdt if asset == "USDT" else self.btc

    @property
    def age_s(self) -> float:
        """Seconds since the figures were last known current (read, or covered by a stream)."""
        return time.time() - max(self.at_ms, self.live_ms) / 1000

    @property
    def read_age_s(self) -> float:
        """Seconds since the figures were read (or changed by an event)."""
        return time.time() - self.at_ms / 1000


def _key(follower_id: int | str) -> str:
    return f"{PREFIX}{follower_id}"


def balance_store(follower_id: int | str, usdt: Decimal, btc: Decimal) -> None:
    """Record a fresh reading (the time is now)."""
    mapping: dict[FieldT, EncodableT] = {
        "USDT": str(usdt),
        "BTC": str(btc),
        "at_ms": int(time.time() * 1000),
    }
    get_redis().hset(_key(follower_id), mapping=mapping)


def balance_store_many(readings: dict[int, tuple[Decimal, Decimal]]) -> None:
    """Record several readings in one round trip."""
    now = int(time.time() * 1000)
    pipe = get_redis().pipeline(transaction=False)
    for fid, (usdt, btc) in readings.items():
        pipe.hset(_key(fid), mapping={"USDT": str(usdt), "BTC": str(btc), "at_ms": now})
    pipe.execute()


def balances_get[K: int | str](
    follower_ids: list[K], *, fresh_only: bool = True
) -> dict[K, CachedBalance]:
    """Cached balances of ``follower_ids`` (one pipelined read); missing/stale ones are absent.
    The ids are follower ids, or ``"leader"`` for the leader's polled balance."""
    pipe = get_redis().pipeline(transaction=False)
    for fid in follower_ids:
        pipe.hgetall(_key(fid))
    out: dict[K, CachedBalance] = {}
    for fid, row in zip(follower_ids, pipe.execute(), strict=True):
        if not row:
            continue
        if "at_ms" not in row:
            continue  # only a live mark, no reading yet
        cached = CachedBalance(
            Decimal(row["USDT"]), Decimal(row["BTC"]), int(row["at_ms"]), int(row.get("live_ms", 0))
        )
        if not fresh_only or cached.age_s <= STALE_AFTER_S:
            out[fid] = cached
    return out


def balance_forget(follower_id: int) -> None:
    get_redis().delete(_key(follower_id))


# KEYS[1]: a balance hash; ARGV: at_ms, then asset, free pairs (only the assets that changed).
# Written only if newer than the cached reading, and only onto an existing reading (an event names
# the changed assets alone, so it cannot start a reading of its own).
_EVENT = """
local at = tonumber(redis.call('HGET', KEYS[1], 'at_ms') or '-1')
if at < 0 or at >= tonumber(ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'at_ms', ARGV[1])
return 1
"""

# KEYS: balance hashes; ARGV: now_ms, then each key's subscription start (ms). Marks a key live
# only if its reading was taken after the subscription started (nothing missed in between).
_LIVE = """
local n = 0
for i, key in ipairs(KEYS) do
  local at = tonumber(redis.call('HGET', key, 'at_ms') or '-1')
  if at >= tonumber(ARGV[i + 1]) then
    redis.call('HSET', key, 'live_ms', ARGV[1])
    n = n + 1
  end
end
return n
"""


def balance_events(events: list[tuple[int | str, dict[str, Decimal], int]]) -> int:
    """Apply stream events ``(account, {asset: free}, at_ms)`` — the absolute free balances of the
    assets that changed — in order and in one round trip, each only if newer than the cached
    reading (``_EVENT``). Returns how many were written."""
    r = get_redis()
    script = r.register_script(_EVENT)
    pipe = r.pipeline(transaction=False)
    for account, changed, at_ms in events:
        pairs = [x for a, free in changed.items() if a in ASSETS for x in (a, str(free))]
        if pairs:
            script(keys=[_key(account)], args=[at_ms, *pairs], client=pipe)
    return sum(int(n) for n in pipe.execute())


def balances_mark_live(subscribed_ms: dict[int, int]) -> int:
    """Mark the accounts whose user-data subscription (started at the given ms) is live now;
    returns how many count as covered (their reading postdates the subscription)."""
    if not subscribed_ms:
        return 0
    keys = [_key(k) for k in subscribed_ms]
    now = int(time.time() * 1000)
    return int(get_redis().eval(_LIVE, len(keys), *keys, now, *subscribed_ms.values()))


# --- compare-and-set writes of polled and recorded readings ---------------------------------------
AccountKey = int | str  # a follower id, or the poller's LEADER_KEY ("leader")
Reading = tuple[Decimal, Decimal, int]  # free USDT, free BTC, at_ms

# KEYS: balance hashes; ARGV: USDT, BTC, at_ms per key. Writes a key only if its reading is newer.
_CAS = """
local n = 0
for i, key in ipairs(KEYS) do
  local base = (i - 1) * 3
  local at = tonumber(redis.call('HGET', key, 'at_ms') or '0')
  if at < tonumber(ARGV[base + 3]) then
    redis.call('HSET', key, 'USDT', ARGV[base + 1], 'BTC', ARGV[base + 2], 'at_ms', ARGV[base + 3])
    n = n + 1
  end
end
return n
"""


def store_if_newer(readings: dict[AccountKey, Reading]) -> int:
    """Write the readings whose ``at_ms`` is newer than the cached one (one round trip); returns
    how many were written."""
    if not readings:
        return 0
    keys = [f"{PREFIX}{k}" for k in readings]
    args: list[str] = []
    for usdt, btc, at_ms in readings.values():
        args += [str(usdt), str(btc), str(at_ms)]
    return int(get_redis().eval(_CAS, len(keys), *keys, *args))
