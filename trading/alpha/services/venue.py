"""The Alpha connector for a hosted credential (products never build venue paths: every call
goes through :class:`trading.exchanges.binance_alpha.client.AlphaClient`)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime

from trading.alpha.models import AlphaCredential
from trading.exchanges.binance_alpha.client import AlphaClient
from trading.exchanges.binance_web.auth import NO_EXPIRY, WebSession


def web_session(cred: AlphaCredential) -> WebSession:
    """The credential as the connector's session value (decrypted here, never logged)."""
    extra = json.loads(cred.extra_headers) if cred.extra_headers else {}
    expiry = int(cred.expires_at.timestamp()) if cred.expires_at else NO_EXPIRY
    return WebSession(
        cred.csrftoken,
        cred.p20t,
        expiry,
        extra_headers=tuple(sorted((str(k), str(v)) for k, v in extra.items())),
        cookie=cred.cookies,
    )


def client_for(cred: AlphaCredential, *, timeout: float = 10.0) -> AlphaClient:
    return AlphaClient(web_session(cred), env=cred.env, timeout=timeout)


def public_client(env: str) -> AlphaClient:
    return AlphaClient(None, env=env)


def expires_from_epoch(value: int | None) -> datetime | None:
    if value in (None, NO_EXPIRY):
        return None
    return WebSession("", "", int(value)).expires_at()


# --- one event loop and one client per credential in each worker thread -----------------------
_local = threading.local()


def call[T](cred: AlphaCredential, fn: Callable[[AlphaClient], Awaitable[T]]) -> T:
    """Run ``fn(client)`` on this thread's event loop with this thread's client of ``cred``.

    A worker runs many short commands; building a client (two HTTP connection pools, an SSL context)
    and an event loop for each cost ~90 ms — more than the request itself. Clients are kept per
    thread (an asyncio client belongs to one loop) and replaced when the session changes."""
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
        _local.clients = {}
    session = web_session(cred)
    key = (cred.pk, session.credential_id, cred.env)
    clients: dict[tuple[int, str, str], AlphaClient] = _local.clients
    client = clients.get(key)
    if client is None:
        for old_key in [k for k in clients if k[0] == cred.pk]:
            loop.run_until_complete(clients.pop(old_key).close())
        client = clients[key] = AlphaClient(session, env=cred.env)
    return loop.run_until_complete(fn(client))
