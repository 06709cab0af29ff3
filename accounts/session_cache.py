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
from backoffice.redis import get_redis
from kernel.refusals import Refused

SESSION_PREFIX = "fleet:sess:"
TRADER_PREFIX = "fleet:trader:"

# The session hash, then the trader hash it points at, as a Lua function of (session key, trader
# prefix) → row or nil. ``_LOOKUP`` calls it; the order pull's script embeds it (one round trip).
LOOKUP_LUA = """
local function session_row(skey, tprefix)
  local s = redis.call('HMGET', skey, 'trader_id', 'expires_at')
  if not s[1] then return nil end
  local t = redis.call('HMGET', tprefix .. s[1], 'expires_at', 'disabled', 'amount', 'lang', 'username')
  if not t[1] or not t[2] or not t[3] then return nil end
  return {s[1], s[2], t[1], t[2], t[3], t[4] or '', t[5] or ''}
end
"""
_LOOKUP = LOOKUP_LUA + "return session_row(KEYS[1], ARGV[1])\n"


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
    """A ``LOOKUP_LUA`` result (also embedded in the order pull's script) as ``SessionInfo``."""
    if not row or len(row) < 7:
        return None
    return SessionInfo(
        trader_id=int(row[0]),
        session_expires_at=float(row[1]),
        trader_expires_at=float(row[2]),
        disabled=row[3] == "1",
        amount=Decimal(row[4]),
        lang=row[5] or "zh-hans",
        username=row[6] or "",
    )


def session_check(info: SessionInfo, now: float | None = None) -> SessionInfo:
    """Refuse a session past its 24 h, a disabled trader, an expired account (in that order)."""
    now = time.time() if now is None else now
    if info.session_expires_at <= now:
        raise Refused(SESSION_EXPIRED, lang=info.lang)
    if info.disabled:
        raise Refused(ACCOUNT_DISABLED, lang=info.lang)
    if info.trader_expires_at <= now:
        raise Refused(ACCOUNT_EXPIRED, lang=info.lang)
    return info
