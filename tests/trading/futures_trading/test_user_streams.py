"""The stream-process job: the user data stream alone closes a trade when its stop fires and
stores the fills (no repair, no REST sync involved)."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from trading.futures_trading.choices import CloseReason, IntentState, LegState
from trading.futures_trading.models import FuturesFill, TradeIntent
from trading.futures_trading.services.trades import trade_open_now
from trading.futures_trading.streams import run

from .conftest import choice, spec

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


async def _until(predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await sync_to_async(predicate)():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_stream_records_fills_and_closes_on_stop_loss(sim, desk):
    d = await sync_to_async(desk)()
    stop = asyncio.Event()
    job = asyncio.create_task(run(stop, reload_s=0.2))
    await asyncio.sleep(1.0)  # the job found the account and subscribed
    intent = await sync_to_async(trade_open_now)(trader=d.trader, spec=spec(), choice=choice())
    assert intent.state == IntentState.PROTECTED
    await _until(lambda: FuturesFill.objects.filter(trader=d.trader).count() == 1)
    await asyncio.to_thread(sim.control.set_price, "BTCUSDT", "48800.00")

    def closed() -> bool:
        row = TradeIntent.objects.get(pk=intent.pk)
        return row.state == IntentState.CLOSED

    await _until(closed)
    row = await sync_to_async(TradeIntent.objects.get)(pk=intent.pk)
    assert row.close_reason == CloseReason.STOP_LOSS
    legs = await sync_to_async(lambda: {leg.kind: leg.state for leg in row.legs.all()})()
    assert legs == {"sl": LegState.FINISHED, "tp": LegState.EXPIRED}
    await _until(lambda: FuturesFill.objects.filter(trader=d.trader).count() == 2)
    stop.set()
    await asyncio.wait_for(job, 5)
