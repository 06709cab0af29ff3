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


def _binance(cred: ExchangeCredential) -> SpotVenue:
    from trading.exchanges.binance_spot.client import BinanceSpotClient

    return BinanceSpotClient(cred.api_key, cred.api_secret, env=cred.environment, timeout=5.0)


def _bitget(cred: ExchangeCredential) -> SpotVenue:
    from trading.exchanges.bitget.client import BitgetSpotClient

    return BitgetSpotClient(
        cred.api_key, cred.api_secret, cred.passphrase, env=cred.environment, timeout=5.0
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
    """Forget every client (tests)."""
    _clients.clear()
