"""Redis side of event-order delivery: the hot path of ``GET /api/v1/event-orders/pull``.

Keys (all under ``fleet:eo:``):

- ``live``              sorted set: order id → valid_until (epoch seconds); cancelled orders removed.
- ``cancelled:<id>``    tombstone of a cancelled order (until valid_until + 1 day): :func:`publish`
                        refuses the id, so a republish from a stale read cannot undo a cancel.
- ``json:<id>``         the order's JSON, precomputed at creation, *without* its closing brace
                        (the view appends the caller's ``"amount"`` and ``}``).
- ``claims:<id>``       set of trader ids the order was delivered to (TTL: valid_until + 1 day).
- ``acks:<id>``         set of trader ids whose client acknowledged the order (same TTL).
- ``lease:<id>``        hash trader id → ``"<holder>|<until>"``: which client session of the
                        trader was last handed the unacknowledged order, and until when.
- ``claimlog``          list of ``"<order>:<trader>:<epoch>"`` — acknowledgements waiting to become
                        ``Claim`` rows (written by ``orders.persist_claims``, off the hot path).
- ``online``            sorted set: trader id → time of the last pull (presence).
- ``ready``             exists while the keys above mirror the database; missing after a Redis
                        restart or flush → the next pull rebuilds them from the DB (orders and
                        ``Claim`` rows) before delivering anything, so a restart never re-delivers
                        an acknowledged order.

Delivery is acknowledged (docs/event_orders.md, "Acknowledged delivery"): a pull returns every
live order the trader's client has not acknowledged yet, each with its delivery id
``"<order>-<trader>"``; the client acknowledges delivery ids it has journaled (``ack`` on its next
pull, or by reporting the execution). Until then the same order comes back on every pull of the
same client session — a reply lost on the way (timeout, proxy reset, worker killed) loses nothing.
Another session of the same trader gets it only once the first session's lease
(:data:`LEASE_S`) ran out unacknowledged, so two clients of one trader do not both place it.

One pull is one ``EVALSHA`` (``session_pull``: the caller's cached session is checked in the same
script): acknowledgements first, then the delivery. The acknowledgement alone is the Lua function
``ack`` (:func:`acknowledge`), so any transport (a WebSocket push next) can use the same step.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

from accounts.errors import INVALID_TOKEN
from accounts.session_cache import (
    SESSION_LUA,
    SESSION_PREFIX,
    TRADER_PREFIX,
    SessionInfo,
    session_check,
    session_info_from_row,
)
from kernel.redis import get_redis
from kernel.refusals import Refused

log = logging.getLogger("fleet.orders.delivery")

P = "fleet:eo:"
LIVE = P + "live"
JSON_PREFIX = P + "json:"
CLAIMS_PREFIX = P + "claims:"
ACKS_PREFIX = P + "acks:"
LEASE_PREFIX = P + "lease:"
CLAIMLOG = P + "claimlog"
ONLINE = P + "online"
READY = P + "ready"
TOMBSTONE_PREFIX = P + "cancelled:"
FLUSH_PENDING = P + "flush_pending"
REBUILD_LOCK = P + "rebuild_lock"
FLUSH_LOCK = P + "flush_lock"
CLAIM_TTL_AFTER_VALIDITY_S = 86400
FLUSH_DEBOUNCE_MS = 1000
# How long an unacknowledged delivery stays with the client session that got it before another
# session of the same trader may receive it: longer than one placement and its report (the
# desktop client's place timeout is 10 s, its open-order lookups 3 × 1 s).
LEASE_S = 30
MAX_ACKS = 200  # delivery ids acknowledged by one call (a client acks what one pull brought)
DELIVERY_ID = re.compile(r"^[0-9]{1,19}-[0-9]{1,19}$")

# Shared ARGV of every delivery script: 1 trader id, 2 now (epoch s), 3 claims prefix, 4 json
# prefix, 5 debounce ms, 6 claim ttl after validity, 7 acks prefix, 8 lease prefix, 9 lease s,
# 10 holder (the client session), 11 how many delivery ids follow, 12… the delivery ids.
# KEYS: ready, live, online, claimlog, flush_pending.
#
# ack(trader, now) → {flush_due 0/1, state per delivery id}: 0 not delivered to this trader,
# 1 acknowledged now (the claim log gets the row), 2 acknowledged before.
_ACK_LUA = """
local function ack(trader, now)
  local out = {0}
  for i = 12, 11 + tonumber(ARGV[11]) do
    local id, who = string.match(ARGV[i], '^(%d+)%-(%d+)$')
    local state = 0
    if id and who == trader and redis.call('SISMEMBER', ARGV[3] .. id, trader) == 1 then
      state = 2
      if redis.call('SADD', ARGV[7] .. id, trader) == 1 then
        state = 1
        local ttl = redis.call('PTTL', ARGV[3] .. id)
        if ttl > 0 then redis.call('PEXPIRE', ARGV[7] .. id, ttl) end
        redis.call('HDEL', ARGV[8] .. id, trader)
        redis.call('RPUSH', KEYS[4], id .. ':' .. trader .. ':' .. now)
        out[1] = 1
      end
    end
    out[#out + 1] = state
  end
  if out[1] == 1 and not redis.call('SET', KEYS[5], '1', 'NX', 'PX', ARGV[5]) then out[1] = 0 end
  return out
end
"""
# deliver(trader, now, holder) → {fragment, …}: every live order this trader has not acknowledged
# and whose lease is free, expired or the holder's; each fragment carries its delivery id.
_DELIVER_LUA = """
local function deliver(trader, now, holder)
  redis.call('ZADD', KEYS[3], now, trader)
  local live = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf', 'WITHSCORES')
  local out = {}
  for i = 1, #live, 2 do
    local id = live[i]
    if redis.call('SISMEMBER', ARGV[7] .. id, trader) == 0 then
      local body = redis.call('GET', ARGV[4] .. id)
      local lease = redis.call('HGET', ARGV[8] .. id, trader)
      local free = true
      if lease then
        local sep = string.find(lease, '|', 1, true)
        free = string.sub(lease, 1, sep - 1) == holder or tonumber(string.sub(lease, sep + 1)) <= tonumber(now)
      end
      if body and free then
        local expire_at = math.floor(tonumber(live[i + 1])) + tonumber(ARGV[6])
        redis.call('HSET', ARGV[8] .. id, trader, holder .. '|' .. (tonumber(now) + tonumber(ARGV[9])))
        redis.call('EXPIREAT', ARGV[8] .. id, expire_at)
        if redis.call('SADD', ARGV[3] .. id, trader) == 1 then
          redis.call('EXPIREAT', ARGV[3] .. id, expire_at)
        end
        out[#out + 1] = body .. ',"delivery_id":"' .. id .. '-' .. trader .. '"'
      end
    end
  end
  return out
end
"""
_PULL = (
    _ACK_LUA
    + _DELIVER_LUA
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local acked = ack(ARGV[1], ARGV[2])
return {acked[1], deliver(ARGV[1], ARGV[2], ARGV[10])}
"""
)
_ACK = (
    _ACK_LUA
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return ack(ARGV[1], ARGV[2])
"""
)
# The usual pull in one round trip: the caller's session (KEYS[6], trader prefix ARGV[#ARGV])
# checked against ``now`` (``session_refused``: the one rule, ``accounts.session_cache``), then
# acknowledgements and delivery. → {session row, {flush_due, deliveries} | 0 (session refused) |
# -1 (state not ready)}, or nil when the session is not cached (the caller falls back to the
# database).
_SESSION_PULL = (
    SESSION_LUA
    + _ACK_LUA
    + _DELIVER_LUA
    + """
local row = session_row(KEYS[6], ARGV[#ARGV])
if not row then return false end
local now = tonumber(ARGV[2])
local reply = session_reply(row)
if session_refused(row, now) then return {reply, 0} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {reply, -1} end
local acked = ack(row.trader_id, ARGV[2])
return {reply, {acked[1], deliver(row.trader_id, ARGV[2], ARGV[10])}}
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


def pull(
    trader_id: int, now: float, *, holder: str = "", acks: Iterable[str] = ()
) -> tuple[list[str], bool]:
    """Acknowledge ``acks`` (delivery ids of this trader), then hand out every live order the
    trader has not acknowledged; returns (fragments, flush_due).

    ``holder`` names the client session (the token hash): it keeps an unacknowledged order's
    lease. ``flush_due`` is True for the one caller per debounce window that should schedule the
    persistence of new acknowledgements."""
    args = _args(trader_id, now, holder, acks)
    result = _script(_PULL)(keys=_KEYS, args=args)
    if result is None:
        rebuild()
        result = _script(_PULL)(keys=_KEYS, args=args)
        if result is None:
            raise DeliveryUnavailable
    return result[1], result[0] == 1


def session_pull(
    thash: str, now: float, acks: Iterable[str] = ()
) -> tuple[SessionInfo, list[str], bool] | None:
    """The usual pull in ONE round trip: the cached session of token hash ``thash``, checked, then
    the acknowledgements and the delivery. ``None`` when the session is not cached (the caller
    resolves it from the DB and calls :func:`pull`); a refused session raises its
    ``Refused``."""
    acks = list(acks)
    keys = [*_KEYS, SESSION_PREFIX + thash]
    args = [*_args("", now, thash, acks), TRADER_PREFIX]
    result = _script(_SESSION_PULL)(keys=keys, args=args)
    info = session_info_from_row(result[0]) if result else None
    if info is None:
        return None
    outcome = result[1]
    if outcome == 0:
        session_check(info, now)  # raises the exact refusal
        raise Refused(INVALID_TOKEN)  # unreachable unless the two checks disagree
    if outcome == -1:
        return (info, *pull(info.trader_id, now, holder=thash, acks=acks))
    return info, outcome[1], outcome[0] == 1


def acknowledge(trader_id: int, delivery_ids: Iterable[str], now: float) -> tuple[list[int], bool]:
    """The client of ``trader_id`` holds these deliveries (journaled): never hand them out again.
    Returns (state per id: 0 not delivered to this trader, 1 acknowledged now, 2 before; flush_due).
    The transport-independent step the pull, the execution report and any push channel share."""
    ids = list(delivery_ids)
    args = _args(trader_id, now, "", ids)
    result = _script(_ACK)(keys=_KEYS, args=args)
    if result is None:
        rebuild()
        result = _script(_ACK)(keys=_KEYS, args=args)
        if result is None:
            raise DeliveryUnavailable
    return [int(x) for x in result[1:]], result[0] == 1


def delivery_id(order_id: int, trader_id: int) -> str:
    """The id of delivering ``order_id`` to ``trader_id`` (the same on every re-delivery)."""
    return f"{int(order_id)}-{int(trader_id)}"


def parse_acks(raw: str) -> list[str]:
    """``"1041-7,1042-7"`` (the pull's ``ack`` parameter) → valid delivery ids, at most
    :data:`MAX_ACKS`; anything malformed is ignored (an acknowledgement is a hint, never an
    error: a lost one only means the order comes again and the journal drops it)."""
    parts = (p.strip() for p in raw.split(",")[:MAX_ACKS]) if raw else ()
    return [p for p in parts if DELIVERY_ID.match(p)]


_KEYS = [READY, LIVE, ONLINE, CLAIMLOG, FLUSH_PENDING]


def _args(
    trader_id: int | str, now: float, holder: str, acks: list[str] | Iterable[str]
) -> list[Any]:
    acks = list(acks)[:MAX_ACKS]
    return [trader_id, repr(float(now)), CLAIMS_PREFIX, JSON_PREFIX, FLUSH_DEBOUNCE_MS,
            CLAIM_TTL_AFTER_VALIDITY_S, ACKS_PREFIX, LEASE_PREFIX, LEASE_S, holder, len(acks),
            *acks]  # fmt: skip


# --- publishing -------------------------------------------------------------------------------


# KEYS: live, new-orders channel. ARGV: json prefix, tombstone prefix, then per order: id,
# valid_until (score), expire-at (epoch s), fragment. → how many orders were published. The ids that
# entered the live set now are announced on the channel (``PUBLISH``): push processes deliver them
# the moment they exist (orders.push).
_PUBLISH_LUA = """
local published, fresh = 0, {}
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[2] .. id) == 0 then
    redis.call('SET', ARGV[1] .. id, ARGV[i + 3], 'EXAT', ARGV[i + 2])
    if redis.call('ZADD', KEYS[1], ARGV[i + 1], id) == 1 then fresh[#fresh + 1] = id end
    published = published + 1
  end
end
if #fresh > 0 then redis.call('PUBLISH', KEYS[2], table.concat(fresh, ',')) end
return published
"""
NEW_ORDERS_CHANNEL = P + "new"
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
        args: list[str | int] = [JSON_PREFIX, TOMBSTONE_PREFIX]
        for row in rows[start : start + PUBLISH_CHUNK]:
            args.extend(row)
        published += int(_script(_PUBLISH_LUA)(keys=[LIVE, NEW_ORDERS_CHANNEL], args=args))
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
    found = cast("list[str]", get_redis().zrangebyscore(LIVE, "-inf", now))  # decode_responses
    return [int(i) for i in found]


def live_ids() -> list[int]:
    return [int(i) for i in cast("list[str]", get_redis().zrange(LIVE, 0, -1))]


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
        if traders:  # a Claim row is an acknowledged delivery
            expire_at = int(order.valid_until.timestamp()) + CLAIM_TTL_AFTER_VALIDITY_S
            for prefix in (CLAIMS_PREFIX, ACKS_PREFIX):
                pipe.sadd(prefix + str(order.pk), *traders)
                pipe.expireat(prefix + str(order.pk), expire_at)
    pipe.set(READY, f"{time.time():.3f}")
    pipe.execute()
    log.warning("delivery state rebuilt from the database: %d live orders", len(orders))


# --- claim log (persisted by orders.persist_claims) -------------------------------------------


def claimlog_peek(limit: int) -> list[tuple[int, int, float]]:
    rows = cast("list[str]", get_redis().lrange(CLAIMLOG, 0, limit - 1))  # decode_responses
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


# --- presence ---------------------------------------------------------------------------------


def online_count(now: float, window_s: int) -> int:
    return int(get_redis().zcount(ONLINE, now - window_s, "+inf"))


def online_trim(now: float) -> None:
    get_redis().zremrangebyscore(ONLINE, "-inf", now - 86400)
