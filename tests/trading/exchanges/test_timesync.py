"""Server-time offset: midpoint of the round trip, fastest sample wins."""

import asyncio

import pytest

from trading.exchanges.timesync import TimeSync, compute_offset


@pytest.mark.parametrize(
    ("sent", "server", "received", "offset"),
    [
        (1000, 1050, 1100, 0),
        (1000, 2050, 1100, 1000),
        (1000, 550, 1100, -500),
        (0, 10, 0, 10),
    ],
)
def test_compute_offset(sent, server, received, offset):
    assert compute_offset(sent, server, received) == offset


async def test_sync_keeps_fastest_sample():
    ticks = iter([0, 400, 1000, 1020, 2000, 2100])  # RTTs 400, 20, 100
    servers = iter([5000, 6510, 7000])

    async def fetch() -> int:
        return next(servers)

    sync = TimeSync(fetch, clock_ms=lambda: next(ticks), samples=3)
    offset = await sync.sync()
    assert offset == 6510 - 1010
    assert sync.rtt_ms == 20
    assert sync.synced


async def test_concurrent_callers_share_one_measurement():
    calls = 0

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return 5000

    sync = TimeSync(fetch, clock_ms=lambda: 1000, samples=3)
    await asyncio.gather(*(sync.ensure() for _ in range(20)))
    assert calls == 3
    assert sync.offset_ms == 4000
    await asyncio.gather(sync.sync(), sync.sync())
    assert calls == 6  # an explicit re-sync measures again, once for both callers
