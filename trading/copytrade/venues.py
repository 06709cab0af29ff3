"""Venue clients for credentials — the copytrade side of the connector boundary.

``venue_for(credential)`` returns a :class:`trading.exchanges.base.SpotVenue`, one per credential
per process (they live on the venue loop, see ``loop.py``), rebuilt when the credential changes.
Tests swap ``FACTORY`` for fake venues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.models import ExchangeCredential
from trading.exchanges.base import SpotVenue

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
    return client


def is_cached(cred: ExchangeCredential) -> bool:
    """Whether ``venue_for(cred)`` would return a cached client: the fan-out loads credentials
    without their (encrypted) secrets and fetches them only for the clients it must build."""
    hit = _clients.get(cred.pk)
    return hit is not None and hit[0] == (cred.updated_at, cred.venue, cred.environment)


def forget(cred_id: int) -> None:
    """Drop a cached client (credential deleted or replaced)."""
    _clients.pop(cred_id, None)


def reset() -> None:
    """Forget every client and the shared rules (tests)."""
    _clients.clear()
    _rules.clear()
