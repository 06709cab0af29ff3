"""The Alpha bot's streams (a stream-process job): ONE price stream per token (``<sym>@aggTrade``,
shared by every bot on it) and ONE order stream per hosted web session (``alpha@<listenKey>``,
key re-fetched every 30 min by the connector). Events go to ``trading.alpha.services.ingest``; nothing
polls per trader.

- Which streams: every token and credential of a bot that is not resting (idle / stopped /
  target reached), re-read every ``reload_s``; streams nobody needs any more are closed.
- Pauses: a price-stream gap pauses the token's bots (``stream_disconnected``), an order-stream
  gap the credential's; a move over a bot's own threshold within a minute pauses it
  (``price_swing``); an order stream that delivered nothing for a pair the venue acknowledged
  ``silent_s`` ago is silent (``stream_silent``) and is reconnected; an auth failure expires the
  session (``auth_expired``).
- ``alpha:stream:{credential id}`` in Redis says an order stream is subscribed: workers wait
  for it before placing a pair (a pair whose frames nobody hears is never sent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from asgiref.sync import sync_to_async

from trading.exchanges.binance_alpha.models import AggTrade, AlphaOrderUpdate
from trading.exchanges.errors import AuthError
from trading.exchanges.reconnect import ReconnectPolicy, StreamGap

log = logging.getLogger("fleet.alpha.streams")


@dataclass(frozen=True)
class StreamSettings:
    reload_s: float = 2.0
    silent_s: float = 10.0  # an acknowledged pair without any frame for this long = silent
    price_stall_s: float = 300.0  # no aggTrade at all for this long = a dead price socket
    order_stall_s: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 10.0


@dataclass
class _Stream:
    task: asyncio.Task[None]
    seen: set[str] = field(default_factory=set)  # order ids that had a frame
    last_frame: float = 0.0


class AlphaStreams:
    """The live set of price and order streams and what they feed."""

    def __init__(self, settings: StreamSettings | None = None) -> None:
        self.settings = settings or StreamSettings()
        self.prices: dict[tuple[str, str], _Stream] = {}  # (env, symbol)
        self.orders: dict[int, _Stream] = {}  # credential id
        self.started_at = datetime.now(UTC)
        self.thresholds: dict[tuple[str, str], Decimal] = {}
        self.window: dict[tuple[str, str], deque[tuple[datetime, Decimal]]] = defaultdict(
            lambda: deque(maxlen=2000)
        )

    # --- the desired set -----------------------------------------------------------------
    async def sync(self) -> None:
        from trading.alpha import selectors

        tokens, creds = await sync_to_async(selectors.streams_wanted)()
        self.thresholds = tokens
        for key in set(self.prices) - set(tokens):
            self.prices.pop(key).task.cancel()
        for key in set(tokens) - set(self.prices):
            self.prices[key] = _Stream(asyncio.create_task(self._price_loop(*key)))
        for cid in set(self.orders) - set(creds):
            self.orders.pop(cid).task.cancel()
            await sync_to_async(_stream_flag)(cid, False)
        for cid in set(creds) - set(self.orders):
            self.orders[cid] = _Stream(asyncio.create_task(self._order_loop(cid)))
        for cid, stream in list(self.orders.items()):
            if stream.task.done():  # crashed or auth failure: start again on the next round
                self.orders.pop(cid)
        for key, stream in list(self.prices.items()):
            if stream.task.done():
                self.prices.pop(key)

    async def aclose(self) -> None:
        tasks = [s.task for s in [*self.prices.values(), *self.orders.values()]]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for cid in list(self.orders):
            await sync_to_async(_stream_flag)(cid, False)

    def _policy(self, stall_s: float) -> ReconnectPolicy:
        s = self.settings
        return ReconnectPolicy(base_delay=s.base_delay, max_delay=s.max_delay,
                               stall_timeout=stall_s)  # fmt: skip

    # --- price streams -------------------------------------------------------------------
    async def _price_loop(self, env: str, symbol: str) -> None:
        from trading.alpha.services.venue import public_client

        async with public_client(env) as client:
            events = client.agg_trades([symbol], policy=self._policy(self.settings.price_stall_s))
            async for item in events:
                if isinstance(item, StreamGap):
                    await self._price_gap(env, symbol, item)
                elif isinstance(item, AggTrade):
                    await self._price(env, symbol, item)

    async def _price(self, env: str, symbol: str, trade: AggTrade) -> None:
        from trading.alpha.core import risk
        from trading.alpha.services import prices

        now = datetime.now(UTC)
        window = self.window[(env, symbol)]
        window.append((now, trade.price))
        while window and now - window[0][0] > risk.SWING_WINDOW:
            window.popleft()
        await asyncio.to_thread(prices.remember, env, symbol, trade.price)
        swing = risk.swing_pct(window, now)
        if swing > self.thresholds.get((env, symbol), swing):  # over the lowest threshold
            await sync_to_async(_pause_swing)(env, symbol, swing)

    async def _price_gap(self, env: str, symbol: str, gap: StreamGap) -> None:

        self.window[(env, symbol)].clear()  # prices across a gap say nothing about a minute
        detail = f"{symbol} 行情推送中断 {gap.since:%H:%M:%S}–{gap.until:%H:%M:%S}"
        await sync_to_async(_pause_token)(env, symbol, _gap_reason(gap), detail)

    # --- order streams -------------------------------------------------------------------
    async def _order_loop(self, credential_id: int) -> None:
        from trading.alpha.services import ingest
        from trading.alpha.services.venue import client_for

        cred = await sync_to_async(_credential)(credential_id)
        stream = self.orders[credential_id]
        # One thread per call (not the one shared thread): credentials do not wait on each other;
        # each credential still handles its frames in order (the loop awaits every call).
        handle: Callable[..., Awaitable[None]] = sync_to_async(
            ingest.order_update, thread_sensitive=False
        )
        try:

            async def subscribed() -> None:
                await sync_to_async(_stream_flag)(credential_id, True)
                await sync_to_async(ingest.bots_restarted)(
                    credential_id=credential_id, before=self.started_at
                )

            async with client_for(cred) as client:
                policy = self._policy(self.settings.order_stall_s)
                events = client.order_stream(policy=policy, on_subscribed=subscribed)
                async for item in events:
                    stream.last_frame = time.monotonic()
                    if isinstance(item, StreamGap):
                        await sync_to_async(_pause_credential)(credential_id, item)
                        await sync_to_async(_stream_flag)(credential_id, True)
                    elif isinstance(item, AlphaOrderUpdate):
                        stream.seen.add(item.venue_order_id)
                        await handle(credential_id=credential_id, update=item)
        except AuthError as exc:
            from trading.alpha.services.credentials import credential_expire

            await sync_to_async(_stream_flag)(credential_id, False)
            await sync_to_async(credential_expire)(credential=cred, detail=str(exc))

    async def watchdog(self) -> None:
        """Order streams that missed the frames of an acknowledged pair are silent."""
        from trading.alpha import selectors
        from trading.alpha.core.reasons import PauseReason

        if not self.orders:
            return
        recent = await sync_to_async(selectors.acked_working_legs)(
            list(self.orders), timedelta(seconds=self.settings.silent_s)
        )
        for credential_id, order_id in recent:
            stream = self.orders.get(credential_id)
            if stream is None or order_id in stream.seen:
                continue
            log.warning("alpha order stream of credential %s silent (no frame for %s)",
                        credential_id, order_id)  # fmt: skip
            stream.seen.add(order_id)  # one pause per silent pair
            detail = f"订单 {order_id} 已确认但推送未收到"
            await sync_to_async(_pause_credential_reason)(
                credential_id, PauseReason.STREAM_SILENT, detail
            )
            stream.task.cancel()  # the next sync reconnects it


# --- sync helpers (run in threads) ------------------------------------------------------------
def _credential(credential_id: int):  # type: ignore[no-untyped-def]
    from trading.alpha.models import AlphaCredential

    return AlphaCredential.objects.get(pk=credential_id)


def _stream_flag(credential_id: int, up: bool) -> None:
    from kernel.redis import get_redis

    key = f"alpha:stream:{credential_id}"
    if up:
        get_redis().set(key, "1", ex=3600)
    else:
        get_redis().delete(key)


def _pause_swing(env: str, symbol: str, swing: Decimal) -> None:
    from trading.alpha.core.reasons import PauseReason
    from trading.alpha.models import AlphaBot
    from trading.alpha.services import ingest

    ids = ingest.running_bot_ids()
    over = AlphaBot.objects.filter(pk__in=ids, token__env=env, token__order_symbol=symbol,
                                   swing_pct__lt=swing).values_list("pk", flat=True)  # fmt: skip
    if over:
        detail = f"{symbol} 1 分钟波动 {swing:.2f}%"
        ingest.pause_bots(bot_ids=list(over), reason=PauseReason.PRICE_SWING, detail=detail)


def _pause_token(env: str, symbol: str, reason, detail: str) -> None:  # type: ignore[no-untyped-def]
    from trading.alpha.models import AlphaBot
    from trading.alpha.services import ingest

    ids = ingest.running_bot_ids()
    on_token = AlphaBot.objects.filter(pk__in=ids, token__env=env, token__order_symbol=symbol)
    ingest.pause_bots(bot_ids=list(on_token.values_list("pk", flat=True)), reason=reason,
                      detail=detail)  # fmt: skip


def _pause_credential(credential_id: int, gap: StreamGap) -> None:

    detail = f"订单推送中断 {gap.since:%H:%M:%S}–{gap.until:%H:%M:%S}"
    _pause_credential_reason(credential_id, _gap_reason(gap), detail)


def _gap_reason(gap: StreamGap):  # type: ignore[no-untyped-def]
    """A socket that went quiet (the reconnect loop's stall timer) is "silent"; anything else
    (closed, refused, expired key) is "disconnected"."""
    from trading.alpha.core.reasons import PauseReason

    if "StreamStalled" in gap.reason:
        return PauseReason.STREAM_SILENT
    return PauseReason.STREAM_DISCONNECTED


def _pause_credential_reason(credential_id: int, reason, detail: str) -> None:  # type: ignore[no-untyped-def]
    from trading.alpha.services import ingest

    ids = ingest.running_bot_ids(credential_id=credential_id)
    ingest.pause_bots(bot_ids=ids, reason=reason, detail=detail)


async def run(stop: asyncio.Event, settings: StreamSettings | None = None) -> None:
    """The stream-process job: keep the wanted streams open until ``stop``."""
    streams = AlphaStreams(settings)
    try:
        while not stop.is_set():
            await streams.sync()
            await streams.watchdog()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), streams.settings.reload_s)
    finally:
        await streams.aclose()
