"""Redis mirror of sessions and trader state, so that the hot paths (the 1 s order pull) check a
token with one Redis round trip and no database query.

Keys: ``fleet:sess:<sha256(token)>`` → hash {trader_id, expires_at} with a TTL to the session's end;
``fleet:trader:<id>`` → hash {expires_at, disabled, amount, lang, username}. Services that change a
trader or end a session call ``trader_cache_put`` / ``session_cache_drop``; a miss (e.g. after a Redis
restart) falls back to the database and refills the cache.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal

from accounts.errors import ACCOUNT_DISABLED, ACCOUNT_EXPIRED, SESSION_EXPIRED
from kernel.redis import get_redis
from kernel.refusals import Refusal, Refused

SESSION_PREFIX = "fleet:sess:"
TRADER_PREFIX = "fleet:trader:"

# The fields of a cached session row, in the order a script returns them (``session_reply``).
SESSION_FIELDS = (
    "trader_id",
    "session_expires_at",
    "trader_expires_at",
    "disabled",
    "amount",
    "lang",
    "username",
)
# The session-validity rule, written once: (field, test, refusal), checked in this order. "ended":
# the time in the field is not after now; "set": the flag is on. ``session_refusal`` applies it in
# Python (database rows, the push hub's recheck), ``SESSION_LUA``'s ``session_refused`` in Redis
# (the order pull and the push sweep), both generated from this table.
SESSION_RULE = (
    ("session_expires_at", "ended", SESSION_EXPIRED),
    ("disabled", "set", ACCOUNT_DISABLED),
    ("trader_expires_at", "ended", ACCOUNT_EXPIRED),
)
_LUA_TESTS = {"ended": "tonumber(row.{0}) <= now", "set": "row.{0} == '1'"}

# Lua functions the scripts embed (one round trip): ``session_row(session key, trader prefix)``
# reads the session hash, then the trader hash it points at → a row with named fields, or nil;
# ``session_refused(row, now)`` is the rule above; ``session_reply(row)`` the row as a list in
# ``SESSION_FIELDS`` order (what ``session_info_from_row`` reads).
SESSION_LUA = (
    """
local function session_row(skey, tprefix)
  local s = redis.call('HMGET', skey, 'trader_id', 'expires_at')
  if not s[1] then return nil end
  local t = redis.call('HMGET', tprefix .. s[1], 'expires_at', 'disabled', 'amount', 'lang', 'username')
  if not t[1] or not t[2] or not t[3] then return nil end
  return {trader_id = s[1], session_expires_at = s[2], trader_expires_at = t[1], disabled = t[2],
          amount = t[3], lang = t[4] or '', username = t[5] or ''}
end
local function session_refused(row, now)
  return """
    + " or ".join(_LUA_TESTS[test].format(field) for field, test, _r in SESSION_RULE)
    + """
end
local function session_reply(row)
  return {"""
    + ", ".join(f"row.{field}" for field in SESSION_FIELDS)
    + """}
end
"""
)
_LOOKUP = (
    SESSION_LUA
    + """
local row = session_row(KEYS[1], ARGV[1])
if not row then return false end
return session_reply(row)
"""
)


@dataclass(frozen=True)
class SessionInfo:
    """What a request needs to know about its caller, from the cache or the database."""

    trader_id: int
    session_expires_at: float
    trader_expires_at: float
    disabled: bool
    amount: Decimal
    lang: str
    username: str


_scripts: dict[int, object] = {}


def _lookup_script():
    """The registered Lua script (EVALSHA, reloaded automatically after a Redis restart)."""
    client = get_redis()
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_LOOKUP)
    return script


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_cache_put(thash: str, trader_id: int, expires_at: float) -> None:
    ttl = max(1, int(expires_at - time.time()) + 1)
    pipe = get_redis().pipeline()
    pipe.hset(SESSION_PREFIX + thash, mapping={"trader_id": trader_id, "expires_at": expires_at})
    pipe.expire(SESSION_PREFIX + thash, ttl)
    pipe.execute()


def session_cache_drop(*thashes: str) -> None:
    if thashes:
        get_redis().delete(*(SESSION_PREFIX + h for h in thashes))


def trader_cache_put(trader) -> None:
    """Mirror the fields the hot path needs; call after every change to a trader."""
    get_redis().hset(
        TRADER_PREFIX + str(trader.pk),
        mapping={
            "expires_at": trader.expires_at.timestamp(),
            "disabled": int(trader.is_disabled),
            "amount": f"{Decimal(trader.order_amount):.2f}",  # the column's 2 places, always
            "lang": trader.language,
            "username": trader.username,
        },
    )


def session_cache_get(thash: str) -> SessionInfo | None:
    """The cached view of a session and its trader, or None on any miss."""
    return session_info_from_row(
        _lookup_script()(keys=[SESSION_PREFIX + thash], args=[TRADER_PREFIX])
    )


def session_info_from_row(row: list | None) -> SessionInfo | None:
    """A ``session_reply`` result (from any script embedding ``SESSION_LUA``) as ``SessionInfo``."""
    if not row or len(row) < len(SESSION_FIELDS):
        return None
    f = dict(zip(SESSION_FIELDS, row, strict=False))
    return SessionInfo(
        trader_id=int(f["trader_id"]),
        session_expires_at=float(f["session_expires_at"]),
        trader_expires_at=float(f["trader_expires_at"]),
        disabled=f["disabled"] == "1",
        amount=Decimal(f["amount"]),
        lang=f["lang"] or "zh-hans",
        username=f["username"] or "",
    )


def session_refusal(info: SessionInfo, now: float) -> Refusal | None:
    """The first rule of ``SESSION_RULE`` the session breaks at ``now``, or None (valid)."""
    for field, test, refusal in SESSION_RULE:
        value = getattr(info, field)
        if (value <= now) if test == "ended" else value:
            return refusal
    return None


def session_check(info: SessionInfo, now: float | None = None) -> SessionInfo:
    """Refuse a session past its 24 h, a disabled trader, an expired account (in that order)."""
    refusal = session_refusal(info, time.time() if now is None else now)
    if refusal is not None:
        raise Refused(refusal, lang=info.lang)
    return info
