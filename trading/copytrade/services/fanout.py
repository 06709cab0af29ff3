"""The copy-trading fan-out of one chunk: one leader event → each of the chunk's ACTIVE followers'
copy order, exactly once. ``services.copy_fanout_dispatch`` splits the followers into chunks and
enqueues one ``copytrade.fanout_chunk`` task per chunk (never one per follower: a Celery hop
costs ~1.3 ms of CPU here); the task calls :func:`run_chunk`, which composes four parts, each in
its own module:

1. the lease (``fanout_lease``, Redis): two deliveries of one chunk never run at once;
2. the plan (``fanout_plan``, pure): the event and each follower's cached balance (one pipelined
   Redis read) and venue rules in → each copy's amount, or its skip reason, out;
3. recording (``fanout_record``, database): the plan written as ``CopyExecution`` rows in one
   INSERT before anything is sent — rows a crashed or redelivered run already wrote are picked
   up, not duplicated: PENDING → send, SENT → look up first, anything else → left alone — the
   rows to send marked SENT; later the outcomes in batches, refused keys disabled, traded
   balances cached, and ``event.fanout_ms`` when the event's last chunk is done;
4. sending (``fanout_send``): every order at once on the process's venue loop with the cached
   per-credential clients (``venues``), outcomes handed to recording as they arrive.

A fixed number of round trips whatever the chunk's size; re-running a chunk sends nothing twice.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field

from trading.copytrade import notices
from trading.copytrade.choices import ExecutionStatus, FollowerState
from trading.copytrade.core import fanout_plan
from trading.copytrade.models import Follower, LeaderEvent
from trading.copytrade.services import balances, fanout_lease, fanout_record, fanout_send, venues
from trading.copytrade.services.fanout_lease import chunk_key, now_ms
from trading.copytrade.services.fanout_send import Send
from trading.exchanges import loop
from trading.exchanges.base import SpotVenue
from trading.exchanges.types import SymbolRules

log = logging.getLogger("fleet.copytrade.fanout")

SYMBOL = fanout_plan.SYMBOL
SECRET_FIELDS = ("credential__api_key", "credential__api_secret", "credential__passphrase")


class ChunkBusy(Exception):
    """Another live run holds this chunk's lease (the task retries later)."""


@dataclass
class Chunk:
    """One chunk being copied: the event, its followers, the balances the plan used, the sends."""

    event: LeaderEvent
    followers: dict[int, Follower]
    cached: dict[int, balances.CachedBalance]
    sends: list[Send] = field(default_factory=list)


def run_chunk(event_id: int, follower_ids: list[int]) -> None:
    """Copy event ``event_id`` to ``follower_ids`` exactly once (idempotent: re-running it after a
    crash or a redelivery sends nothing twice). Raises :class:`ChunkBusy` if a live run holds it."""
    key = chunk_key(follower_ids)
    started_ms = now_ms()
    if not fanout_lease.lease_take(event_id, key):
        raise ChunkBusy(f"event {event_id} chunk {key} is running elsewhere")
    try:
        chunk = _prepare(event_id, follower_ids)
        prepared_ms = now_ms()
        done_ms = _send_and_record(chunk) if chunk is not None else None
    except BaseException:
        fanout_lease.lease_release(event_id, key)  # a retry may run it at once
        raise
    newest = fanout_lease.chunk_finished(event_id, key, done_ms)
    if newest is not None:
        fanout_record.event_fanout_ms_set(event_id, newest)
    if chunk is not None:
        log.info(
            "fan-out event=%s chunk=%s sends=%d queued_ms=%d prepare_ms=%d acks_ms=%d total_ms=%d",
            event_id,
            key,
            len(chunk.sends),
            started_ms - chunk.event.received_ms,
            prepared_ms - started_ms,
            (done_ms or prepared_ms) - prepared_ms,
            now_ms() - started_ms,
        )


