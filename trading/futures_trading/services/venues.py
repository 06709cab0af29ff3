"""Futures clients for credentials — the product's side of the connector boundary.

One :class:`FuturesClient` per credential per process, living on the shared venue loop
(``trading.exchanges.loop``: httpx pools are bound to the loop that made them), rebuilt when the
credential changes. ``call(cred, fn)`` runs ``fn(client)`` there from synchronous code. Tests may
swap ``FACTORY`` to wrap clients (fault injection at the edge).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from accounts.models import ExchangeCredential
from trading.exchanges.binance_futures.auth import ApiCredentials
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.loop import run

T = TypeVar("T")


_rules: dict[str, dict[str, Any]] = {}  # symbol rules shared per environment (public data)


def _build(cred: ExchangeCredential) -> FuturesClient:
    return FuturesClient(
        ApiCredentials(cred.api_key, cred.api_secret), env=cred.environment, timeout=5.0,
        rules_cache=_rules.setdefault(cred.environment, {}),
    )  # fmt: skip


FACTORY: dict[str, Callable[[ExchangeCredential], FuturesClient]] = {"build": _build}
_clients: dict[int, tuple[Any, FuturesClient]] = {}
ISOLATED: set[tuple[int, str]] = set()  # (credential, symbol) this process set to ISOLATED


def client_for(cred: ExchangeCredential) -> FuturesClient:
    hit = _clients.get(cred.pk)
    version = (cred.updated_at, cred.environment)
    if hit is not None and hit[0] == version:
        return hit[1]
    client = FACTORY["build"](cred)
    _clients[cred.pk] = (version, client)
    return client


def call[T](cred: ExchangeCredential, fn: Callable[[FuturesClient], Awaitable[T]]) -> T:
    """``await fn(client)`` on the venue loop; exceptions propagate to the caller."""
    client = client_for(cred)

    async def go() -> T:
        return await fn(client)

    return run(go(), timeout=60.0)


def reset() -> None:
    """Forget every client and the shared rules (tests)."""
    _clients.clear()
    _rules.clear()
    ISOLATED.clear()
