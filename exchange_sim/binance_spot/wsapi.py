"""Binance WebSocket API at ``/ws-api/v3``: user-data subscriptions with HMAC, ping, time.

Requests ``{"id", "method", "params"}`` get ``{"id", "status", "result"|"error", "rateLimits"}``.
``userDataStream.subscribe.signature`` (HMAC over the sorted params, ``apiKey`` included) starts a
subscription; its events arrive as ``{"subscriptionId": N, "event": {...}}``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.binance_spot.auth import check_timestamp, verify_ws
from exchange_sim.binance_spot.state import BinanceError, SpotAccount, SpotVenue
from exchange_sim.binance_spot.validate import mandatory
from exchange_sim.events import Sink
from exchange_sim.wsutil import pump


class Session:
    """One WS-API connection: its subscriptions (id → account, sink, pump task)."""

    def __init__(self, venue: SpotVenue, ws: WebSocket) -> None:
        self.venue = venue
        self.ws = ws
        self.next_sub = 0
        self.subs: dict[int, tuple[SpotAccount, Sink, asyncio.Task[None]]] = {}
        self.weight = 0
        self.logged_on: SpotAccount | None = None
        self.logon_time = 0
        self.connected = venue.world.clock_ms()

    def rate_limits(self) -> list[dict[str, Any]]:
        return [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": 6000,
                "count": self.weight,
            }
        ]

    async def handle(self, frame: dict[str, Any]) -> dict[str, Any]:
        method = frame.get("method")
        params = frame.get("params") or {}
        self.weight += 2
        handler = METHODS.get(str(method))
        if handler is None or not isinstance(params, dict):
            raise BinanceError(-1100, f"Unknown method '{method}'.")
        return await handler(self, params)

    def _signed_account(self, params: dict[str, Any]) -> SpotAccount:
        api_key = params.get("apiKey")
        if not isinstance(api_key, str) or not api_key:
            raise mandatory("apiKey")
        account = self.venue.by_key.get(api_key)
        if account is None or self.venue.world.faults.take("reject_auth", api_key):
            raise BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
        check_timestamp(self.venue, {k: str(v) for k, v in params.items()})
        verify_ws(account, params)
        return account

    def _subscribe_account(self, account: SpotAccount) -> Any:
        if any(acc is account for acc, _, _ in self.subs.values()):
            raise BinanceError(-2035, "User Data Stream subscription already active.")
        return {"subscriptionId": self._start(account)}

    async def subscribe(self, params: dict[str, Any]) -> Any:
        return self._subscribe_account(self._signed_account(params))

    async def logon(self, params: dict[str, Any]) -> Any:
        """``session.logon``: Ed25519 keys only (as on Binance); later requests use the key."""
        account = self._signed_account(params)
        if account.ed25519_key is None:
            raise BinanceError(-4056, "HMAC_SHA256 API key is not supported.")
        self.logged_on = account
        self.logon_time = self.venue.world.clock_ms()
        return await self.status({})

    async def status(self, params: dict[str, Any]) -> Any:
        account = self.logged_on
        return {
            "apiKey": account.api_key if account else None,
            "authorizedSince": self.logon_time if account else None,
            "connectedSince": self.connected,
            "returnRateLimits": True,
            "serverTime": self.venue.world.clock_ms(),
            "userDataStream": bool(self.subs),
        }

    async def logout(self, params: dict[str, Any]) -> Any:
        self.logged_on = None
        return await self.status({})

    async def subscribe_logged_on(self, params: dict[str, Any]) -> Any:
        if self.logged_on is None:
            raise BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
        return self._subscribe_account(self.logged_on)

    def _start(self, account: SpotAccount) -> int:
        sub_id = self.next_sub
        self.next_sub += 1
        sink = Sink()
        self.venue.user_hub.add(account.api_key, sink)
        now = self.venue.world.clock_ms

        def wrap(event: Any) -> Any:
            return {"subscriptionId": sub_id, "event": event}

        def expired() -> Any:
            return wrap({"e": "eventStreamTerminated", "E": now()})

        coro = pump(self.ws, sink, account.api_key, self.venue.world.faults, wrap, expired)
        self.subs[sub_id] = (account, sink, asyncio.create_task(coro))
        return sub_id

    async def unsubscribe(self, params: dict[str, Any]) -> Any:
        wanted = params.get("subscriptionId")
        if wanted is None:
            ids = list(self.subs)
        elif wanted in self.subs:
            ids = [wanted]
        else:
            raise BinanceError(-2036, "User Data Stream subscription not active.")
        for sub_id in ids:
            self.stop(sub_id)
        return {}

    def stop(self, sub_id: int) -> None:
        account, sink, task = self.subs.pop(sub_id)
        self.venue.user_hub.remove(account.api_key, sink)
        task.cancel()

    async def subscriptions(self, params: dict[str, Any]) -> Any:
        return [{"subscriptionId": sub_id} for sub_id in self.subs]

    async def ping(self, params: dict[str, Any]) -> Any:
        return {}

    async def time(self, params: dict[str, Any]) -> Any:
        return {"serverTime": self.venue.world.clock_ms()}


METHODS = {
    "userDataStream.subscribe.signature": Session.subscribe,
    "userDataStream.subscribe": Session.subscribe_logged_on,
    "session.logon": Session.logon,
    "session.status": Session.status,
    "session.logout": Session.logout,
    "userDataStream.unsubscribe": Session.unsubscribe,
    "session.subscriptions": Session.subscriptions,
    "ping": Session.ping,
    "time": Session.time,
}


async def _reply(session: Session, raw: str) -> dict[str, Any]:
    try:
        frame = json.loads(raw)
    except json.JSONDecodeError:
        frame = None
    if not isinstance(frame, dict):
        error = {"code": -1000, "msg": "Malformed request."}
        return {"id": None, "status": 400, "error": error, "rateLimits": session.rate_limits()}
    try:
        result = await session.handle(frame)
    except BinanceError as exc:
        error = {"code": exc.code, "msg": exc.msg}
        return {
            "id": frame.get("id"),
            "status": exc.status,
            "error": error,
            "rateLimits": session.rate_limits(),
        }
    return {
        "id": frame.get("id"),
        "status": 200,
        "result": result,
        "rateLimits": session.rate_limits(),
    }


async def serve(venue: SpotVenue, ws: WebSocket) -> None:
    await ws.accept()
    session = Session(venue, ws)
    try:
        while True:
            raw = await ws.receive_text()
            reply = await _reply(session, raw)
            await ws.send_text(json.dumps(reply, separators=(",", ":")))
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        for sub_id in list(session.subs):
            session.stop(sub_id)
