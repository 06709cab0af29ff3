"""Redis side of event-order delivery: the hot path of ``GET /api/v1/event-orders/pull``.

Keys (all under ``fleet:eo:``):

- ``live``              sorted set: order id → valid_until (epoch seconds); cancelled orders removed.
- ``cancelled:<id>``    tombstone of a cancelled order (until valid_until + 1 day): :func:`publish`
                        refuses the id, so a republish from a stale read cannot undo a cancel.
- ``json:<id>``         the order's JSON, precomputed at creation, *without* its closing brace
                        (the view appends the caller's ``"amount"`` and ``}``).
- ``claims:<id>``       set of trader ids the order was delivered to (TTL: valid_until + 1 day).
- ``claimlog``          list of ``"<order>:<trader>:<epoch>"`` — new claims waiting to become
                        ``Claim`` rows (written by ``orders.persist_claims``, off the hot path).
- ``online``            sorted set: trader id → time of the last pull (presence).
- ``ready``             exists while the keys above mirror the database; missing after a Redis
                        restart or flush → the next pull rebuilds them from the DB (orders and
                        ``Claim`` rows) before delivering anything, so a restart never re-delivers.

One pull is one ``EVALSHA`` (``session_pull``: the caller's cached session is checked in the same
script): for every live order not yet past ``now``, ``SADD`` the trader into the order's claim set;
only orders where that added a member are returned. Redis runs a script atomically, so two
concurrent pulls by one trader cannot both get an order.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from accounts.errors import INVALID_TOKEN, RefusedError
from accounts.session_cache import (
    LOOKUP_LUA,
    SESSION_PREFIX,
    TRADER_PREFIX,
    SessionInfo,
    session_check,
    session_info_from_row,
)
from backoffice.redis import get_redis

log = logging.getLogger("fleet.orders.delivery")

P = "fleet:eo:"
LIVE = P + "live"
JSON_PREFIX = P + "json:"
CLAIMS_PREFIX = P + "claims:"
CLAIMLOG = P + "claimlog"
ONLINE = P + "online"
READY = P + "ready"
TOMBSTONE_PREFIX = P + "cancelled:"
FLUSH_PENDING = P + "flush_pending"
REBUILD_LOCK = P + "rebuild_lock"
FLUSH_LOCK = P + "flush_lock"
CLAIM_TTL_AFTER_VALIDITY_S = 86400
FLUSH_DEBOUNCE_MS = 1000

# KEYS: ready, live, online, claimlog, flush_pending
# ARGV: trader id, now (epoch s), claims prefix, json prefix, debounce ms, claim ttl after validity
# deliver() → {flush_due 0/1, fragment, …} for the orders new to the trader.
_DELIVER_LUA = """
local function deliver(trader, now)
  redis.call('ZADD', KEYS[3], now, trader)
  local live = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf', 'WITHSCORES')
  local out = {0}
  for i = 1, #live, 2 do
    local id = live[i]
    local body = redis.call('GET', ARGV[4] .. id)
    if body and redis.call('SADD', ARGV[3] .. id, trader) == 1 then
      redis.call('EXPIREAT', ARGV[3] .. id, math.floor(tonumber(live[i + 1])) + tonumber(ARGV[6]))
      redis.call('RPUSH', KEYS[4], id .. ':' .. trader .. ':' .. now)
      out[#out + 1] = body
    end
  end
  if #out > 1 and redis.call('SET', KEYS[5], '1', 'NX', 'PX', ARGV[5]) then out[1] = 1 end
  return out
end
"""
_PULL = (
    _DELIVER_LUA
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return deliver(ARGV[1], ARGV[2])
"""
)
# The usual pull in one round trip: the caller's session (KEYS[6], trader prefix ARGV[7]) checked
# against ``now``, then the delivery. → {session row, deliveries | 0 (session refused) | -1 (state
# not ready)}, or nil when the session is not cached (the caller falls back to the database).
_SESSION_PULL = (
    LOOKUP_LUA
    + _DELIVER_LUA
    + """
local row = session_row(KEYS[6], ARGV[7])
if not row then return false end
local now = tonumber(ARGV[2])
if tonumber(row[2]) <= now or row[4] == '1' or tonumber(row[3]) <= now then return {row, 0} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {row, -1} end
return {row, deliver(row[1], ARGV[2])}
"""
)

_scripts: dict[tuple[int, str], Any] = {}


class DeliveryUnavailable(Exception):
    """Redis does not hold the delivery state and it could not be rebuilt just now."""


