"""The token catalogue: the venue's token list and exchange info, cached per environment,
refreshed every 24 h (beat) and on a miss. A token that disappears, goes ``offline`` /
``offsell`` or stops trading pauses the bots running on it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kernel.refusals import Refused
from trading.alpha.core.reasons import PauseReason
from trading.alpha.errors import TOKEN_UNKNOWN
from trading.alpha.models import AlphaToken
from trading.alpha.services.venue import public_client
from trading.exchanges.binance_alpha.models import AlphaToken as VenueToken
from trading.exchanges.types import SymbolRules

REFRESH_EVERY = timedelta(hours=24)
QUOTE = "USDT"


async def _fetch(env: str) -> tuple[list[VenueToken], dict[str, SymbolRules]]:
    async with public_client(env) as client:
        return await client.tokens(), await client.exchange_info()


def tokens_refresh(*, env: str) -> int:
    """Fetch and store every token of ``env``; returns how many. Pauses bots whose token can no
    longer trade."""
    tokens, rules = asyncio.run(_fetch(env))
    now = timezone.now()
    with transaction.atomic():
        for t in tokens:
            _store(env, t, rules.get(t.trading_symbol(QUOTE)), now)
    _pause_untradable(env)
    return len(tokens)


def _store(env: str, t: VenueToken, rules: SymbolRules | None, now) -> None:  # type: ignore[no-untyped-def]
    symbol = t.trading_symbol(QUOTE)
    values = {
        "symbol": t.symbol, "name": t.name, "order_symbol": symbol,
        "stream_symbol": symbol.lower(), "chain_id": t.chain_id, "chain_name": t.chain_name,
        "contract_address": t.contract_address, "decimals": t.decimals,
        "trade_decimal": t.trade_decimal, "mul_point": t.mul_point,
        "listing_time": t.listing_time, "online_airdrop": t.online_airdrop,
        "online_tge": t.online_tge, "offline": t.offline, "offsell": t.offsell,
        "stock_state": t.stock_state, "refreshed_at": now, "has_rules": rules is not None,
        "trading": bool(rules and rules.trading),
    }  # fmt: skip
    if rules is not None:
        values |= {"tick": rules.tick_size, "step": rules.step_size,
                   "min_notional": rules.min_notional}  # fmt: skip
    AlphaToken.objects.update_or_create(env=env, alpha_id=t.alpha_id, defaults=values)


def _pause_untradable(env: str) -> None:
    from trading.alpha.services.ingest import pause_bots, running_bot_ids

    for token in AlphaToken.objects.filter(env=env):
        if not token.can_trade:
            pause_bots(bot_ids=running_bot_ids(token_id=token.pk),
                       reason=PauseReason.TOKEN_UNAVAILABLE,
                       detail=f"{token.symbol} offline/offsell/停止交易")  # fmt: skip


def token_get(*, env: str, name: str) -> AlphaToken:
    """A token by short name (KOGE) or alphaId (ALPHA_22); refreshes on a miss or after 24 h."""
    token = _find(env, name)
    if token is None or timezone.now() - token.refreshed_at > REFRESH_EVERY:
        tokens_refresh(env=env)
        token = _find(env, name)
    if token is None:
        raise Refused(TOKEN_UNKNOWN, name=name)
    return token


def _find(env: str, name: str) -> AlphaToken | None:
    rows = AlphaToken.objects.filter(env=env)
    return rows.filter(alpha_id=name.upper()).first() or rows.filter(symbol=name.upper()).first()
