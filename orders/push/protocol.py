"""The push socket's messages (JSON text frames), as values: :func:`parse` turns a client frame
into a message or a :class:`Malformed`, the ``*_frame`` builders make the server's frames.
Pure — no I/O, no Django models — so the protocol is tested with tables (docs/event_orders.md,
"Push").

Client → server: ``ack`` (delivery ids journaled), ``report`` (an execution report, answered
after it is durable), ``ping``. Server → client: ``hello``, ``orders``, ``acked``, ``reported``,
``pong``, ``error``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from orders.delivery import DELIVERY_ID, MAX_ACKS

MAX_FRAME = 64 * 1024  # a report is < 3 KB; the server refuses larger frames outright
MAX_REF = 64


@dataclass(frozen=True)
class Ack:
    """The client journaled these deliveries."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """An execution report of ``order_id``; ``body`` is the HTTP report's JSON body."""

    ref: str
    order_id: str
    body: bytes


@dataclass(frozen=True)
class Ping:
    ref: str


@dataclass(frozen=True)
class Malformed:
    """A frame the server cannot use (answered with an ``error`` frame; the socket stays)."""

    ref: str
    reason: str


Message = Ack | Report | Ping | Malformed


def parse(raw: str | bytes) -> Message:
    """One client frame → its message (never raises)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return Malformed("", "not JSON")
    if not isinstance(data, dict):
        return Malformed("", "not a JSON object")
    ref = data.get("ref")
    ref = ref[:MAX_REF] if isinstance(ref, str) else ""
    kind = data.get("type")
    if kind == "ping":
        return Ping(ref)
    if kind == "ack":
        ids = data.get("ids")
        if not isinstance(ids, list):
            return Malformed(ref, "ack needs ids: [delivery id, …]")
        return Ack(tuple(i for i in ids[:MAX_ACKS] if isinstance(i, str) and DELIVERY_ID.match(i)))
    if kind == "report":
        order_id, body = data.get("order_id"), data.get("report")
        if isinstance(order_id, bool) or not isinstance(order_id, int | str):
            return Malformed(ref, "report needs order_id")
        if not isinstance(body, dict):
            return Malformed(ref, "report needs report: {outcome, …}")
        return Report(ref, str(order_id), json.dumps(body).encode())
    return Malformed(ref, f"unknown type {kind!r}")


def _frame(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, separators=(",", ":"), ensure_ascii=False)


def hello_frame(server_time: str, trader_id: int, resend_s: float) -> str:
    return _frame("hello", server_time=server_time, trader_id=trader_id, resend_s=resend_s)


def orders_frame(server_time: str, orders: list[str]) -> str:
    """``orders``: the pull's order objects, already JSON (the precomputed fragments + amount)."""
    return f'{{"type":"orders","server_time":"{server_time}","orders":[{",".join(orders)}]}}'


def acked_frame(ids: tuple[str, ...], states: list[int]) -> str:
    return _frame("acked", ids=list(ids), states=states)


def reported_frame(ref: str, status: int, report: dict[str, Any]) -> str:
    return _frame("reported", ref=ref, status=status, report=report)


def pong_frame(ref: str, server_time: str) -> str:
    return _frame("pong", ref=ref, server_time=server_time)


def error_frame(ref: str, status: int, body: dict[str, Any]) -> str:
    """The API's error shape (``code``, ``message``, ``detail``?) with the HTTP status it would
    have had and the ``ref`` of the frame it answers ("" for the connection itself)."""
    return _frame("error", ref=ref, status=status, **body)


# WebSocket close codes (4000–4999 are the application's): the client reads them as the HTTP
# refusal they stand for.
CLOSE_UNAUTHENTICATED = 4401  # not_authenticated / invalid_token / session_expired
CLOSE_FORBIDDEN = 4403  # account_disabled / account_expired
CLOSE_UNAVAILABLE = 4503  # Redis or the database unavailable at connect: use the pull for now
CLOSE_GOING_AWAY = 1001  # the process stops: reconnect (another process takes the socket)


def close_code(status: int) -> int:
    return {401: CLOSE_UNAUTHENTICATED, 403: CLOSE_FORBIDDEN}.get(status, CLOSE_UNAVAILABLE)
