"""The leader watcher (a stream-process job): the active leader's user-data stream over the Binance
WebSocket API → completed market orders with their F/B → ``services.leader_event_record``.

- **Events.** executionReport / outboundAccountPosition feed :class:`LeaderTracker`, which yields
  each completed MARKET order with the leader's free balance before it (see ``leader_events``).
- **Reconnects.** The one reconnect loop (``trading.exchanges.reconnect``) with backoff; a socket
  without any frame (not even the reply to our WS-API ``ping``) for ``stall_timeout_s`` is dead.
- **Silent stalls.** Pings can flow while events do not. Every ``probe_interval_s`` we read the
  account over REST: if its ``updateTime`` is newer than the newest event the stream delivered,
  and older than ``stall_grace_s``, the stream is stalled → re-subscribe. A completed order left
  without any balance trips the same flag. A failed DB write is retried every ``retry_s`` (the
  stream is not at fault, and REST weight must not be spent on it).
- **Catch-up.** Every session, the first and each after a gap, reconciles over REST *after* it is
  subscribed and before its events are read (they wait in the socket): balances, ``myTrades`` and
  ``allOrders`` since the newest handled order (minus a margin); the market orders among them are
  recorded with F/B rewound from the REST balances. Fills newer than that balance read are left
  to the stream, which is already subscribed. The unique leader order id makes every replay —
  REST overlap, reconnect, duplicated frame — a harmless no-op.
- **Start / stop.** Orders are always recorded; ``leader_event_record`` dispatches only while the
  copy is running (``not_copied_reason="stopped"`` otherwise) — the connection stays up.
- **State** for the status API: ``controls.leader_connection_report`` (connecting / connected /
  disconnected / stalled), on every change and every ``report_interval_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection

from trading.copytrade.core.leader_events import (
    SOURCE_REST,
    SYMBOL,
    LeaderTracker,
    Resolved,
    orders_from_fills,
    recover,
)
from trading.copytrade.models import Leader
from trading.copytrade.services import controls
from trading.copytrade.services import followers as services
from trading.exchanges.binance_spot.client import BinanceSpotClient
from trading.exchanges.errors import AuthError
from trading.exchanges.reconnect import Expectations, ReconnectPolicy, StreamGap, reconnecting
from trading.exchanges.types import BalanceUpdate, History, OrderUpdate

log = logging.getLogger("fleet.copytrade.watcher")
REST_LIMIT = 1000
MAX_PAGES = 10


@dataclass(frozen=True)
class WatcherSettings:
    """Timings of the leader watcher (seconds)."""

    heartbeat_s: float = 10.0  # WS-API ping when the socket is quiet
    stall_timeout_s: float = 30.0  # no frame at all, not even a pong → reconnect
    probe_interval_s: float = 5.0  # REST account probe for silent stalls
    stall_grace_s: float = 3.0  # an account change this old without its event = stalled
    position_wait_s: float = 1.0  # how long a completed order waits for its account position
    lookback_s: float = 120.0  # first reconcile of a leader with no handled order
    max_lookback_s: float = 6 * 3600.0  # never reconcile further back than this
    margin_s: float = 60.0  # reconcile overlap before the newest handled order
    report_interval_s: float = 10.0  # connection-state heartbeat (readers expire it at 60 s)
    reload_s: float = 5.0  # how often the active leader is re-read (replaced / keys edited)
    retry_s: float = 1.0  # how often a failed DB write of a leader event is retried
    base_delay: float = 0.5
    max_delay: float = 30.0
    tick_s: float = 0.1

    def policy(self) -> ReconnectPolicy:
        return ReconnectPolicy(
            base_delay=self.base_delay,
            max_delay=self.max_delay,
            stall_timeout=self.stall_timeout_s,
            check_interval=min(0.25, self.tick_s * 2),
        )


class StallFlag(Expectations):
    """The reconnect loop's stall hook: tripped (with a reason) by the REST probe or by anything
    that needs a fresh session + reconcile; cleared when a session starts or fails."""

    def __init__(self) -> None:
        super().__init__()
        self.reason = ""

    def trip(self, reason: str) -> None:
        if not self.reason:
            log.warning("leader stream: resync needed (%s)", reason)
        self.reason = reason

    def overdue(self) -> bool:
        return bool(self.reason)

    def clear(self) -> None:
        super().clear()
        self.reason = ""


# --- the Django side, run in the one DB thread ---------------------------------------------------
@dataclass(frozen=True)
class LeaderAccess:
    """What the watcher needs of the active leader, read once (secrets decrypted in the DB thread)."""

    leader: Leader
    api_key: str
    api_secret: str
    environment: str
    version: tuple[Any, ...]


def _leader_access() -> LeaderAccess | None:
    leader = Leader.objects.select_related("credential").filter(is_active=True).first()
    if leader is None:
        return None
    cred = leader.credential
    version = (leader.pk, cred.pk, cred.updated_at, cred.environment)
    return LeaderAccess(leader, cred.api_key, cred.api_secret, cred.environment, version)


def _leader_version() -> tuple[Any, ...] | None:
    access = _leader_access()
    return access.version if access else None


def _record(leader: Leader, resolved: Resolved, balance_before: Decimal, source: str) -> bool:
    """Record the event (once) and advance the leader's reconcile mark; retries once on a dropped
    DB connection. True when the event is new."""
    for attempt in (1, 2):
        try:
            event = services.leader_event_record(
                leader=leader,
                order=resolved.order,
                balance_before=balance_before,
                balance_source=source,
                received_ms=int(resolved.received_at * 1000) or None,
            )
            at = resolved.order.event_time
            if at is not None and (
                leader.last_seen_order_time is None or at > leader.last_seen_order_time
            ):
                services.leader_mark_seen(leader=leader, at=at)
            return event is not None
        except DatabaseError:
            if attempt == 2 or connection.in_atomic_block:
                raise
            connection.close()  # a stale connection (server restart, wait_timeout): reopen once
    return False


db_leader_access = sync_to_async(_leader_access, thread_sensitive=True)
db_leader_version = sync_to_async(_leader_version, thread_sensitive=True)
db_record = sync_to_async(_record, thread_sensitive=True)


def report_state(state: str, detail: str = "") -> None:
    """Publish the leader connection state for the status API (never fails the watcher)."""
    try:
        controls.leader_connection_report(state=state, detail=detail)
    except Exception:
        log.exception("could not report leader connection state")


# --- the watcher ---------------------------------------------------------------------------------
class LeaderWatcher:
    """Watches one leader account until told to stop (see the module docstring)."""

    def __init__(
        self,
        leader: Leader,
        client: BinanceSpotClient,
        settings: WatcherSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.leader = leader
        self.client = client
        self.settings = settings or WatcherSettings()
        self.clock = clock
        self.tracker = LeaderTracker(position_wait_s=self.settings.position_wait_s)
        self.stall = StallFlag()
        self.last_event_ms = 0  # venue time of the newest thing the stream (or REST) showed us
        self.connected = False
        self.recorded: dict[str, None] = {}  # order ids handled here (insertion-ordered, bounded)
        self.unrecorded: dict[str, Resolved] = {}  # DB write failed: retried by the tick loop
        self.reconciles = 0
        self.state = self.detail = ""

    @classmethod
    def for_access(
        cls, access: LeaderAccess, settings: WatcherSettings | None = None
    ) -> LeaderWatcher:
        settings = settings or WatcherSettings()
        client = BinanceSpotClient(
            access.api_key,
            access.api_secret,
            env=access.environment,
            timeout=5.0,
            stream_policy=settings.policy(),
            heartbeat_s=settings.heartbeat_s,
        )
        return cls(access.leader, client, settings)

    async def run(self, done: asyncio.Event) -> None:
        """Stream and tick until ``done`` (stop, or the leader was replaced)."""
        tasks = [
            asyncio.create_task(self._consume(), name="leader-stream"),
            asyncio.create_task(self._tick(), name="leader-tick"),
        ]
        waiter = asyncio.create_task(done.wait())
        try:
            finished, _ = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                failure = None if task is waiter else task.exception()
                if failure is not None:
                    raise failure
        except AuthError as exc:
            log.error("leader key refused (%s); waiting for the leader to be replaced", exc)
            self._report("disconnected", f"auth: {exc}")
            await done.wait()
        finally:
            for task in [*tasks, waiter]:
                task.cancel()
            await asyncio.gather(*tasks, waiter, return_exceptions=True)
            await self.client.close()
            self._report("disconnected", "stopped")

    # -- stream ------------------------------------------------------------------------------
    async def _consume(self) -> None:
        items = reconnecting(
            self._open_session,
            (OrderUpdate, BalanceUpdate),
            policy=self.client.stream_policy,
            expectations=self.stall,
        )
        async for item in items:
            if isinstance(item, StreamGap):
                log.info("leader stream back after %s (%s)", item.until - item.since, item.reason)
            elif isinstance(item, OrderUpdate):
                self._saw(item.event_time, item.raw)
                self.tracker.on_order(item, self.clock())
            elif isinstance(item, BalanceUpdate):
                self._saw(item.event_time, item.raw)
                for resolved in self.tracker.on_balance(item):
                    await self.record(resolved)

    @asynccontextmanager
    async def _open_session(self) -> AsyncIterator[AsyncIterator[object]]:
        """Subscribe, then reconcile over REST before reading: nothing falls in between."""
        self._report("connecting")
        async with self.client.user_session() as items:
            self.stall.clear()  # a trip during the catch-up below must survive it
            await self.reconcile()
            self.connected = True
            self._report("connected")
            try:
                yield items
            finally:
                self.connected = False
                if self.stall.reason:
                    self._report("stalled", self.stall.reason)
                else:
                    self._report("disconnected", "reconnecting")

    def _saw(self, at: datetime | None, raw: Any) -> None:
        stamps = [int(at.timestamp() * 1000)] if at else []
        if isinstance(raw.get("u"), int):  # outboundAccountPosition: the account's update time
            stamps.append(raw["u"])
        self.last_event_ms = max([self.last_event_ms, *stamps])

    # -- recording ---------------------------------------------------------------------------
    async def record(self, resolved: Resolved) -> None:
        """Record one completed leader market order (no-op if already handled here)."""
        order = resolved.order
        if order.order_id in self.recorded:
            return
        if resolved.balance_before is None:
            self.stall.trip(f"no balance for leader order {order.order_id}")
            return  # the reconcile after the resync rewinds it from REST
        try:
            await db_record(self.leader, resolved, resolved.balance_before, resolved.source)
        except Exception:  # DB down, or the hand-off after commit failed: never kill the stream
            log.exception("recording leader order %s failed; will retry", order.order_id)
            self.unrecorded[order.order_id] = resolved  # a retry after commit is a no-op
            return
        self.unrecorded.pop(order.order_id, None)
        self.recorded[order.order_id] = None
        while len(self.recorded) > 10_000:
            del self.recorded[next(iter(self.recorded))]

    # -- REST catch-up -----------------------------------------------------------------------
    def _reconcile_from_ms(self) -> int:
        now = self.clock()
        seen = self.leader.last_seen_order_time
        start = (
            seen.timestamp() - self.settings.margin_s if seen else now - self.settings.lookback_s
        )
        return int(max(start, now - self.settings.max_lookback_s) * 1000)

    async def reconcile(self) -> None:
        """Catch up over REST: record every leader market order since the last handled one."""
        account = await self.client.account_snapshot()
        start = self._reconcile_from_ms()
        pages = {"limit": REST_LIMIT, "max_pages": MAX_PAGES}
        fills = _whole(await self.client.fills_since(SYMBOL, start, **pages), "myTrades")
        orders = _whole(await self.client.orders_since(SYMBOL, start, **pages), "allOrders")
        updated_ms = account.updated_ms
        if updated_ms:  # fills after the balance read are the stream's (already subscribed)
            fills = [f for f in fills if f.time is None or f.time.timestamp() * 1000 <= updated_ms]
        free = {asset: bal.free for asset, bal in account.balances.items()}
        self.tracker.book.reset(free)
        self.last_event_ms = max(self.last_event_ms, updated_ms)
        self.reconciles += 1
        found = orders_from_fills(fills, orders)
        now = self.clock()
        for order, before in recover(self.tracker.book.free, found):
            await self.record(Resolved(order, before, SOURCE_REST, now))

    # -- timers ------------------------------------------------------------------------------
    async def _tick(self) -> None:
        """Expire orders whose position never came, probe for silent stalls, heartbeat the state."""
        next_probe = self.clock() + self.settings.probe_interval_s
        next_report = next_retry = 0.0
        while True:
            await asyncio.sleep(self.settings.tick_s)
            now = self.clock()
            for resolved in self.tracker.expire(now):
                await self.record(resolved)
            if self.unrecorded and now >= next_retry:
                next_retry = now + self.settings.retry_s
                for resolved in list(self.unrecorded.values()):
                    await self.record(resolved)
            if self.connected and now >= next_probe:
                next_probe = now + self.settings.probe_interval_s
                await self._probe()
            if now >= next_report:
                next_report = now + self.settings.report_interval_s
                self._heartbeat()

    async def _probe(self) -> None:
        """REST account read: changed (long enough ago) with no event from the stream → stall."""
        try:
            account = await self.client.account_snapshot()
        except Exception as exc:  # the probe is advisory: a REST hiccup is not a stream problem
            log.warning("leader account probe failed: %s", exc)
            return
        updated_ms = account.updated_ms
        age_ms = self.client.venue_now_ms() - updated_ms
        if updated_ms > self.last_event_ms and age_ms > self.settings.stall_grace_s * 1000:
            self.stall.trip(f"account updated at {updated_ms}, newest event {self.last_event_ms}")
            self._report("stalled", self.stall.reason)

    def _report(self, state: str, detail: str = "") -> None:
        if (state, detail) != (self.state, self.detail):
            self.state, self.detail = state, detail
            report_state(state, detail)

    def _heartbeat(self) -> None:
        """Re-send the current state so readers can tell a live stream process from a dead one."""
        report_state(self.state or "connecting", self.detail)


def _whole[T](history: History[T], name: str) -> list[T]:
    """The rows of a catch-up read, with a warning when the page budget cut it short."""
    if not history.complete:
        log.warning(
            "leader catch-up: more than %d rows of %s; F/B may be off", len(history.rows), name
        )
    return history.rows


# --- the stream-process job ----------------------------------------------------------------------
# a sleep that ``event`` cuts short: the timeout is its length, not a deadline for the caller
async def _wait(event: asyncio.Event, timeout: float) -> None:  # noqa: ASYNC109
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)


async def _until_replaced(
    version: tuple[Any, ...], stop: asyncio.Event, done: asyncio.Event, every: float
) -> None:
    try:
        while not stop.is_set():
            await _wait(stop, every)
            try:
                current = await db_leader_version()
            except DatabaseError as exc:  # a DB blip must not restart a healthy stream
                log.warning("could not re-read the leader: %s", exc)
                continue
            if not stop.is_set() and current != version:
                log.info("leader replaced or edited; restarting the watcher")
                break
    finally:
        done.set()


async def run(stop: asyncio.Event, settings: WatcherSettings | None = None) -> None:
    """Watch the active leader until ``stop``; follow a replaced leader or edited keys."""
    settings = settings or WatcherSettings()
    while not stop.is_set():
        access = await db_leader_access()
        if access is None:
            report_state("disconnected", "no leader configured")
            await _wait(stop, settings.reload_s)
            continue
        done = asyncio.Event()
        follow = asyncio.create_task(_until_replaced(access.version, stop, done, settings.reload_s))
        try:
            await LeaderWatcher.for_access(access, settings).run(done)
        finally:
            follow.cancel()
            await asyncio.gather(follow, return_exceptions=True)
