"""The futures user data streams (a stream-process job): one listenKey stream per trader's
futures credential, ``ORDER_TRADE_UPDATE`` / ``ACCOUNT_UPDATE`` / ``ALGO_UPDATE`` → ``sync.on_event``.

Each stream runs through the connector's reconnect loop; after every gap (a reconnect, a listen
key expiry) the account is re-synced over REST (``sync.account_sync``), which also closes any
hole the stream left. The set of accounts is re-read every ``reload_s``: a new key starts its
stream, a removed or edited one stops (and restarts with the new key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async

from trading.exchanges.binance_futures.auth import ApiCredentials
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.errors import ExchangeError
from trading.exchanges.reconnect import ReconnectPolicy, StreamGap
from trading.futures_trading.models import FuturesAccount
from trading.futures_trading.services.sync import account_sync, on_event

log = logging.getLogger("fleet.futures.streams")
RELOAD_S = 10.0


def _accounts() -> dict[int, tuple[object, FuturesAccount]]:
    rows = FuturesAccount.objects.select_related("credential", "trader")
    return {a.pk: ((a.credential.updated_at, a.credential_id), a) for a in rows}


async def follow(account: FuturesAccount, policy: ReconnectPolicy | None = None) -> None:
    """Consume one account's user stream forever (cancel to stop)."""
    cred = account.credential
    async with FuturesClient(
        ApiCredentials(cred.api_key, cred.api_secret), env=cred.environment
    ) as client:
        async for item in client.user_stream(policy=policy):
            try:
                if isinstance(item, StreamGap):
                    await sync_to_async(account_sync)(account)
                else:
                    await sync_to_async(on_event)(account, item)
            except ExchangeError as exc:  # the next gap or the beat sync catches up
                log.warning("futures stream of %s: %s", account.trader, exc)


async def run(stop: asyncio.Event, reload_s: float = RELOAD_S) -> None:
    running: dict[int, tuple[object, asyncio.Task[None]]] = {}
    try:
        while not stop.is_set():
            wanted = await sync_to_async(_accounts)()
            for pk in list(running):
                if pk not in wanted or wanted[pk][0] != running[pk][0]:
                    running.pop(pk)[1].cancel()
            for pk, (version, account) in wanted.items():
                if pk not in running:
                    running[pk] = (version, asyncio.create_task(follow(account)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), reload_s)
    finally:
        for _, task in running.values():
            task.cancel()
        await asyncio.gather(*(t for _, t in running.values()), return_exceptions=True)