def _script(source: str) -> Any:
    """The registered script (EVALSHA, reloaded automatically after a Redis restart)."""
    client = get_redis()
    key = (id(client), source)
    script = _scripts.get(key)
    if script is None:
        script = _scripts[key] = client.register_script(source)
    return script


def iso(ts: float | datetime) -> str:
    """ISO-8601 UTC with milliseconds and ``Z`` — the one time format of the pull API."""
    dt = ts if isinstance(ts, datetime) else datetime.fromtimestamp(ts, UTC)
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ratio_text(value) -> str:
    """``Decimal('0.8000')`` → ``"0.80"`` (Binance's form); more digits are kept when present."""
    text = f"{value:.4f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def order_fragment(order) -> str:
    """The order's JSON minus the closing brace (the caller adds ``,"amount":"…"}``). Every string
    is written by ``json.dumps``, so the pull body stays valid JSON whatever a field holds."""
    values = {
        "symbol": order.symbol,
        "direction": order.direction,
        "time_increment": order.time_increment,
        "payout_ratio": ratio_text(order.payout_ratio),
        "created_at": iso(order.created_at),
        "valid_until": iso(order.valid_until),
    }
    fields = "".join(f',"{key}":{json.dumps(str(value))}' for key, value in values.items())
    return f'{{"id":{int(order.pk)}{fields}'


# --- hot path ---------------------------------------------------------------------------------


def pull(trader_id: int, now: float) -> tuple[list[str], bool]:
    """Claim every live order not yet delivered to ``trader_id``; returns (fragments, flush_due).

    ``flush_due`` is True for the one caller per debounce window that should schedule the
    persistence of the new claims."""
    result = _script(_PULL)(keys=_KEYS, args=_args(trader_id, now))
    if result is None:
        rebuild()
        result = _script(_PULL)(keys=_KEYS, args=_args(trader_id, now))
        if result is None:
            raise DeliveryUnavailable
    return result[1:], result[0] == 1


def session_pull(thash: str, now: float) -> tuple[SessionInfo, list[str], bool] | None:
    """The usual pull in ONE round trip: the cached session of token hash ``thash``, checked, then
    the delivery. ``None`` when the session is not cached (the caller resolves it from the DB and
    calls :func:`pull`); a refused session raises its ``RefusedError``."""
    keys = [*_KEYS, SESSION_PREFIX + thash]
    result = _script(_SESSION_PULL)(keys=keys, args=[*_args("", now), TRADER_PREFIX])
    info = session_info_from_row(result[0]) if result else None
    if info is None:
        return None
    outcome = result[1]
    if outcome == 0:
        session_check(info, now)  # raises the exact refusal
        raise RefusedError(INVALID_TOKEN)  # unreachable unless the two checks disagree
    if outcome == -1:
        return (info, *pull(info.trader_id, now))
    return info, outcome[1:], outcome[0] == 1


_KEYS = [READY, LIVE, ONLINE, CLAIMLOG, FLUSH_PENDING]


def _args(trader_id: int | str, now: float) -> list[Any]:
    return [trader_id, repr(float(now)), CLAIMS_PREFIX, JSON_PREFIX, FLUSH_DEBOUNCE_MS,
            CLAIM_TTL_AFTER_VALIDITY_S]  # fmt: skip


# --- publishing -------------------------------------------------------------------------------


# KEYS: live. ARGV: json prefix, tombstone prefix, then per order: id, valid_until (score),
# expire-at (epoch s), fragment. → how many orders were published.
_PUBLISH_LUA = """
local published = 0
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[2] .. id) == 0 then
    redis.call('SET', ARGV[1] .. id, ARGV[i + 3], 'EXAT', ARGV[i + 2])
    redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
    published = published + 1
  end
end
return published
"""
PUBLISH_CHUNK = 500


def publish(orders: Iterable) -> int:
    """Make orders deliverable (idempotent): JSON + entry in the live set. Returns how many were.

    A cancelled order is never deliverable again, whatever the interleaving: :func:`withdraw`
    writes the order's tombstone and removes it in one ``MULTI``, and this script (atomic in
    Redis) skips every id that has a tombstone. A publisher working from a read of the database
    made before the cancel (the 30 s sweep, the rebuild, a late ``on_commit``) therefore either
    runs before the withdrawal, which then removes what it published, or after it, and publishes
    nothing for that id. Re-reading ``cancelled_at`` after publishing would leave a window in
    which a pull could claim the order."""
    rows = [
        (
            str(order.pk),
            repr(order.valid_until.timestamp()),
            int(order.valid_until.timestamp()) + CLAIM_TTL_AFTER_VALIDITY_S,
            order_fragment(order),
        )
        for order in orders
    ]
    published = 0
    for start in range(0, len(rows), PUBLISH_CHUNK):
        args = [JSON_PREFIX, TOMBSTONE_PREFIX]
        for row in rows[start : start + PUBLISH_CHUNK]:
            args.extend(row)
        published += int(_script(_PUBLISH_LUA)(keys=[LIVE], args=args))
    return published


