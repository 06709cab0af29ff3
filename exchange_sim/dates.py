"""Exactly one ``Date`` header on every HTTP reply, from the simulator's clock.

uvicorn adds its own ``date`` header (wall clock) in front of whatever the app sends, so a
handler that sets ``Date`` (``setTrustDevice``: clients compute a web session's expiry as
``Date + Max-Age``) would answer two. The simulator runs uvicorn with ``date_header=False`` and
this send wrapper adds ``Date`` (the world's clock, which tests may pin) when the reply has none.
Real HTTP front ends send one ``Date`` per reply (RFC 9110 §6.6.1).
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import formatdate
from typing import Any

DATE = b"date"


class DatedSend:
    """An ASGI ``send`` that adds a ``date`` header to ``http.response.start`` when missing.

    ``transport`` mirrors the server's request cycle so ``asgi.abort_connection`` (the
    ``drop_reply`` fault) still reaches the socket through ``send.__self__.transport``."""

    def __init__(self, send: Callable[..., Any], clock_ms: Callable[[], int]) -> None:
        self._send = send
        self._clock_ms = clock_ms
        self.transport = getattr(getattr(send, "__self__", None), "transport", None)

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name.lower() == DATE for name, _ in headers):
                stamp = formatdate(self._clock_ms() // 1000, usegmt=True).encode()
                message = {**message, "headers": [(DATE, stamp), *headers]}
        await self._send(message)


def dated(send: Callable[..., Any], clock_ms: Callable[[], int]) -> Callable[..., Any]:
    return DatedSend(send, clock_ms).send
