"""Bitget private WebSocket ``/v2/ws/private``: login, ``orders`` / ``account`` channels, ping.

Login signs ``timestamp(seconds) + "GET" + "/user/verify"``. Pushes are
``{"action":"snapshot","arg":{...},"data":[item],"ts":ms}``; the text ``ping`` gets ``pong``.
``/v2/ws/public`` only answers ping (market data comes from the Binance streams).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from exchange_sim.bitget import views
from exchange_sim.bitget.auth import verify_ws_login
from exchange_sim.bitget.state import BitgetAccount, BitgetError, BitgetVenue
from exchange_sim.events import Sink
from exchange_sim.wsutil import pump

CHANNELS = ("orders", "account")


def _dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"))


class PrivateSession:
    """One private connection: its login and subscribed channel args."""

    def __init__(self, venue: BitgetVenue, ws: WebSocket) -> None:
        self.venue, self.ws = venue, ws
        self.account: BitgetAccount | None = None
        self.args: dict[str, dict[str, Any]] = {}  # channel -> arg
        self.sink: Sink | None = None
        self.task: asyncio.Task[None] | None = None

    async def on_text(self, raw: str) -> None:
        if raw == "ping":
            await self.ws.send_text("pong")
            return
        try:
            frame = json.loads(raw)
            op, args = frame["op"], list(frame.get("args") or [])
        except (ValueError, KeyError, TypeError):
            await self.error("30001", f"Invalid request: {raw[:100]}")
            return
        if op == "login":
            await self.login(args[0] if args else {})
        elif op in ("subscribe", "unsubscribe"):
            for arg in args:
                await self.subscribe(arg, op)
        else:
            await self.error("30001", f"Invalid op {op}")

    async def error(self, code: str, msg: str, arg: Any = None) -> None:
        payload: dict[str, Any] = {"event": "error", "code": code, "msg": msg}
        if arg is not None:
            payload["arg"] = arg
        await self.ws.send_text(_dumps(payload))

    async def login(self, args: dict[str, Any]) -> None:
        try:
            account = verify_ws_login(self.venue, args)
        except BitgetError as exc:
            await self.error(exc.code, exc.msg)
            return
        self.account = account
        await self.ws.send_text(_dumps({"event": "login", "code": "0", "msg": ""}))
        self.sink = Sink()
        self.venue.hub.add(account.api_key, self.sink)
        faults = self.venue.world.faults
        self.task = asyncio.create_task(
            pump(self.ws, self.sink, account.api_key, faults, self.wrap)
        )

    async def subscribe(self, arg: Any, op: str) -> None:
        channel = arg.get("channel") if isinstance(arg, dict) else None
        if channel not in CHANNELS:
            await self.error("30016", "Param error", arg)
            return
        if self.account is None:
            await self.error("30004", "User not logged in", arg)
            return
        if op == "subscribe":
            self.args[channel] = arg
        else:
            self.args.pop(channel, None)
        await self.ws.send_text(_dumps({"event": op, "arg": arg}))
        if op == "subscribe" and channel == "account":
            coins = list(self.account.balances)
            rows = [views.asset(self.account, c) for c in coins if _coin_ok(arg, c)]
            await self.ws.send_text(_dumps(self.frame(arg, rows)))

    def frame(self, arg: dict[str, Any], rows: list[Any]) -> dict[str, Any]:
        return {"action": "snapshot", "arg": arg, "data": rows, "ts": self.venue.world.clock_ms()}

    def wrap(self, item: Any) -> Any:
        channel, data = item
        arg = self.args.get(channel)
        if arg is None:
            return None
        if channel == "orders" and arg.get("instId", "default") not in ("default", data["instId"]):
            return None
        if channel == "account" and not _coin_ok(arg, data["coin"]):
            return None
        return self.frame(arg, [data])

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.account is not None and self.sink is not None:
            self.venue.hub.remove(self.account.api_key, self.sink)


def _coin_ok(arg: dict[str, Any], coin: str) -> bool:
    return arg.get("coin", "default") in ("default", coin)


async def _run(ws: WebSocket, on_text: Any) -> None:
    try:
        while True:
            await on_text(await ws.receive_text())
    except (WebSocketDisconnect, RuntimeError):
        pass


def routes(venue: BitgetVenue) -> list[BaseRoute]:
    async def private(ws: WebSocket) -> None:
        await ws.accept()
        session = PrivateSession(venue, ws)
        try:
            await _run(ws, session.on_text)
        finally:
            session.close()

    async def public(ws: WebSocket) -> None:
        await ws.accept()

        async def on_text(raw: str) -> None:
            if raw == "ping":
                await ws.send_text("pong")

        await _run(ws, on_text)

    return [WebSocketRoute("/v2/ws/private", private), WebSocketRoute("/v2/ws/public", public)]
