"""Signed fapi requests over the shared transport: server-time offset, HMAC, error mapping.

GET/DELETE carry their parameters in the query string, POST/PUT in a form body. The transport
re-signs on every attempt (fresh timestamp) and never re-sends a POST after it may have reached
Binance. A ``-1021`` (clock skew) is the one POST error we retry: Binance refused it before the
matching engine, so we re-sync the clock and send once more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures import mapping
from trading.exchanges.binance_futures.auth import ApiCredentials, encode_params
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import AuthError, ClockSkew
from trading.exchanges.http import HttpTransport, Sender
from trading.exchanges.ratelimit import RateLimiter, limiter_for
from trading.exchanges.timesync import TimeSync

FORM = {"content-type": "application/x-www-form-urlencoded"}
BODY_METHODS = frozenset({"POST", "PUT"})


class FuturesRest:
    """Low-level fapi client for one API key (``credentials=None``: public endpoints only)."""

    def __init__(
        self,
        credentials: ApiCredentials | None,
        *,
        env: Env | str = Env.PROD,
        base_url: str | None = None,
        limiter: RateLimiter | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.credentials = credentials
        key = f"fapi:{credentials.api_key}" if credentials else "fapi:public"
        self.http = HttpTransport(
            base_url or endpoints("binance_futures", env).rest,
            venue=c.VENUE,
            limiter=limiter or limiter_for(key),
            timeout=timeout,
            transport=transport,
        )
        self.time = TimeSync(self.server_time_ms)

    async def close(self) -> None:
        await self.http.close()

    async def server_time_ms(self) -> int:
        body = await self.public("GET", c.TIME)
        return int(body["serverTime"])

    async def public(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        response = await self.http.request(method, path, query=encode_params(params or {}))
        return mapping.parse_response(response)

    async def keyed(self, method: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """API-key-only (unsigned) request, e.g. the listen key endpoints."""
        query, content, headers = self._encode(method, encode_params(params or {}))
        response = await self.http.request(
            method, path, query=query, content=content, headers=headers
        )
        return mapping.parse_response(response)

    async def signed(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        client_order_id: str | None = None,
    ) -> Any:
        """A SIGNED request; ``client_order_id`` is attached to ``OutcomeUnknown`` errors."""
        await self.time.ensure()
        try:
            return await self._signed_once(method, path, params or {}, client_order_id)
        except ClockSkew:
            await self.time.sync()
            return await self._signed_once(method, path, params or {}, client_order_id)

    async def _signed_once(
        self, method: str, path: str, params: Mapping[str, Any], client_order_id: str | None
    ) -> Any:
        creds = self._creds()

        def prepare() -> tuple[str, bytes | None, Mapping[str, str]]:
            return self._encode(method, creds.signed(params, self.time.now_ms()))

        response = await self.http.request(
            method, path, prepare=prepare, client_order_id=client_order_id
        )
        return mapping.parse_response(response, client_order_id=client_order_id)

    def _encode(self, method: str, payload: str) -> tuple[str, bytes | None, dict[str, str]]:
        headers = self._creds().headers()
        if method.upper() in BODY_METHODS:
            return "", payload.encode(), {**headers, **FORM}
        return payload, None, headers

    def _creds(self) -> ApiCredentials:
        if self.credentials is None:
            raise AuthError("this endpoint needs an API key", venue=c.VENUE)
        return self.credentials
