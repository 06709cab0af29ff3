"""A scripted venue behind ``HttpTransport``'s :class:`~trading.exchanges.http.Sender` seam, in
the shape of ``httpx.MockTransport``: ``handler(httpx.Request) -> httpx.Response`` (sync or async),
so request-shape tests keep reading requests with httpx's URL and header helpers. A handler that
raises passes the exception through unchanged — raise aiohttp's own errors to script a failure of
the wire (``test_http.py`` maps each of them)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

import httpx

from trading.exchanges.http import Headers, Request, Response

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


class MockVenue:
    """Answers every request with ``handler``; nothing goes on the wire."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler

    async def send(self, request: Request) -> Response:
        sent = httpx.Request(
            request.method,
            request.url,
            headers=list(request.headers.items()),
            content=request.content,
        )
        got = self.handler(sent)
        if inspect.isawaitable(got):
            got = await got
        reply: httpx.Response = got  # type: ignore[assignment]
        await reply.aread()
        return Response(reply.status_code, Headers(reply.headers.multi_items()), reply.content)

    async def close(self) -> None:
        return None
