"""Account-level futures connector methods against the simulator: modes, margin type, leverage
brackets, commission, API-key restrictions, history windows; plus the window arithmetic."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures.account_api import windows
from trading.exchanges.binance_futures.auth import ApiCredentials
from trading.exchanges.binance_futures.client import FuturesClient
from trading.exchanges.binance_futures.constants import AlgoOrderType, AlgoStatus, MarginType
from trading.exchanges.environments import Env
from trading.exchanges.errors import OrderRejected
from trading.exchanges.types import Side

T0 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(("days", "count"), [(0.5, 1), (7, 1), (7.0001, 2), (20, 3), (90, 13)])
def test_windows_cover_the_range_in_seven_day_pieces(days, count):
    end = T0 + timedelta(days=days)
    parts = list(windows(T0, end))
    assert len(parts) == count
    assert parts[0][0] == T0 and parts[-1][1] == end
    assert all(hi - lo <= timedelta(days=7) for lo, hi in parts)
    assert all(b[0] - a[1] == timedelta(milliseconds=1) for a, b in itertools.pairwise(parts))


@pytest.fixture
async def client(sim):
    sim.control.set_price("BTCUSDT", "50000.00")

    async def make(**settings):
        info = sim.control.ok(
            "POST", "/sim/futures/accounts", json={"balance": "10000", **settings}
        )
        made = FuturesClient(
            ApiCredentials(info["api_key"], info["secret"]), env=Env.SIM, base_url=sim.url
        )
        opened.append(made)
        return made

    opened: list[FuturesClient] = []
    yield make
    for made in opened:
        await made.close()


@pytest.mark.integration
async def test_modes_margin_type_and_restrictions(client):
    fut = await client()
    modes = await fut.account_modes()
    assert (modes.hedge, modes.multi_assets) == (False, False)
    assert await fut.set_position_mode(hedge=False) is False  # -4059: already so
    assert await fut.set_margin_type("BTCUSDT", MarginType.ISOLATED) is True
    assert await fut.set_margin_type("BTCUSDT", MarginType.ISOLATED) is False  # -4046
    assert (await fut.api_restrictions()).enable_withdrawals is False
    risky = await client(can_withdraw=True, dual_side=True)
    assert (await risky.api_restrictions()).enable_withdrawals is True
    assert (await risky.account_modes()).hedge is True
    await fut.place_market_order("BTCUSDT", Side.BUY, Decimal("0.01"), "acct-api-1")
    with pytest.raises(OrderRejected) as err:
        await fut.set_position_mode(hedge=True)
    assert err.value.code == "-4068"


@pytest.mark.integration
async def test_brackets_commission_and_trailing_algo(client):
    fut = await client()
    brackets = await fut.leverage_brackets("BTCUSDT")
    assert brackets[0].initial_leverage == 125 and brackets[0].notional_cap == Decimal(50_000)
    assert (await fut.commission_rate("BTCUSDT")).taker == Decimal("0.0005")
    await fut.place_market_order("BTCUSDT", Side.BUY, Decimal("0.01"), "acct-api-2")
    trail = await fut.place_algo_order(
        "BTCUSDT", Side.SELL, AlgoOrderType.TRAILING_STOP_MARKET, None, "acct-trail-1",
        quantity=Decimal("0.01"), reduce_only=True, activate_price=Decimal("51000"),
        callback_rate=Decimal("1"),
    )  # fmt: skip
    assert trail.status is AlgoStatus.NEW and trail.order_type == "TRAILING_STOP_MARKET"


@pytest.mark.integration
async def test_trades_and_income_between_split_full_pages(sim, client, monkeypatch):
    fut = await client()
    for i in range(5):
        side = Side.BUY if i % 2 == 0 else Side.SELL
        sim.control.set_price("BTCUSDT", f"{50000 + 100 * i}.00")
        await fut.place_market_order("BTCUSDT", side, Decimal("0.01"), f"hist-{i}")
    monkeypatch.setattr(c, "HISTORY_PAGE_LIMIT", 2)
    now = datetime.now(UTC)
    trades = await fut.trades_between(
        "BTCUSDT", now - timedelta(days=20), now + timedelta(seconds=5)
    )
    assert len({t.trade_id for t in trades}) == 5 == len(trades)
    income = await fut.income_between(now - timedelta(days=20), now + timedelta(seconds=5))
    kinds = sorted(i.income_type for i in income)
    assert kinds.count("COMMISSION") == 5 and kinds.count("REALIZED_PNL") == 2
    assert len({i.tran_id for i in income}) == len(income)
