"""The polled half of the follower balance cache (``balances.py``): every ``INTERVAL_S`` (3 s) read
the free USDT / BTC of the ACTIVE or PAUSED followers and of the active leader that are due
(``poll_plan``: every Bitget account; Binance accounts within a per-IP weight budget, those not
covered by a live user-data subscription first), concurrently, and write them to Redis. The
event-driven half is the Binance user-data streams (``balance_stream``) and the fan-out, which
updates a follower right after its copy filled.

Two runners share the work without doubling it: the stream process's ``follower_balances`` job
(:func:`run`, registered in ``trading.streams.registry``) and the ``copytrade.poll_balances`` beat
task (:func:`poll_balances_once`, for deployments without the stream process). Each pass first
claims the interval in Redis (``SET NX PX``); whoever claims it polls, the other skips.

Writes are compare-and-set on the reading's time (``at_ms`` = when the request was SENT,
``balances.store_if_newer``): a poll that left before a copy filled never overwrites the fan-out's
newer figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from decimal import Decimal

from asgiref.sync import sync_to_async

from accounts.models import ExchangeCredential
from kernel.redis import get_redis
from trading.copytrade.choices import FollowerState
from trading.copytrade.core import poll_plan
from trading.copytrade.models import Follower, Leader
from trading.copytrade.services import balances, venues
from trading.copytrade.services.balances import AccountKey, Reading, store_if_newer
from trading.exchanges import loop
from trading.exchanges.base import SpotVenue
from trading.exchanges.errors import AuthError, ExchangeError

log = logging.getLogger("fleet.copytrade.balances")

INTERVAL_S = 3.0
CONCURRENCY = 32  # requests in flight at once (keeps the fan-out's CPU share)
REQUEST_TIMEOUT_S = 10.0
LEADER_KEY = "leader"
TURN_KEY = "copy:bal:poll-turn"
SECRET_FIELDS = ("api_key", "api_secret", "passphrase")


def leader_balance() -> balances.CachedBalance | None:
    """The leader's polled balance (informational: F/B of an event come from the watcher)."""
    return balances.balances_get([LEADER_KEY], fresh_only=False).get(LEADER_KEY)


def claim_turn(interval_s: float = INTERVAL_S) -> bool:
    """Whether this runner polls now (no other runner did in the last ~interval)."""
    ttl_ms = max(100, int(interval_s * 900))
    return bool(get_redis().set(TURN_KEY, "1", nx=True, px=ttl_ms))


# --- which accounts -------------------------------------------------------------------------------
def accounts_to_poll(
    is_cached: Callable[[ExchangeCredential], bool],
) -> list[tuple[AccountKey, ExchangeCredential]]:
    """ACTIVE and PAUSED followers and the active leader, with their credentials. Secrets are
    decrypted only for the credentials ``is_cached`` says have no client yet (two queries)."""
    found: list[tuple[AccountKey, ExchangeCredential]] = [
        (f.pk, f.credential)
        for f in Follower.objects.exclude(state=FollowerState.DISABLED)
        .select_related("credential")
        .defer(*(f"credential__{name}" for name in SECRET_FIELDS))
    ]
    leader = Leader.objects.filter(is_active=True).values_list("credential_id", flat=True).first()
    cold = {c.pk for _, c in found if not is_cached(c)}
    if leader is not None:
        cold.add(leader)
    full = ExchangeCredential.objects.in_bulk(list(cold)) if cold else {}
    found = [(key, full.get(cred.pk, cred)) for key, cred in found]
    if leader is not None and leader in full:
        found.append((LEADER_KEY, full[leader]))
    return found


