"""Venue clients for credentials — the copytrade side of the connector boundary.

``venue_for(credential)`` returns a :class:`trading.exchanges.base.SpotVenue`, one per credential
per process (they live on the venue loop, see ``loop.run``), rebuilt when the credential changes.
``clients_for(followers)`` does it for a chunk of followers, ``symbol_rules_by_group`` reads the
BTCUSDT rules once per (venue, environment). These are caches of this process only (a client is
a connection pool; rules are public): nothing another process needs lives here. Tests swap
``FACTORY`` for fake venues.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from accounts.models import ExchangeCredential
from trading.exchanges import loop
from trading.exchanges.base import SpotVenue
from trading.exchanges.types import SymbolRules

if TYPE_CHECKING:
    from trading.copytrade.models import Follower

log = logging.getLogger("fleet.copytrade.fanout")

SYMBOL = "BTCUSDT"


# Symbol rules shared by every client of one (venue, environment) in this process: public, the
# same for every key — and Binance's exchangeInfo costs 20 of the IP's 6000 weight a minute, so
# 250 followers each fetching their own on a fresh worker's first copy spent 5000 and had the
# limiter hold the copies for the rest of the minute (bench_fanout, 500 followers).
_rules: dict[tuple[str, str], dict[str, Any]] = {}


def shared_rules(venue: str, environment: str) -> dict[str, Any]:
    return _rules.setdefault((venue, environment), {})


def forget_rules(venue: str, environment: str) -> None:
    """Drop the shared rules of one environment (the next request fetches them again)."""
    shared_rules(venue, environment).clear()


def _binance(cred: ExchangeCredential) -> SpotVenue:
    from trading.exchanges.binance_spot.client import BinanceSpotClient

    return BinanceSpotClient(
        cred.api_key,
        cred.api_secret,
        env=cred.environment,
        timeout=5.0,
        rules_cache=shared_rules(cred.venue, cred.environment),
    )


def _bitget(cred: ExchangeCredential) -> SpotVenue:
    from trading.exchanges.bitget.client import BitgetSpotClient

    return BitgetSpotClient(
        cred.api_key,
        cred.api_secret,
        cred.passphrase,
        env=cred.environment,
        timeout=5.0,
        rules_cache=shared_rules(cred.venue, cred.environment),
    )


BUILDERS: dict[str, Callable[[ExchangeCredential], SpotVenue]] = {
    "binance": _binance,
    "bitget": _bitget,
}
FACTORY: dict[str, Callable[[ExchangeCredential], Any]] = {"build": lambda c: BUILDERS[c.venue](c)}

_clients: dict[int, tuple[Any, SpotVenue]] = {}


def venue_for(cred: ExchangeCredential) -> SpotVenue:
    """The cached client of ``cred`` (a new one if the credential was edited since)."""
    hit = _clients.get(cred.pk)
    version = (cred.updated_at, cred.venue, cred.environment)
    if hit is not None and hit[0] == version:
        return hit[1]
    client = FACTORY["build"](cred)
    _clients[cred.pk] = (version, client)
    if hit is not None:
        loop.close_soon(hit[1])  # the credential was edited: the old client's pool goes
    return client


def is_cached(cred: ExchangeCredential) -> bool:
    """Whether ``venue_for(cred)`` would return a cached client: the fan-out loads credentials
    without their (encrypted) secrets and fetches them only for the clients it must build."""
    hit = _clients.get(cred.pk)
    return hit is not None and hit[0] == (cred.updated_at, cred.venue, cred.environment)


def forget(cred_id: int) -> None:
    """Drop a cached client (credential deleted or replaced) and close its connections."""
    hit = _clients.pop(cred_id, None)
    if hit is not None:
        loop.close_soon(hit[1])


def reset() -> None:
    """Forget every client and the shared rules (tests)."""
    _clients.clear()
    _rules.clear()
    _parsed.clear()


def clients_for(followers: Iterable[Follower]) -> dict[int, SpotVenue]:
    """The process's client of each follower; secrets are loaded (one query) only for the
    credentials that have no client yet (the followers come with their secrets deferred)."""
    items = list(followers)
    cold = [f.credential_id for f in items if not is_cached(f.credential)]
    if cold:
        full = ExchangeCredential.objects.in_bulk(cold)
        for f in items:
            if f.credential_id in full:
                f.credential = full[f.credential_id]
    return {f.pk: venue_for(f.credential) for f in items}


RULES_TTL_S = 3600.0
_parsed: dict[tuple[str, str], tuple[float, SymbolRules]] = {}


def group_of(f: Follower) -> tuple[str, str]:
    return (f.credential.venue, f.credential.environment)


def symbol_rules_by_group(
    followers: list[Follower], clients: dict[int, SpotVenue]
) -> dict[tuple[str, str], SymbolRules]:
    """BTCUSDT rules per (venue, environment), kept for an hour; fetched (concurrently, through
    one follower's client each) only when missing. A group whose fetch failed is absent."""
    now = time.monotonic()
    wanted: dict[tuple[str, str], SpotVenue] = {}
    for f in followers:
        hit = _parsed.get(group_of(f))
        if hit is None or now - hit[0] > RULES_TTL_S:
            if group_of(f) not in wanted:
                forget_rules(*group_of(f))  # refetched once, then shared by the clients
            wanted.setdefault(group_of(f), clients[f.pk])
    if wanted:

        async def fetch() -> list[SymbolRules | BaseException]:
            calls = (c.symbol_rules(SYMBOL) for c in wanted.values())
            return await asyncio.gather(*calls, return_exceptions=True)

        for group, got in zip(wanted, loop.run(fetch(), timeout=30), strict=True):
            if isinstance(got, SymbolRules):
                _parsed[group] = (now, got)
            else:
                log.warning("symbol rules of %s unavailable: %r", group, got)
    return {g: r for g, (_, r) in _parsed.items()}
