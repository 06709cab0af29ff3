"""Raw ASGI helpers for the hot venue paths (no framework objects per request).

``create_app`` dispatches exact venue paths (``/api/v3/order``…) straight to these handlers with
the server's own ``send``, which is what lets the ``drop_reply`` fault reset the TCP connection.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

JSON_CT = (b"content-type", b"application/json")


async def read_body(receive: Receive) -> bytes:
    """The whole request body as received (exact bytes: signatures cover them)."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def header(scope: Scope, name: bytes) -> str | None:
    """A request header (``name`` lower-case bytes) decoded as latin-1, or None."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


async def send_json(send: Send, status: int, payload: Any, headers: Headers | None = None) -> None:
    body = dumps(payload)
    out = [JSON_CT, (b"content-length", str(len(body)).encode())]
    if headers:
        out.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


async def abort_connection(send: Send, hang_ms: int = 0) -> None:
    """Drop the connection without a reply (the client sees a reset, or a read timeout first).

    Uses the server's transport when reachable (uvicorn's ``send`` is a bound method of the
    request cycle that owns it); otherwise starts a response that can never complete, which makes
    the server close the socket mid-reply.
    """
    if hang_ms > 0:
        await asyncio.sleep(hang_ms / 1000)
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None:
        transport.abort()
        for _ in range(3):  # let connection_lost run so the server does not try a 500 reply
            await asyncio.sleep(0)
        return
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
    await send(start)
    raise ConnectionAbortedError("drop_reply fault: connection dropped after execution")
