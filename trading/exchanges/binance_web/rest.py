"""Authenticated JSON requests to Binance web ``bapi`` endpoints, shared by Alpha and event
contracts: session headers + cookie, 10 req/s per web credential, envelope unwrapping.

Transport failures are classified by :mod:`trading.exchanges.http` (a POST is never re-sent);
business errors arrive with HTTP 200 and are mapped by :mod:`.mapping`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from trading.exchanges.binance_web import constants as c
from trading.exchanges.binance_web import mapping
from trading.exchanges.binance_web.auth import WebSession, public_headers
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import SessionExpired
from trading.exchanges.http import HttpTransport, Response, Sender
from trading.exchanges.ratelimit import RateLimiter, limiter_for


def _now() -> datetime:
    return datetime.now(UTC)


def encode_query(params: Mapping[str, Any]) -> str:
    """``a=1&b=true``: values as the web app writes them (booleans lower-case, lists repeated,
    ``None`` left out), percent-encoded like a browser form."""
    items = []
    for key, value in params.items():
        for one in value if isinstance(value, list | tuple) else [value]:
            if one is not None:
                items.append((key, str(one).lower() if isinstance(one, bool) else str(one)))
    return urlencode(items)


class WebRest:
    """One web credential's bapi client. ``session=None`` is for public endpoints only."""

    def __init__(
        self,
        session: WebSession | None,
        *,
        env: Env | str = Env.PROD,
        base_url: str | None = None,
        venue: str = mapping.VENUE,
        limiter: RateLimiter | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.session = session
        self.venue = venue
        self._clock = clock
        if limiter is None and session is not None:
            limiter = limiter_for(session.credential_id, c.WEB_RATE_PER_S, c.WEB_BURST)
        self.http = HttpTransport(
            base_url or endpoints("binance_web", env).rest,
            venue=venue,
            limiter=limiter or RateLimiter(c.WEB_RATE_PER_S),
            timeout=timeout,
            transport=transport,
        )

    async def close(self) -> None:
        await self.http.close()

    def _headers(self) -> dict[str, str]:
        if self.session is None:
            return public_headers()
        if self.session.is_expired(self._clock()):
            # Known dead: do not spend a request (nor a rate-limit token) to learn it again.
            raise SessionExpired("web session past its expirationTimestamp", venue=self.venue)
        return self.session.headers()

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and return the envelope's ``data``."""
        response = await self.get_raw(path, params)
        return mapping.parse_response(response)

    async def get_raw(self, path: str, params: Mapping[str, Any] | None = None) -> Response:
        query = encode_query(params or {})
        return await self.http.request("GET", path, query=query, headers=self._headers())

    async def post(
        self,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        placing: bool = False,
        client_order_id: str | None = None,
    ) -> Any:
        """POST a JSON body (sent ONCE) and return the envelope's ``data``."""
        response = await self.post_raw(path, body, client_order_id=client_order_id)
        return mapping.parse_response(response, placing=placing)

    async def post_raw(
        self,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        client_order_id: str | None = None,
    ) -> Response:
        content = json.dumps(dict(body or {}), separators=(",", ":")).encode()
        return await self.http.request(
            "POST",
            path,
            content=content,
            headers=self._headers(),
            client_order_id=client_order_id,
        )
