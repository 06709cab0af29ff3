"""The event-driven half of the follower balance cache for Binance followers (stream process job
``follower_balance_stream``).

Binance counts REST weight per IP: one ``GET /api/v3/account`` costs 20 of the 6000 a minute, so
polling every Binance follower every few seconds would exhaust the IP's budget at ~15 followers
and then stall everything else — the copies included — until the minute rolls over. Instead every
ACTIVE or PAUSED Binance follower is subscribed to its user-data stream, up to 1000 on one
WebSocket-API session per environment (``trading.exchanges.binance_spot.multistream``), and:

- each ``outboundAccountPosition`` writes the changed free balances (compare-and-set on the
  event time, batched, ``balances.balance_events``);
- every ``LIVE_REFRESH_S`` the covered accounts are marked live (``balances.balances_mark_live``):
  a reading taken after the subscription started stays current while the subscription lives, so
  the poller only reads these accounts every few minutes to reconcile (``balance_poller``);
- every ``RESYNC_S`` the follower list is re-read: new followers subscribed, removed or
  re-keyed ones unsubscribed; a refused key is logged and retried at the next resync.

A lost connection is reopened with backoff; meanwhile the marks age out and the poller takes over.
Bitget followers are polled (Bitget limits per account, not per IP).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from asgiref.sync import sync_to_async

from accounts.models import ExchangeCredential
from trading.copytrade.services import balances
from trading.copytrade.streams.balance_poller import LEADER_KEY, ClientCache, accounts_to_poll
from trading.exchanges.binance_spot.multistream import MAX_SUBSCRIPTIONS, MultiStream, StreamEnded
from trading.exchanges.errors import ExchangeError
from trading.exchanges.types import BalanceUpdate

log = logging.getLogger("fleet.copytrade.balance_stream")

LIVE_REFRESH_S = 5.0
RESYNC_S = 10.0
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)

Wanted = dict[int, ExchangeCredential]  # follower id → credential


def binance_followers(
    is_cached: Callable[[ExchangeCredential], bool],
) -> dict[tuple[str, int], Wanted]:
    """ACTIVE and PAUSED Binance followers by (environment, session index): at most
    ``MAX_SUBSCRIPTIONS`` per session, in id order so a follower keeps its session. The poller's
    query (``accounts_to_poll``): secrets are decrypted only for credentials with no client yet."""
    by_env: dict[str, list[tuple[int, ExchangeCredential]]] = {}
    for key, cred in sorted(
        (k, c) for k, c in accounts_to_poll(is_cached) if k != LEADER_KEY and c.venue == "binance"
    ):
        by_env.setdefault(cred.environment, []).append((key, cred))  # type: ignore[arg-type]
    out: dict[tuple[str, int], Wanted] = {}
    for env, followers in by_env.items():
        for i in range(0, len(followers), MAX_SUBSCRIPTIONS):
            out[(env, i // MAX_SUBSCRIPTIONS)] = dict(followers[i : i + MAX_SUBSCRIPTIONS])
    return out


@dataclass
class Group:
    """One session's desired followers (updated by the job at every resync)."""

    wanted: Wanted
    subscribed_ms: dict[int, int] = field(default_factory=dict)
    versions: dict[int, object] = field(default_factory=dict)


async def run(stop: asyncio.Event) -> None:
    """Stream-process job: one session task per (environment, index), until ``stop``."""
    cache = ClientCache()
    load = sync_to_async(binance_followers, thread_sensitive=True)
    groups: dict[tuple[str, int], Group] = {}
    tasks: dict[tuple[str, int], asyncio.Task[None]] = {}
    try:
        while not stop.is_set():
            found = await load(cache.is_cached)
            for name, group in groups.items():
                group.wanted = found.get(name, {})
            for name, wanted in found.items():
                groups.setdefault(name, Group(wanted))
            for name, group in groups.items():
                if name not in tasks or tasks[name].done():
                    tasks[name] = asyncio.create_task(_keep_session(name, group, cache, stop))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESYNC_S)
    finally:
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        await cache.close()


