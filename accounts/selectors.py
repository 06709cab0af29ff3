"""Reads of the accounts app. ``session_resolve`` is the one token check every API call uses."""

from __future__ import annotations

import time

from accounts.errors import (
    ACCOUNT_DISABLED,
    ACCOUNT_EXPIRED,
    INVALID_TOKEN,
    SESSION_EXPIRED,
    RefusedError,
)
from accounts.models import ClientSession
from accounts.session_cache import (
    SessionInfo,
    session_cache_get,
    session_cache_put,
    token_hash,
    trader_cache_put,
)


def session_resolve(token: str | None) -> SessionInfo:
    """Who is calling: checks token, 24 h session, disabled and expired — Redis first, DB on a miss.
    Raises ``RefusedError`` with the exact refusal code."""
    if not token or len(token) > 128:
        raise RefusedError(INVALID_TOKEN)
    thash = token_hash(token)
    info = session_cache_get(thash) or _load_from_db(thash)
    now = time.time()
    if info.session_expires_at <= now:
        raise RefusedError(SESSION_EXPIRED, lang=info.lang)
    if info.disabled:
        raise RefusedError(ACCOUNT_DISABLED, lang=info.lang)
    if info.trader_expires_at <= now:
        raise RefusedError(ACCOUNT_EXPIRED, lang=info.lang)
    return info


def _load_from_db(thash: str) -> SessionInfo:
    session = ClientSession.objects.select_related("trader").filter(token_hash=thash).first()
    if session is None:
        raise RefusedError(INVALID_TOKEN)
    if session.ended_at is not None and session.end_reason != "expired":
        raise RefusedError(INVALID_TOKEN)  # logged out or revoked
    trader = session.trader
    if session.ended_at is None and session.is_active:
        session_cache_put(thash, trader.pk, session.expires_at.timestamp())
        trader_cache_put(trader)
    return SessionInfo(
        trader_id=trader.pk,
        session_expires_at=session.expires_at.timestamp(),
        trader_expires_at=trader.expires_at.timestamp(),
        disabled=trader.is_disabled,
        amount=trader.order_amount,
        lang=trader.language,
        username=trader.username,
    )


def session_for_token(token: str) -> ClientSession | None:
    return (
        ClientSession.objects.select_related("trader").filter(token_hash=token_hash(token)).first()
    )