def _prepare(event_id: int, follower_ids: list[int]) -> Chunk | None:
    """Plan, write the rows, mark the ones to send SENT; ``None`` for an unknown event."""
    event = LeaderEvent.objects.filter(pk=event_id).first()
    if event is None:
        log.warning("fan-out of unknown leader event %s", event_id)
        return None
    followers = _followers(follower_ids)
    cached = balances.balances_get(list(followers), fresh_only=False)
    active = [f for f in followers.values() if f.state == FollowerState.ACTIVE]
    clients = venues.clients_for(active)
    rules = venues.symbol_rules_by_group(active, clients)
    plan = fanout_plan.plan_chunk(
        _event_in(event),
        [_follower_in(f, cached.get(f.pk)) for f in active],
        rules,
        balances.STALE_AFTER_S,
    )
    fanout_record.rows_write(event, plan)
    notices.copies_skipped(
        event_id=event.pk,
        leader_order=event.leader_order_id,
        side=event.side,
        skipped=[(followers[p.follower_id].name, p.skip_reason) for p in plan if p.skipped],
    )
    rows = fanout_record.rows_open(event_id, list(followers))
    sends = [
        Send(row, _client(clients, followers[row.follower_id]), row.status == ExecutionStatus.SENT)
        for row in rows
    ]
    fanout_record.rows_mark_sent(rows)
    return Chunk(event, followers, cached, sends)


def _send_and_record(chunk: Chunk) -> int | None:
    """Send the chunk's orders, recording outcomes as they come; the newest acknowledgement."""
    record = functools.partial(
        fanout_record.results_record, chunk.event, chunk.followers, chunk.cached
    )
    return fanout_send.send_all(chunk.sends, record, label=f"of event {chunk.event.pk}")


def _followers(follower_ids: list[int]) -> dict[int, Follower]:
    """The chunk's followers with their credentials, secrets deferred (decrypted only for the
    clients this process has not built yet: ``venues.clients_for``)."""
    qs = Follower.objects.filter(pk__in=follower_ids).select_related("credential")
    return {f.pk: f for f in qs.defer(*SECRET_FIELDS)}


def _client(clients: dict[int, SpotVenue], follower: Follower) -> SpotVenue:
    """The follower's client (a row of a follower no longer ACTIVE still gets one: a SENT row is
    looked up whatever the follower's state now)."""
    return clients.get(follower.pk) or venues.clients_for([follower])[follower.pk]


def _event_in(event: LeaderEvent) -> fanout_plan.EventIn:
    return fanout_plan.EventIn(event.pk, event.side, event.ratio, event.price)


def _follower_in(f: Follower, cached: balances.CachedBalance | None) -> fanout_plan.FollowerIn:
    if cached is None:
        return fanout_plan.FollowerIn(f.pk, f.credential.venue, f.credential.environment)
    return fanout_plan.FollowerIn(
        f.pk, f.credential.venue, f.credential.environment, cached.usdt, cached.btc, cached.age_s
    )


def fanout_warm(follower_ids: list[int] | None = None) -> int:
    """Build the venue clients of ``follower_ids`` (default: every ACTIVE follower) in this
    process, fetch the symbol rules (once per environment) and sync each client's clock, so the
    first event does not pay for it (run by every worker process at start, ``tasks.py``).
    Returns how many clients are ready."""
    qs = Follower.objects.select_related("credential").defer(*SECRET_FIELDS)
    qs = qs.filter(pk__in=follower_ids) if follower_ids is not None else qs.filter(state="ACTIVE")
    followers = list(qs)
    clients = venues.clients_for(followers)
    venues.symbol_rules_by_group(followers, clients)

    async def ready(client: SpotVenue) -> SymbolRules:
        rules = await client.symbol_rules(SYMBOL)  # shared per environment: no request
        await client.warm()  # the venue clock offset
        return rules

    async def warm() -> list[object]:
        return await asyncio.gather(*(ready(c) for c in clients.values()), return_exceptions=True)

    got = loop.run(warm(), timeout=60)
    return sum(1 for g in got if isinstance(g, SymbolRules))