async def _keep_session(
    name: tuple[str, int], group: Group, cache: ClientCache, stop: asyncio.Event
) -> None:
    """Run the group's session, reopening it with backoff until ``stop`` (idle while empty)."""
    failures = 0
    while not stop.is_set():
        if not group.wanted:
            await _sleep(stop, RESYNC_S)
            continue
        try:
            await _session(name, group, cache, stop)
            failures = 0
        except Exception as exc:  # any failure of a session: reopen it
            delay = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
            failures += 1
            log.warning("balance stream %s lost (%r); reconnecting in %.0f s", name, exc, delay)
            await _sleep(stop, delay)
        finally:
            group.subscribed_ms.clear()


async def _session(
    name: tuple[str, int], group: Group, cache: ClientCache, stop: asyncio.Event
) -> None:
    first = next(iter(group.wanted.values()))
    url = cache.get(first).ws_url  # type: ignore[attr-defined]
    async with MultiStream.connect(url, kinds=frozenset({"outboundAccountPosition"})) as ms:
        reader = asyncio.create_task(_read(ms, group))
        try:
            while not stop.is_set() and group.wanted and not reader.done():
                await _sync_subscriptions(ms, group, cache)
                await _mark_live(group)
                await _sleep(stop, LIVE_REFRESH_S, reader)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader  # re-raises what ended the reader (the connection), if anything
    log.info("balance stream %s closed", name)


async def _sync_subscriptions(ms: MultiStream, group: Group, cache: ClientCache) -> None:
    """Subscribe the wanted followers not yet on the session; drop the others."""
    for fid in ms.keys - set(group.wanted):
        await ms.unsubscribe(fid)
        group.subscribed_ms.pop(fid, None)  # type: ignore[call-overload]
    for fid, cred in group.wanted.items():
        version = (cred.updated_at, cred.environment)
        if fid in ms.keys and group.versions.get(fid) == version:
            continue
        if fid in ms.keys:
            await ms.unsubscribe(fid)  # the key was replaced
        try:
            params = await cache.get(cred).ws_subscription_params()  # type: ignore[attr-defined]
            await ms.subscribe(fid, params)
        except ExchangeError as exc:
            log.warning("balance stream of follower %s refused: %s", fid, exc)
            continue
        group.subscribed_ms[fid] = int(time.time() * 1000)
        group.versions[fid] = version


async def _mark_live(group: Group) -> None:
    if group.subscribed_ms:
        await asyncio.to_thread(balances.balances_mark_live, dict(group.subscribed_ms))


async def _read(ms: MultiStream, group: Group) -> None:
    """Write the balance events, batched: the events that arrive while a write is in flight go
    in the next one (a fan-out brings one per Binance follower within milliseconds). A
    subscription the venue ended is no longer marked live and is re-made at the next sync."""
    pending: list[tuple[int | str, dict[str, Decimal], int]] = []
    writer: asyncio.Task[None] | None = None

    async def write() -> None:
        while pending:
            batch = pending[:]
            del pending[:]
            await asyncio.to_thread(balances.balance_events, batch)

    try:
        async for key, item in ms.events():
            if isinstance(item, BalanceUpdate):
                pending.append(_reading(key, item))
                if writer is None or writer.done():
                    writer = asyncio.create_task(write())
            elif isinstance(item, StreamEnded):
                group.subscribed_ms.pop(key, None)  # type: ignore[call-overload]
                log.warning("balance stream of follower %s ended by the venue", key)
    finally:
        if writer is not None:
            await asyncio.shield(writer)


def _reading(key: Hashable, update: BalanceUpdate) -> tuple[int | str, dict[str, Decimal], int]:
    changed = {b.asset: b.free for b in update.balances}
    at = update.event_time
    at_ms = int(at.timestamp() * 1000) if at else int(time.time() * 1000)
    return key, changed, at_ms  # type: ignore[return-value]


async def _sleep(
    stop: asyncio.Event, seconds: float, reader: asyncio.Task[None] | None = None
) -> None:
    """Sleep ``seconds``, or less if ``stop`` is set or ``reader`` ends."""
    waits = [asyncio.ensure_future(stop.wait())]
    if reader is not None:
        waits.append(reader)  # type: ignore[arg-type]
    await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    waits[0].cancel()
