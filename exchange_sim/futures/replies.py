"""Execution faults applied to an order reply *after* the order executed (docs/protocols.md §10).

``after_exec`` returns the normal reply, or raises ``DropReply`` (fault ``drop_reply``), or
returns a 5xx / -1007 reply (fault ``error_after_exec``). ``raw_endpoint`` serves a Starlette-style
handler as a raw ASGI app, so a ``DropReply`` can reset the TCP connection through the server's own
``send`` (``exchange_sim.asgi.abort_connection``); under a plain Starlette route the fallback cuts
the reply mid-body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_sim.asgi import abort_connection
from exchange_sim.world import World

TIMEOUT_MSG = (
    "Timeout waiting for response from backend server. Send status unknown; "
    "execution status unknown."
)


class DropReply(Exception):
    """The order executed; the client must not get any reply (``hang_ms`` of silence first)."""

    def __init__(self, hang_ms: int = 0) -> None:
        super().__init__("drop_reply fault")
        self.hang_ms = hang_ms


def after_exec(world: World, account: str, body: Any, error_body: Any = None) -> Response:
    """The reply for an executed order, unless a fault says to drop it or fail it."""
    fault = world.faults.take("drop_reply", account)
    if fault:
        hang = int(fault.params.get("ms", 0)) if fault.params.get("mode") == "hang" else 0
        raise DropReply(hang)
    fault = world.faults.take("error_after_exec", account)
    if fault:
        status = int(fault.params.get("status", 503))
        code = int(fault.params.get("code", -1007 if status == 408 else -1001))
        if error_body is None:
            msg = TIMEOUT_MSG if code == -1007 else "Internal error; unable to process request."
            error_body = {"code": code, "msg": msg}
        return JSONResponse(error_body, status_code=status)
    return JSONResponse(body)


Endpoint = Callable[[Request], Awaitable[Response]]


def raw_endpoint(endpoint: Endpoint) -> Callable[..., Awaitable[None]]:
    """Wrap a request handler as a raw ASGI app that honours ``DropReply``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        try:
            response = await endpoint(Request(scope, receive))
        except DropReply as drop:
            await abort_connection(send, drop.hang_ms)
            return
        await response(scope, receive, send)

    return app


def starlette_endpoint(endpoint: Endpoint) -> Endpoint:
    """The same handler under a normal Starlette route (``DropReply`` cuts the reply)."""

    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except DropReply:
            raise ConnectionAbortedError("drop_reply fault: reply dropped") from None

    return wrapped
