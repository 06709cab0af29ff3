"""The connected clients of one push process and the delivery rounds that feed them.

A round runs the pull's own claim (the Lua functions ``deliver`` of ``orders/delivery.py`` and the
session lookup of ``accounts/session_cache.py``) for every connected session, a chunk of sessions
per ``EVALSHA``: the same atomic step, the same delivery ids, the same per-session lease as the
pull — so a push and a pull never both hand one order to a trader's two clients, and a client that
falls back from the socket to the pull gets exactly the orders it has not acknowledged.

What starts a round: a new order (``PUBLISH`` on ``fleet:eo:new`` by ``delivery.publish``, through
Redis pub/sub, so every push process on every machine hears it), a client connecting, and a sweep
every :data:`SWEEP_S` (re-sends a delivery still unacknowledged after :data:`RESEND_S`, keeps its
lease, notices a session that ended, and heals a pub/sub message lost while Redis was away).
Rounds are coalesced: a burst of orders costs one round, not one per order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from accounts.session_cache import (
    SESSION_LUA,
    SESSION_PREFIX,
    TRADER_PREFIX,
    session_check,
    session_info_from_row,
)
from kernel.refusals import Refused
from orders import delivery
from orders.delivery import _ACK, _DELIVER_LUA, _KEYS, NEW_ORDERS_CHANNEL  # the pull's own Lua
from orders.push.protocol import close_code, error_frame, orders_frame

log = logging.getLogger("fleet.orders.push")

SWEEP_S = 5.0
RESEND_S = 10.0  # an unacknowledged delivery is sent again on the same socket after this
CHUNK = 250  # sessions per EVALSHA: keeps Redis free for the pulls between chunks
PUBSUB_RETRY_S = (0.2, 0.5, 1.0, 2.0, 5.0)
MAX_ACKED = 5000
MAX_SENT = 1000  # unacknowledged deliveries remembered per socket before old ones are dropped

# ARGV as every delivery script (1–11, no acknowledgements), then 12 session prefix, 13 trader
# prefix, 14… session token hashes. → false (state not ready) or, per session: 0 (not cached),
# 1 (nothing to deliver), {'refused', row…} or {amount, fragment, …}. Kept small: a sweep over
# 1,000 idle sessions returns 1,000 integers, not 1,000 session rows.
_PUSH = (
    SESSION_LUA
    + _DELIVER_LUA
    + """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local now, out = tonumber(ARGV[2]), {}
