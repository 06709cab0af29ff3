"""The session-validity rule is one table (``SESSION_RULE``): the Python check and the Lua one the
order pull and the push sweep embed are both generated from it, so they agree on every case —
checked here by running the Lua against the same rows in Redis."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.session_cache import (
    SESSION_FIELDS,
    SESSION_LUA,
    SESSION_PREFIX,
    TRADER_PREFIX,
    SessionInfo,
    session_info_from_row,
    session_refusal,
)
from kernel.redis import get_redis

pytestmark = pytest.mark.django_db  # the Redis test database is emptied per test

NOW = 1_000_000.0
# (session ends, disabled, account ends) → the refusal code, or None (valid); the first rule the
# session breaks wins.
CASES = [
    ((NOW + 60, False, NOW + 60), None),
    ((NOW, False, NOW + 60), "session_expired"),
    ((NOW - 1, True, NOW - 1), "session_expired"),
    ((NOW + 60, True, NOW + 60), "account_disabled"),
    ((NOW + 60, True, NOW - 1), "account_disabled"),
    ((NOW + 60, False, NOW), "account_expired"),
    ((NOW + 60, False, NOW - 3600), "account_expired"),
]
_CHECK = (
    SESSION_LUA
    + """
local row = session_row(KEYS[1], ARGV[1])
return {session_refused(row, tonumber(ARGV[2])) and 1 or 0, session_reply(row)}
"""
)


def _info(session_ends: float, disabled: bool, account_ends: float) -> SessionInfo:
    return SessionInfo(7, session_ends, account_ends, disabled, Decimal("5.00"), "en", "t7")


def _lua(info: SessionInfo) -> tuple[bool, SessionInfo | None]:
    r = get_redis()
    r.hset(SESSION_PREFIX + "h", mapping={"trader_id": 7, "expires_at": info.session_expires_at})
    trader = {
        "expires_at": info.trader_expires_at,
        "disabled": int(info.disabled),
        "amount": "5.00",
    }
    r.hset(TRADER_PREFIX + "7", mapping={**trader, "lang": "en", "username": "t7"})
    refused, reply = r.eval(_CHECK, 1, SESSION_PREFIX + "h", TRADER_PREFIX, NOW)
    return refused == 1, session_info_from_row(reply)


@pytest.mark.parametrize(("fields", "code"), CASES)
def test_python_and_lua_apply_the_same_rule(fields, code) -> None:
    info = _info(*fields)
    refusal = session_refusal(info, NOW)
    assert (refusal.code if refusal else None) == code
    refused, read_back = _lua(info)
    assert refused == (code is not None)
    assert read_back == info  # the reply lists SESSION_FIELDS in order


def test_the_reply_names_every_session_field() -> None:
    assert list(SESSION_FIELDS) == list(SessionInfo.__dataclass_fields__)
    assert all(f"row.{field}" in SESSION_LUA for field in SESSION_FIELDS)
