"""The one async HTTP transport every REST connector uses (aiohttp), mapping transport failures to
the error tree (docs/protocols.md §10; docs/connectors.md "Transport"):

- the request certainly never left (connect error / connect or pool timeout) → ``TemporaryError``;
- it may have reached the venue (read timeout, reset after sending, 5xx) → ``OutcomeUnknown`` for a
  non-idempotent request (a POST); ``TemporaryError`` for an idempotent one (GET, DELETE lookup);
- 429 / 418 → ``RateLimited`` (``banned=True`` for 418) honouring ``Retry-After``; the limiter is
  blocked for that long so the next request waits.

A non-idempotent request is NEVER re-sent. Idempotent ones are retried on ``TemporaryError`` (not on
``RateLimited``: pushing on after a 429 earns a 418 ban) with exponential backoff. Every other reply
(2xx and 4xx) is returned for the venue's mapping to interpret its own error body.

The wire itself is behind :class:`Sender` (``send(Request) → Response``): :class:`AiohttpSender`
in production; tests put a scripted venue there. Replies are plain :class:`Response` values, so
no connector depends on the HTTP library. aiohttp because its client spends a tenth of httpx 0.29's
CPU per request (measured with ``manage.py bench_transport``, docs/decisions.md).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from trading.exchanges.errors import OutcomeUnknown, RateLimited, TemporaryError
from trading.exchanges.ratelimit import RateLimiter

LIBRARY = f"aiohttp {aiohttp.__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE"})
# An idle pooled connection is kept this long (aiohttp's default is 15 s). A copy fan-out comes
# seconds to minutes after the last: with a short expiry every event paid a new TCP (+TLS)
# handshake per follower, and an interval near it raced the server closing the connection as it
# was reused. Kept under the ~60 s idle timeout common to HTTP front ends (and the simulator's).
KEEPALIVE_EXPIRY_S = 50.0
# The request certainly never reached the venue: no connection was made (refused, DNS, TLS
# handshake, connect / pool timeout) or the URL could not be sent at all.
NOT_SENT: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.InvalidURL,
    aiohttp.NonHttpUrlClientError,
)
# It may have: everything else the wire can raise once a connection exists (read timeout, reset,
# disconnect, a broken reply). ``TimeoutError`` covers any deadline outside aiohttp's own.
MAYBE_SENT: tuple[type[BaseException], ...] = (aiohttp.ClientError, TimeoutError, OSError)


class Headers(Mapping[str, str]):
    """Reply headers, case-insensitive. ``headers[name]`` joins repeated ones with ", " (as HTTP
    allows); ``get_list(name)`` keeps them apart (``Set-Cookie``, a proxy's second ``Date``)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: CIMultiDict[str] = CIMultiDict(items)

    def __getitem__(self, name: str) -> str:
        values = self._items.getall(name)
        return ", ".join(values)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k.lower() for k in self._items))

    def __len__(self) -> int:
        return len(dict.fromkeys(k.lower() for k in self._items))

    def get_list(self, name: str) -> list[str]:
        return list(self._items.getall(name, []))


@dataclass(frozen=True)
class Request:
    """One request as it goes on the wire: ``url`` is absolute and already encoded (signed)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None


@dataclass(frozen=True)
class Response:
    """A venue's reply, read in full."""

    status_code: int
    headers: Headers
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON (``json.JSONDecodeError`` — a ``ValueError`` — when it is not)."""
        return json.loads(self.content)


class Sender(Protocol):
    """Puts one request on the wire and reads the whole reply; raises the library's errors."""

    async def send(self, request: Request) -> Response: ...

    async def close(self) -> None: ...


class AiohttpSender:
    """One aiohttp connection pool. Created on first use inside the running loop (aiohttp's pool
    belongs to one loop; a client used from another loop gets a pool of its own there).

    aiohttp's own retry of a request on a stale kept-alive connection is switched off: which
    request may be sent twice is decided in one place, :class:`HttpTransport`."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        # connect covers waiting for a pooled connection too; sock_read bounds each read. No
        # overall deadline: a reply that keeps trickling in is the venue's, not ours, to end.
        self._timeout = aiohttp.ClientTimeout(total=None, connect=timeout, sock_read=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        _track(self)

    def _session_here(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            self.release(at_exit=False)  # a pool of another loop: closed there
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_EXPIRY_S),
                timeout=self._timeout,
                cookie_jar=aiohttp.DummyCookieJar(),  # every cookie a connector sends is explicit
            )
            self._session._retry_connection = False  # see the class docstring
            self._loop = loop
        return self._session

    async def send(self, request: Request) -> Response:
        session = self._session_here()
        async with session.request(
            request.method,
            URL(request.url, encoded=True),  # signed: sent byte for byte as built
            data=request.content,
            headers=request.headers,
            skip_auto_headers=("Content-Type",),  # only what the connector set
            allow_redirects=False,
        ) as reply:
            body = await reply.read()
            return Response(reply.status, Headers(reply.headers.items()), body)

    async def close(self) -> None:
        if self._session is not None and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self.release(at_exit=False)  # a pool of another loop: closed there

    def __del__(self) -> None:
        """A client dropped without ``close()`` (a cache replaced it, a test ended) releases its
        pooled connections on their own loop instead of leaving aiohttp to log an error."""
        try:
            self.release(at_exit=False)
        except Exception:  # noqa: S110 — interpreter teardown: modules half gone, nothing to do
            pass

    def release(self, *, at_exit: bool) -> None:
        """Let go of the pool without awaiting: closed on its loop when that loop still runs
        (and this is not process exit), else marked closed at once (its sockets are gone with
        the loop, or with the process)."""
        session, loop = self._session, self._loop
        self._session = None
        if session is None or loop is None or session.closed:
            return
        connector = session.connector
        session.detach()
        if connector is None:
            return
        if at_exit or _exiting or loop.is_closed() or not loop.is_running():
            connector._close()  # synchronous part of close(); nothing left to await
            return
        # Closed on its own loop. Marked closed here already: when the process ends before the
        # loop runs the call, aiohttp would log the pool as leaked (the OS closes its sockets).
        connector._closed = True

        def close_there() -> None:
            connector._closed = False
            connector._close()

        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(close_there)


_live: weakref.WeakSet[AiohttpSender] = weakref.WeakSet()
_exiting = False
_hooked = False


def _track(sender: AiohttpSender) -> None:
    """Remember a live sender; the exit hook is registered with the first one — after every
    module's own hooks, so it runs before them (atexit is last-in, first-out)."""
    global _hooked
    if not _hooked:
        atexit.register(_release_all)
        _hooked = True
    _live.add(sender)


def _release_all() -> None:
    """Process exit: every pool let go at once (no loop will run a close any more)."""
    global _exiting
    _exiting = True
    for sender in list(_live):
        sender.release(at_exit=True)


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
        transport: Sender | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.venue = venue
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter or RateLimiter()
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._headers = CIMultiDict(headers or {})  # sent with every request
        self._sender: Sender = transport or AiohttpSender(timeout=timeout)

    async def close(self) -> None:
        await self._sender.close()

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
    ) -> Response:
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
    ) -> Response:
        await self.limiter.acquire(cost)
        url = f"{self.base_url}{path}?{query}" if query else f"{self.base_url}{path}"
        merged = self._headers.copy()
        merged.update(headers or {})
        request = Request(method, url, merged, content)
        try:
            response = await self._sender.send(request)
        except NOT_SENT as exc:
            raise TemporaryError(f"not sent: {exc!r}", venue=self.venue) from exc
        except MAYBE_SENT as exc:
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
        self, response: Response, idempotent: bool, client_order_id: str | None
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