for i = 14, #ARGV do
  local row = session_row(ARGV[12] .. ARGV[i], ARGV[13])
  if not row then
    out[#out + 1] = 0
  elseif session_refused(row, now) then
    local reply = session_reply(row)
    table.insert(reply, 1, 'refused')
    out[#out + 1] = reply
  else
    local due = deliver(row.trader_id, ARGV[2], ARGV[i])
    if #due == 0 then
      out[#out + 1] = 1
    else
      table.insert(due, 1, row.amount)
      out[#out + 1] = due
    end
  end
end
return out
"""
)


@dataclass(eq=False)
class Client:
    """One socket of one client session (a session may briefly hold two while reconnecting)."""

    send: Any  # async (text) -> None
    close: Any  # async (code, reason) -> None
    token: str
    thash: str
    trader_id: int
    lang: str
    sent: dict[str, float] = field(default_factory=dict)  # delivery id → when last sent
    acked: set[str] = field(default_factory=set)  # delivery ids acknowledged (a report skips it)
    orders_sent: int = 0


def delivery_id_of(fragment: str) -> str:
    """The delivery id a fragment ends with (``…,"delivery_id":"1041-7"``)."""
    return fragment[fragment.rindex('"delivery_id":"') + 15 : -1]


class Hub:
    """Every connected client of this process, by session; the rounds and the pub/sub feed."""

    def __init__(self, redis: aioredis.Redis, *, resend_s: float = RESEND_S) -> None:
        self.redis = redis
        self.resend_s = resend_s
        self.sessions: dict[str, set[Client]] = {}
        self.pubsub_ok = False
        self.rounds = 0
        self.last_round_ms = self.max_round_ms = 0.0  # a round: every session's script + sends
        self._wanted = asyncio.Event()
        self._push = redis.register_script(_PUSH)
        self._ack = redis.register_script(_ACK)
        self._tasks: set[asyncio.Task] = set()
        self._ack_queue: list[tuple[int, list[str], asyncio.Future[Any]]] = []

    # --- clients ------------------------------------------------------------------------------
    @property
    def connections(self) -> int:
        return sum(len(s) for s in self.sessions.values())

    async def join(self, client: Client) -> None:
        """Register a socket and hand it what its session has not acknowledged, at once."""
        self.sessions.setdefault(client.thash, set()).add(client)
        await self.deliver([client.thash])

    def leave(self, client: Client) -> None:
        clients = self.sessions.get(client.thash)
        if clients is not None:
            clients.discard(client)
            if not clients:
                del self.sessions[client.thash]

    # --- rounds -------------------------------------------------------------------------------
    def wake(self) -> None:
        """Ask for a round over every session (coalesced with one already asked for)."""
        self._wanted.set()

    async def run_rounds(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            started = time.perf_counter()
            try:
                await self.deliver(list(self.sessions))
            except (RedisError, OSError) as exc:
                log.warning("delivery round failed (%s): retried by the next sweep", exc)
            self.last_round_ms = round((time.perf_counter() - started) * 1000, 1)
            self.max_round_ms = max(self.max_round_ms, self.last_round_ms)
            self.rounds += 1

    async def run_sweeps(self, every_s: float = SWEEP_S) -> None:
        while True:
            await asyncio.sleep(every_s)
            self.wake()

    async def deliver(self, thashes: list[str]) -> None:
        """One delivery round over these sessions (chunks of :data:`CHUNK` per script)."""
        now = time.time()
        for start in range(0, len(thashes), CHUNK):
            chunk = thashes[start : start + CHUNK]
            results = await self._run_push(chunk, now)
            for thash, result in zip(chunk, results, strict=True):
                await self._handle(thash, result, now)

    async def _run_push(self, chunk: list[str], now: float) -> list[Any]:
        args = [*delivery._args("", now, "", []), SESSION_PREFIX, TRADER_PREFIX, *chunk]
        result = await self._push(keys=_KEYS, args=args)
        if result is None:  # Redis lost the state (restart, flush): rebuild from the database
            await asyncio.to_thread(delivery.rebuild)
            result = await self._push(keys=_KEYS, args=args)
            if result is None:
                raise delivery.DeliveryUnavailable
        return list(result)

    async def _handle(self, thash: str, result: Any, now: float) -> None:
        if result == 1:
            return  # nothing due for this session
        clients = list(self.sessions.get(thash, ()))
        if not clients:
            return
        if result == 0:  # not cached (after a Redis restart): the database decides, then again
            await self._resolve(clients)
            return
        if result[0] == "refused":
            await self._refuse(clients, session_info_from_row(result[1:]), now)
            return
        tail = f',"amount":"{result[0]}"}}'
        for client in clients:
            await self._send_orders(client, result[1:], tail, now)

    async def _send_orders(
        self, client: Client, fragments: list[str], tail: str, now: float
    ) -> None:
        if len(client.sent) > MAX_SENT:  # forget deliveries long gone (expired, cancelled)
            client.sent = {d: t for d, t in client.sent.items() if now - t < 6 * self.resend_s}
        due = []
        for fragment in fragments:
            did = delivery_id_of(fragment)
            if now - client.sent.get(did, 0.0) >= self.resend_s:
                client.sent[did] = now
                due.append(fragment + tail)
        if due:
            client.orders_sent += len(due)
            with contextlib.suppress(Exception):  # a closing socket: its handler cleans up
                await client.send(orders_frame(delivery.iso(now), due))

    async def _resolve(self, clients: list[Client]) -> None:
        from accounts.selectors import session_resolve

        try:
            await asyncio.to_thread(session_resolve, clients[0].token)
        except Refused as exc:
            await self._close_refused(clients, exc)
            return
        self.wake()  # cached again: the next round delivers

    async def _refuse(self, clients: list[Client], info: Any, now: float) -> None:
        try:
            if info is not None:
                session_check(info, now)
        except Refused as exc:
            await self._close_refused(clients, exc)

    async def _close_refused(self, clients: list[Client], exc: Refused) -> None:
        from orders.hotpath import refused  # Django's translation: only on this rare path

        status, body, _headers = refused(exc.refusal, exc.detail, exc.lang)
        for client in clients:
            self.leave(client)
            with contextlib.suppress(Exception):
                await client.send(error_frame("", status, json.loads(body)))
                await client.close(close_code(status), exc.refusal.code)

    # --- acknowledgements ----------------------------------------------------------------------
    async def acknowledge(self, client: Client, ids: Iterable[str]) -> list[int]:
        """The pull's ``ack`` step (Lua ``ack``) for this client's trader; returns the states.

        Acknowledgements that arrive in the same turn of the loop share one pipelined round
        trip (:meth:`_flush_acks`): after an order, 1,000 of them come within milliseconds."""
        ids = list(ids)
        if not ids:
            return []
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._ack_queue.append((client.trader_id, ids, future))
        if len(self._ack_queue) == 1:
            self._background(self._flush_acks())
        result = await future
        states = [int(x) for x in result[1:]]
        if len(client.acked) > MAX_ACKED:
            client.acked.clear()  # only a shortcut: a report then acknowledges in Redis again
        client.acked.update(did for did, state in zip(ids, states, strict=True) if state)
        for other in self.sessions.get(client.thash, ()):
            for did in ids:
                other.sent.pop(did, None)
        if result[0] == 1:
            self._background(asyncio.to_thread(_schedule_flush))
        return states

    async def _flush_acks(self) -> None:
        """Run every queued acknowledgement in one pipeline (each its own ``EVALSHA``, atomic on
        its own, as on the pull); a state that is not ready is rebuilt and retried once."""
        await asyncio.sleep(0)  # let the rest of this turn's frames queue theirs
        batch, self._ack_queue = self._ack_queue, []
        now = time.time()
        try:
            results = await self._ack_pipeline([(t, ids) for t, ids, _f in batch], now)
            if any(r is None for r in results):
                await asyncio.to_thread(delivery.rebuild)
                retry = [i for i, r in enumerate(results) if r is None]
                again = await self._ack_pipeline([batch[i][:2] for i in retry], now)
                for i, result in zip(retry, again, strict=True):
                    results[i] = result
        except Exception as exc:  # Redis away: every waiting frame hears it
            for _t, _ids, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_t, _ids, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if result is None:
                future.set_exception(delivery.DeliveryUnavailable())
            elif isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def _ack_pipeline(self, items: list[tuple[int, list[str]]], now: float) -> list[Any]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for trader_id, ids in items:
                await self._ack(
                    keys=_KEYS, args=delivery._args(trader_id, now, "", ids), client=pipe
                )
            return list(await pipe.execute(raise_on_error=False))

    def _background(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- the feed ---------------------------------------------------------------------------
    async def run_feed(self) -> None:
        """Listen on the new-orders channel; reconnect with backoff; a round after each
        (re)subscription covers whatever was published while it was away."""
        failures = 0
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(NEW_ORDERS_CHANNEL)
                self.pubsub_ok, failures = True, 0
                self.wake()
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.wake()
            except (RedisError, OSError) as exc:
                log.warning("new-order feed lost (%s): reconnecting", exc)
            finally:
                self.pubsub_ok = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(PUBSUB_RETRY_S[min(failures, len(PUBSUB_RETRY_S) - 1)])
            failures += 1


def _schedule_flush() -> None:
    from orders.services import claims_flush_schedule

    claims_flush_schedule()
