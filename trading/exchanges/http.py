"""The one async HTTP transport every REST connector uses (httpx), mapping transport failures to the
error tree per docs/protocols.md §10:

- the request certainly never left (connect error / connect or pool timeout) → ``TemporaryError``;
- it may have reached the venue (read timeout, reset after sending, 5xx) → ``OutcomeUnknown`` for a
  non-idempotent request (a POST); ``TemporaryError`` for an idempotent one (GET, DELETE lookup);
- 429 / 418 → ``RateLimited`` (``banned=True`` for 418) honouring ``Retry-After``; the limiter is
  blocked for that long so the next request waits.

A non-idempotent request is NEVER re-sent. Idempotent ones are retried on ``TemporaryError`` (not on
``RateLimited``: pushing on after a 429 earns a 418 ban) with exponential backoff. Every other reply
(2xx and 4xx) is returned for the venue's mapping to interpret its own error body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx

from trading.exchanges.errors import OutcomeUnknown, RateLimited, TemporaryError
from trading.exchanges.ratelimit import RateLimiter

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE"})
# An idle pooled connection is kept this long (httpx's default is 5 s). A copy fan-out comes
# seconds to minutes after the last: with 5 s every event paid a new TCP (+TLS) handshake per
# follower, and an interval near 5 s raced the server closing the connection as it was reused.
# Kept under the ~60 s idle timeout common to HTTP front ends (and the simulator's).
KEEPALIVE_EXPIRY_S = 50.0
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently idempotent requests are retried on temporary errors."""

    attempts: int = 3
    backoff: float = 0.2
    factor: float = 2.0
    max_backoff: float = 2.0

    def delay(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based)."""
        return min(self.max_backoff, self.backoff * self.factor ** (attempt - 1))


def retry_after_seconds(headers: Mapping[str, str], default: float = 1.0) -> float:
    """``Retry-After`` in seconds (numeric form; anything else falls back to ``default``)."""
    value = headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


class HttpTransport:
    """Sends requests through the limiter and classifies failures; never re-sends a POST."""

    def __init__(
        self,
        base_url: str,
        *,
        venue: str,
        limiter: RateLimiter | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.venue = venue
        self.limiter = limiter or RateLimiter()
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers=dict(headers or {}),
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY_S),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        cost: float = 1.0,
        idempotent: bool | None = None,
        client_order_id: str | None = None,
        prepare: Callable[[], tuple[str, bytes | None, Mapping[str, str]]] | None = None,
    ) -> httpx.Response:
        """Send ``method path?query`` with ``content``; see the module docstring for errors.

        ``prepare`` (optional) is called before every attempt to re-sign with a fresh timestamp and
        returns ``(query, content, headers)``; otherwise the given values are sent as they are.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            if prepare is not None:
                query, content, headers = prepare()
            try:
                return await self._send_once(
                    method, path, query, content, headers, cost, idempotent, client_order_id
                )
            except RateLimited:
                raise
            except TemporaryError:
                if not idempotent or attempt >= self.retry.attempts:
                    raise
                await self._sleep(self.retry.delay(attempt))

    async def _send_once(
        self,
        method: str,
        path: str,
        query: str,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        cost: float,
        idempotent: bool,
        client_order_id: str | None,
    ) -> httpx.Response:
        await self.limiter.acquire(cost)
        url = f"{path}?{query}" if query else path
        try:
            response = await self._client.request(method, url, content=content, headers=headers)
        except NOT_SENT as exc:
            raise TemporaryError(f"not sent: {exc!r}", venue=self.venue) from exc
        except httpx.TransportError as exc:
            raise self._maybe_sent(f"no reply: {exc!r}", idempotent, client_order_id) from exc
        self.limiter.observe_headers(response.headers)
        self._raise_for_transport_status(response, idempotent, client_order_id)
        return response

    def _maybe_sent(
        self, message: str, idempotent: bool, client_order_id: str | None
    ) -> TemporaryError | OutcomeUnknown:
        if idempotent:
            return TemporaryError(message, venue=self.venue)
        return OutcomeUnknown(message, venue=self.venue, client_order_id=client_order_id)

    def _raise_for_transport_status(
        self, response: httpx.Response, idempotent: bool, client_order_id: str | None
    ) -> None:
        status = response.status_code
        if status in (429, 418):
            wait = retry_after_seconds(response.headers)
            self.limiter.block_for(wait)
            raise RateLimited(
                f"HTTP {status}: {response.text[:200]}",
                retry_after=wait,
                banned=status == 418,
                venue=self.venue,
                code=str(status),
            )
        if status >= 500:
            message = f"HTTP {status}: {response.text[:200]}"
            raise self._maybe_sent(message, idempotent, client_order_id)