def withdraw(orders: Iterable) -> None:
    """Cancel: tombstone the orders (so :func:`publish` refuses them from now on) and remove
    them from the live set, in one ``MULTI`` — nobody gets them from now on."""
    orders = list(orders)
    if not orders:
        return
    pipe = get_redis().pipeline(transaction=True)
    for order in orders:
        ttl_at = int(order.valid_until.timestamp()) + CLAIM_TTL_AFTER_VALIDITY_S
        pipe.set(TOMBSTONE_PREFIX + str(order.pk), "1", exat=ttl_at)
    ids = [str(order.pk) for order in orders]
    pipe.zrem(LIVE, *ids)
    pipe.delete(*(JSON_PREFIX + i for i in ids))
    pipe.execute()


def unpublish(order_ids: Iterable[int]) -> None:
    """Drop expired orders from the live set (a cancel uses :func:`withdraw`)."""
    ids = [str(i) for i in order_ids]
    if ids:
        pipe = get_redis().pipeline(transaction=False)
        pipe.zrem(LIVE, *ids)
        pipe.delete(*(JSON_PREFIX + i for i in ids))
        pipe.execute()


def expired_ids(now: float) -> list[int]:
    return [int(i) for i in get_redis().zrangebyscore(LIVE, "-inf", now)]


def live_ids() -> list[int]:
    return [int(i) for i in get_redis().zrange(LIVE, 0, -1)]


# --- rebuild after a Redis restart ------------------------------------------------------------


def rebuild(wait_s: float = 5.0) -> bool:
    """Refill live orders and claim sets from the database, then mark the state ready.

    One process rebuilds (a lock); the others wait for ``ready``. Returns True when ready."""
    client = get_redis()
    if not client.set(REBUILD_LOCK, "1", nx=True, ex=30):
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if client.exists(READY):
                return True
            time.sleep(0.02)
        return False
    try:
        _rebuild_from_db(client)
    finally:
        client.delete(REBUILD_LOCK)
    return True


def _rebuild_from_db(client) -> None:
    from orders import selectors  # the DB side; imported late to keep this module DB-free

    orders = selectors.live_orders()
    publish(orders)
    claims = selectors.claims_of([o.pk for o in orders])
    pipe = client.pipeline(transaction=False)
    for order in orders:
        traders = claims.get(order.pk)
        if traders:
            key = CLAIMS_PREFIX + str(order.pk)
            pipe.sadd(key, *traders)
            pipe.expireat(key, int(order.valid_until.timestamp()) + CLAIM_TTL_AFTER_VALIDITY_S)
    pipe.set(READY, f"{time.time():.3f}")
    pipe.execute()
    log.warning("delivery state rebuilt from the database: %d live orders", len(orders))


# --- claim log (persisted by orders.persist_claims) -------------------------------------------


def claimlog_peek(limit: int) -> list[tuple[int, int, float]]:
    rows = get_redis().lrange(CLAIMLOG, 0, limit - 1)
    out = []
    for row in rows:
        order_id, trader_id, ts = row.split(":")
        out.append((int(order_id), int(trader_id), float(ts)))
    return out


def claimlog_trim(count: int) -> None:
    get_redis().ltrim(CLAIMLOG, count, -1)


def claimlog_length() -> int:
    return int(get_redis().llen(CLAIMLOG))


def flush_lock(acquire: bool) -> bool:
    client = get_redis()
    if acquire:
        return bool(client.set(FLUSH_LOCK, "1", nx=True, ex=60))
    client.delete(FLUSH_LOCK)
    return True


def flush_done() -> None:
    get_redis().delete(FLUSH_PENDING)


def delivered(order_id: int, trader_id: int) -> bool:
    return bool(get_redis().sismember(CLAIMS_PREFIX + str(order_id), str(trader_id)))


# --- presence ---------------------------------------------------------------------------------


def online_count(now: float, window_s: int) -> int:
    return int(get_redis().zcount(ONLINE, now - window_s, "+inf"))


def online_trim(now: float) -> None:
    get_redis().zremrangebyscore(ONLINE, "-inf", now - 86400)
