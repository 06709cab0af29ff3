"""The Alpha connector for a hosted credential (products never build venue paths: every call
goes through :class:`trading.exchanges.binance_alpha.client.AlphaClient`)."""

from __future__ import annotations

import json
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
