"""Alpha streams over nbstream (docs/protocols.md §4.1, §4.4): the private ``alpha@<listenKey>``
order stream and the public ``<symbol>@aggTrade`` last-price stream, both through the shared
reconnect loop. The listen key is re-fetched every 30 minutes; a new key means a new
subscription."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import websockets

from trading.exchanges.binance_alpha import constants as c
from trading.exchanges.binance_alpha.mapping import parse_agg_trade, parse_execution_report
from trading.exchanges.binance_alpha.models import AggTrade, AlphaOrderUpdate
from trading.exchanges.binance_web.streams import frames, nbstream_session, subscribe_message
from trading.exchanges.reconnect import HEARTBEAT, ReconnectPolicy, StreamGap, reconnecting

log = logging.getLogger(__name__)


def parse_private(stream: str, data: Mapping[str, Any]) -> object:
    if data.get("e") == c.EV_EXECUTION_REPORT:
        return parse_execution_report(data)
    return HEARTBEAT


def parse_public(stream: str, data: Mapping[str, Any]) -> object:
    if data.get("e") == c.EV_AGG_TRADE:
        return parse_agg_trade(data)
    return HEARTBEAT


def agg_trade_stream_name(symbol: str) -> str:
    """``ALPHA_175USDT`` → ``alpha_175usdt@aggTrade``."""
    return symbol.lower() + c.AGG_TRADE_SUFFIX


class PrivateStream:
    """One listen key at a time; the key is refreshed every ``refresh_s`` seconds."""

    def __init__(
        self,
        url: str,
        get_listen_key: Callable[[], Awaitable[str]],
        *,
        refresh_s: float,
        on_subscribed: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.url = url
        self.get_listen_key = get_listen_key
        self.refresh_s = refresh_s
        self.on_subscribed = on_subscribed

    def events(self, policy: ReconnectPolicy | None) -> AsyncIterator[AlphaOrderUpdate | StreamGap]:
        return reconnecting(self.session, AlphaOrderUpdate, policy=policy)

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncIterator[object]]:
        key = await self.get_listen_key()
        async with websockets.connect(self.url) as ws:
            await ws.send(subscribe_message([c.PRIVATE_STREAM_PREFIX + key], 2))
            refresher = asyncio.create_task(self._refresh(ws, key))
            try:
                yield self._announce_ack(frames(ws, parse_private))
            finally:
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher

    async def _announce_ack(self, items: AsyncIterator[object]) -> AsyncIterator[object]:
        """Pass items through; the first frame (the subscription ack) calls ``on_subscribed``
        — from then on the venue's events for this key reach us."""
        first = True
        async for item in items:
            if first and self.on_subscribed is not None:
                await self.on_subscribed()
            first = False
            yield item

    async def _refresh(self, ws: Any, key: str) -> None:
        while True:
            await asyncio.sleep(self.refresh_s)
            try:
                fresh = await self.get_listen_key()
            except Exception as exc:  # keep the socket; a dead key ends it anyway
                log.warning("alpha listen key refresh failed: %s", exc)
                continue
            if fresh != key:
                await ws.close()  # the reconnect loop subscribes with the new key
                return


def agg_trades(
    url: str, symbols: list[str], policy: ReconnectPolicy | None = None
) -> AsyncIterator[AggTrade | StreamGap]:
    """Public aggTrades of ``symbols`` (last price), reconnecting forever."""
    names = [agg_trade_stream_name(s) for s in symbols]
    return reconnecting(lambda: nbstream_session(url, names, parse_public), AggTrade, policy=policy)
