"""Reads of the accounts app. ``session_resolve`` is the one token check every API call uses."""

from __future__ import annotations

from accounts.choices import SessionEndReason
from accounts.errors import (
    ACCOUNT_DISABLED,
    ACCOUNT_EXPIRED,
    INVALID_TOKEN,
)
from accounts.models import ClientSession
from accounts.session_cache import (
    SessionInfo,
    session_cache_get,
    session_cache_put,
    session_check,
    token_hash,
    trader_cache_put,
)
from kernel.refusals import Refused


def session_resolve(token: str | None) -> SessionInfo:
    """Who is calling: checks token, 24 h session, disabled and expired — Redis first, DB on a miss.
    Raises ``Refused`` with the exact refusal code."""
    thash = session_token_hash(token)
    return session_check(session_cache_get(thash) or _load_from_db(thash))


def session_token_hash(token: str | None) -> str:
    """The stored form of a well-formed token (``INVALID_TOKEN`` for a missing or absurd one)."""
    if not token or len(token) > 128:
        raise Refused(INVALID_TOKEN)
    return token_hash(token)


def _load_from_db(thash: str) -> SessionInfo:
    session = ClientSession.objects.select_related("trader").filter(token_hash=thash).first()
    if session is None:
        raise Refused(INVALID_TOKEN)
    if session.ended_at is not None and session.end_reason != SessionEndReason.EXPIRED:
        # logged out, revoked, password changed, disabled, expired, device revoked
        raise Refused(_ended_refusal(session.trader), lang=session.trader.language)
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


def _ended_refusal(trader):
    """An ended session's token is dead; while its trader is disabled or expired the client is
    told that (what the trader can act on), otherwise to log in again."""
    if trader.is_disabled:
        return ACCOUNT_DISABLED
    return ACCOUNT_EXPIRED if trader.is_expired else INVALID_TOKEN


def session_for_token(token: str) -> ClientSession | None:
    return (
        ClientSession.objects.select_related("trader").filter(token_hash=token_hash(token)).first()
    )
