"""The futures listenKey user stream (docs/protocols.md §3.4): parse ``ORDER_TRADE_UPDATE``,
``ACCOUNT_UPDATE`` and ``ALGO_UPDATE`` frames into typed events; keep the key alive every 30 min;
reconnect through the shared loop (:mod:`trading.exchanges.reconnect`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

import websockets

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures.mapping import dec, flag, status
from trading.exchanges.binance_futures.models import (
    AccountUpdate,
    AlgoUpdate,
    BalanceChange,
    FuturesEvent,
    FuturesOrderUpdate,
    ListenKeyExpired,
    PositionChange,
)
from trading.exchanges.errors import ProtocolError
from trading.exchanges.reconnect import HEARTBEAT, ReconnectPolicy, StreamGap, reconnecting
from trading.exchanges.types import Side, ms_to_datetime

if TYPE_CHECKING:
    from trading.exchanges.binance_futures.client import FuturesClient

log = logging.getLogger(__name__)
EVENT_TYPES = (FuturesOrderUpdate, AccountUpdate, AlgoUpdate, ListenKeyExpired)


def parse_order_update(frame: Mapping[str, Any]) -> FuturesOrderUpdate:
    o = frame["o"]
    cum_base, avg = dec(o.get("z")), dec(o.get("ap"))
    trade_id = str(o.get("t", "0"))
    return FuturesOrderUpdate(
        venue=c.VENUE,
        symbol=str(o["s"]),
        venue_order_id=str(o["i"]),
        client_order_id=str(o.get("c", "")),
        status=status(o.get("X")),
        side=Side(o["S"]) if o.get("S") else None,
        execution_type=str(o.get("x", "")),
        last_qty=dec(o.get("l")),
        last_price=dec(o.get("L")),
        cum_base=cum_base,
        cum_quote=avg * cum_base,
        fee=dec(o.get("n")),
        fee_asset=o.get("N"),
        trade_id=trade_id if trade_id != "0" else None,
        event_time=ms_to_datetime(frame.get("E")),
        raw=frame,
        order_type=str(o.get("o", "")),
        position_side=str(o.get("ps", "BOTH")),
        avg_price=avg,
        realized_pnl=dec(o.get("rp")),
        reduce_only=flag(o.get("R")),
    )


def parse_account_update(frame: Mapping[str, Any]) -> AccountUpdate:
    a = frame["a"]
    balances = tuple(
        BalanceChange(str(b["a"]), dec(b.get("wb")), dec(b.get("cw")), dec(b.get("bc")))
        for b in a.get("B", [])
    )
    positions = tuple(
        PositionChange(
            symbol=str(p["s"]),
            position_side=str(p.get("ps", "BOTH")),
            amount=dec(p.get("pa")),
            entry_price=dec(p.get("ep")),
            break_even_price=dec(p.get("bep")),
            accumulated_realized=dec(p.get("cr")),
            unrealized_pnl=dec(p.get("up")),
            margin_type=str(p.get("mt", "")),
            isolated_wallet=dec(p.get("iw")),
        )
        for p in a.get("P", [])
    )
    return AccountUpdate(
        str(a.get("m", "")), balances, positions, ms_to_datetime(frame.get("E")), frame
    )


def parse_algo_update(frame: Mapping[str, Any]) -> AlgoUpdate:
    o = frame["o"]
    actual = o.get("ai")
    return AlgoUpdate(
        algo_id=str(o["aid"]),
        client_algo_id=str(o.get("caid", "")),
        symbol=str(o["s"]),
        side=Side(o["S"]),
        order_type=str(o.get("o", "")),
        status=c.AlgoStatus(o["X"]),
        trigger_price=dec(o.get("tp")),
        quantity=dec(o.get("q")),
        actual_order_id=str(actual) if actual not in (None, "", 0, "0") else None,
        avg_price=dec(o.get("ap")),
        executed_qty=dec(o.get("aq")),
        close_position=flag(o.get("cp")),
        reduce_only=flag(o.get("R")),
        event_time=ms_to_datetime(frame.get("E")),
        raw=frame,
    )


_PARSERS = {
    c.EV_ORDER_TRADE_UPDATE: parse_order_update,
    c.EV_ACCOUNT_UPDATE: parse_account_update,
    c.EV_ALGO_UPDATE: parse_algo_update,
}


def parse_frame(text: str | bytes) -> FuturesEvent | object:
    """One stream frame → a typed event, or ``HEARTBEAT`` for frames we do not act on."""
    try:
        frame = json.loads(text)
    except ValueError as exc:
        raise ProtocolError(f"bad frame {text[:200]!r}", venue=c.VENUE) from exc
    if not isinstance(frame, Mapping):
        return HEARTBEAT
    kind = frame.get("e")
    if kind == c.EV_LISTEN_KEY_EXPIRED:
        return ListenKeyExpired(ms_to_datetime(frame.get("E")))
    parser = _PARSERS.get(str(kind))
    return parser(frame) if parser else HEARTBEAT


class UserStream:
    """One listen key's connection at a time; the shared loop reconnects with a fresh key."""

    def __init__(self, client: FuturesClient, stream_url: str, *, keepalive_s: float) -> None:
        self.client = client
        self.stream_url = stream_url.rstrip("/")
        self.keepalive_s = keepalive_s

    def events(self, policy: ReconnectPolicy | None) -> AsyncIterator[FuturesEvent | StreamGap]:
        return reconnecting(self.session, EVENT_TYPES, policy=policy)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncIterator[object]]:
        key = await self.client.new_listen_key()
        async with websockets.connect(f"{self.stream_url}/ws/{key}") as ws:
            keepalive = asyncio.create_task(self._keepalive())
            try:
                yield self._items(ws)
            finally:
                keepalive.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keepalive

    async def _items(self, ws: Any) -> AsyncIterator[object]:
        async for text in ws:
            item = parse_frame(text)
            yield item
            if isinstance(item, ListenKeyExpired):
                raise ConnectionError("listen key expired")  # reconnect with a fresh key

    async def _keepalive(self) -> None:
        while True:
            await asyncio.sleep(self.keepalive_s)
            try:
                await self.client.keepalive_listen_key()
            except Exception as exc:  # the stream's own reconnect handles a dead key
                log.warning("futures listen key keepalive failed: %s", exc)