def accounts_due(
    is_cached: Callable[[ExchangeCredential], bool], interval_s: float = INTERVAL_S
) -> list[tuple[AccountKey, ExchangeCredential]]:
    """The accounts to read this pass (``poll_plan.plan`` over what the cache holds)."""
    found = accounts_to_poll(is_cached)
    cached = balances.balances_get([k for k, _ in found], fresh_only=False)
    seen = [
        poll_plan.Seen(k, c.venue, cached[k].at_ms, cached[k].live_ms)
        if k in cached
        else poll_plan.Seen(k, c.venue)
        for k, c in found
    ]
    keep = set(poll_plan.plan(seen, int(time.time() * 1000), interval_s))
    return [(k, c) for k, c in found if k in keep]


# --- one pass -------------------------------------------------------------------------------------
async def poll_once(
    accounts: Iterable[tuple[AccountKey, SpotVenue]], *, concurrency: int = CONCURRENCY
) -> dict[AccountKey, Reading]:
    """Read every account's free USDT / BTC concurrently (``concurrency`` at a time) and store
    them; an account that fails is logged and left as cached (it goes stale after 60 s)."""
    gate = asyncio.Semaphore(concurrency)

    async def read(key: AccountKey, client: SpotVenue) -> tuple[AccountKey, Reading | None]:
        async with gate:
            at_ms = int(time.time() * 1000)
            try:
                found = await asyncio.wait_for(client.balances(), REQUEST_TIMEOUT_S)
            except (ExchangeError, TimeoutError) as exc:
                level = logging.WARNING if isinstance(exc, AuthError) else logging.INFO
                log.log(level, "balance of %s unavailable: %s", key, exc)
                return key, None
        usdt, btc = (found[a].free if a in found else Decimal(0) for a in balances.ASSETS)
        return key, (usdt, btc, at_ms)

    got = await asyncio.gather(*(read(k, c) for k, c in accounts))
    readings = {k: r for k, r in got if r is not None}
    await asyncio.to_thread(store_if_newer, readings)
    return readings


def poll_balances_once(interval_s: float = INTERVAL_S) -> int:
    """The beat task's pass (worker process): the venue loop and the fan-out's cached clients.
    Returns how many accounts were read (0 when another runner polled this interval)."""
    if not claim_turn(interval_s):
        return 0
    due = accounts_due(venues.is_cached, interval_s)
    accounts = [(k, venues.venue_for(c)) for k, c in due]
    return len(loop.run(poll_once(accounts), timeout=60))


# --- the stream-process job -----------------------------------------------------------------------
class ClientCache:
    """The job's own clients (bound to the stream process's loop, not the venue loop's)."""

    def __init__(self, build: Callable[[ExchangeCredential], SpotVenue] | None = None) -> None:
        self._build = build or (lambda c: venues.FACTORY["build"](c))
        self._clients: dict[int, tuple[object, SpotVenue]] = {}

    @staticmethod
    def _version(cred: ExchangeCredential) -> object:
        return (cred.updated_at, cred.venue, cred.environment)

    def is_cached(self, cred: ExchangeCredential) -> bool:
        hit = self._clients.get(cred.pk)
        return hit is not None and hit[0] == self._version(cred)

    def get(self, cred: ExchangeCredential) -> SpotVenue:
        if not self.is_cached(cred):
            self._clients[cred.pk] = (self._version(cred), self._build(cred))
        return self._clients[cred.pk][1]

    async def close(self) -> None:
        for _, client in self._clients.values():
            with contextlib.suppress(Exception):
                await client.close()
        self._clients.clear()


async def run(stop: asyncio.Event, interval_s: float = INTERVAL_S) -> None:
    """Stream-process job: poll every ``interval_s`` until ``stop`` is set."""
    cache = ClientCache()
    load = sync_to_async(accounts_due, thread_sensitive=True)
    turn = sync_to_async(claim_turn, thread_sensitive=False)
    try:
        while not stop.is_set():
            started = time.monotonic()
            if await turn(interval_s):
                found = await load(cache.is_cached, interval_s)
                await poll_once([(k, cache.get(c)) for k, c in found])
            pause = max(0.0, interval_s - (time.monotonic() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
    finally:
        await cache.close()
