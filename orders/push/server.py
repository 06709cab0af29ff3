"""The push server: a ``websockets`` server on ``/api/v1/push`` and ``/health``.

The upgrade request is authenticated like the pull (``Authorization: Token <token>``; the session
cache in Redis, the database on a miss) and refused with the API's JSON error and HTTP status
before any WebSocket exists. Each socket then runs one loop: ``ack`` → the pull's ``ack`` step,
``report`` → the steps of ``orders.services.execution_report`` (its row joins the current group
commit; the answer goes back after the commit), ``ping`` → ``pong``. Orders arrive from the
:class:`~orders.push.hub.Hub`. Django stays out of this loop: its database work (reports, a
session missing from the cache, the rebuild after a Redis restart) runs on threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import weakref
from http import HTTPStatus
from typing import Any

from django.db import DatabaseError
from redis.exceptions import RedisError
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from accounts.api_auth import token_from_header
from accounts.errors import NOT_AUTHENTICATED
from accounts.selectors import session_resolve, session_token_hash
from kernel.refusals import Refused
from orders import delivery, report_batch, services
from orders.errors import UNAVAILABLE
from orders.hotpath import refused, report_json
from orders.push import protocol as p
from orders.push.hub import Client, Hub
from orders.report_input import report_fields

log = logging.getLogger("fleet.orders.push")

PATH = "/api/v1/push"
HEALTH_PATH = "/health"
PING_INTERVAL_S = 20.0  # WebSocket pings; a client silent for 2× this is dropped


class PushServer:
    """One process's server: the hub, the report threads, the socket handler."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        # connection → (token, token hash, session): set by the upgrade, taken by the handler
        self._sessions: weakref.WeakKeyDictionary[ServerConnection, tuple[str, str, Any]] = (
            weakref.WeakKeyDictionary()
        )

    async def serve(self, host: str, port: int) -> Any:
        return await serve(
            self.handler,
            host,
            port,
            process_request=self.process_request,
            max_size=p.MAX_FRAME,
            ping_interval=PING_INTERVAL_S,
            ping_timeout=PING_INTERVAL_S,
            compression=None,  # frames are small; deflate would cost CPU per message
        )

    # --- HTTP side: health and authentication ---------------------------------------------------
    async def process_request(self, connection: ServerConnection, request: Request) -> Any:
        path = request.path.split("?", 1)[0]
        if path == HEALTH_PATH:
            return await self._health(connection)
        if path != PATH:
            return _json_response(connection, 404, {"code": "not_found", "message": path})
        try:
            header = request.headers.get("Authorization")
            if not header:
                raise Refused(NOT_AUTHENTICATED)
            token = token_from_header(header)
            info = await asyncio.to_thread(session_resolve, token)
        except Refused as exc:
            return self._refusal(connection, *refused(exc.refusal, exc.detail, exc.lang)[:2])
        except (RedisError, DatabaseError, OSError) as exc:
            log.warning("push connect refused, store unavailable: %s", type(exc).__name__)
            return self._refusal(connection, *refused(UNAVAILABLE)[:2])
        assert token is not None  # session_resolve refuses a missing token
        self._sessions[connection] = (token, session_token_hash(token), info)
        return None

    def _refusal(self, connection: ServerConnection, status: int, body: bytes) -> Response:
        response = connection.respond(HTTPStatus(status), "")
        response.body = body
        response.headers = Headers(
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return response

    async def _health(self, connection: ServerConnection) -> Response:
        try:
            redis_ok = bool(await self.hub.redis.ping())
        except (RedisError, OSError):
            redis_ok = False
        ok = redis_ok and self.hub.pubsub_ok
        body = {
            "ok": ok,
            "redis": redis_ok,
            "feed": self.hub.pubsub_ok,
            "connections": self.hub.connections,
            "sessions": len(self.hub.sessions),
            "rounds": self.hub.rounds,
            "last_round_ms": self.hub.last_round_ms,
            "max_round_ms": self.hub.max_round_ms,
        }
        return _json_response(connection, 200 if ok else 503, body)

    # --- WebSocket side -------------------------------------------------------------------------
    async def handler(self, ws: ServerConnection) -> None:
        token, thash, info = self._sessions.pop(ws)
        client = Client(
            send=ws.send,
            close=ws.close,
            token=token,
            thash=thash,
            trader_id=info.trader_id,
            lang=info.lang,
        )
        tasks: set[asyncio.Task] = set()
        try:
            await ws.send(
                p.hello_frame(delivery.iso(time.time()), info.trader_id, self.hub.resend_s)
            )
            await self.hub.join(client)
            async for raw in ws:
                message = p.parse(raw)
                if isinstance(message, p.Report):
                    task = asyncio.create_task(self._report(client, message))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                else:
                    await ws.send(await self._answer(client, message))
        except (RedisError, delivery.DeliveryUnavailable) as exc:
            log.warning("push socket closed, Redis unavailable: %s", type(exc).__name__)
            await ws.close(p.CLOSE_UNAVAILABLE, "service_unavailable")
        except Exception as exc:  # the socket went away mid-send: nothing to answer
            log.debug("push socket ended: %s", exc)
        finally:
            self.hub.leave(client)
            for task in list(tasks):  # a report already committed is answered on a new socket
                task.cancel()

    async def _answer(self, client: Client, message: p.Message) -> str:
        now = delivery.iso(time.time())
        if isinstance(message, p.Ping):
            return p.pong_frame(message.ref, now)
        if isinstance(message, p.Ack):
            states = await self.hub.acknowledge(client, message.ids)
            return p.acked_frame(message.ids, states)
        assert isinstance(message, p.Malformed)
        body = {"code": "malformed_request", "message": message.reason}
        return p.error_frame(message.ref, 400, body)

    async def _report(self, client: Client, message: p.Report) -> None:
        frame = await self._report_frame(client, message)
        with contextlib.suppress(Exception):
            await client.send(frame)

    async def _report_frame(self, client: Client, message: p.Report) -> str:
        """The report service's steps (``orders.services``), run from the loop: the body checked,
        the delivery acknowledged (skipped when this socket already acknowledged it), the row
        queued for the group commit; answered once its batch committed. Only the rare database
        check (a delivery Redis no longer knows) runs on a thread."""
        try:
            fields = report_fields(message.body)
            order_id = services.report_order_id(message.order_id)
            did = delivery.delivery_id(order_id, client.trader_id)
            if did not in client.acked:
                [state] = await self.hub.acknowledge(client, [did])
                if not state:
                    await asyncio.to_thread(
                        services.report_delivery_check,
                        order_id=order_id,
                        trader_id=client.trader_id,
                    )
            row = services.report_row(order_id=order_id, trader_id=client.trader_id, **fields)
            future = asyncio.wrap_future(report_batch.writer().submit(row))
            report, created = await asyncio.wait_for(future, report_batch.ANSWER_TIMEOUT_S)
        except Refused as exc:
            return _error(message.ref, exc.refusal, exc.detail, client.lang)
        except (RedisError, DatabaseError, TimeoutError, delivery.DeliveryUnavailable) as exc:
            log.warning("push report refused, store unavailable: %s", type(exc).__name__)
            return _error(message.ref, UNAVAILABLE, None, client.lang)
        if created:
            services.report_logged(report)
        return p.reported_frame(message.ref, 201 if created else 200, report_json(report))


def _error(ref: str, refusal: Any, detail: Any, lang: str) -> str:
    status, body, _h = refused(refusal, detail, lang)
    return p.error_frame(ref, status, json.loads(body))


def _json_response(connection: ServerConnection, status: int, body: dict[str, Any]) -> Response:
    data = json.dumps(body).encode()
    response = connection.respond(HTTPStatus(status), "")
    response.body = data
    response.headers = Headers(
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return response
