"""The bot against the simulator over real HTTP and WebSocket, with real MariaDB and Redis: the
stream job and worker threads run in-process (same code as the stream process and Celery)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from notifications.models import Notification
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaCycle, AlphaFill
from trading.alpha.services import bots

from .conftest import World, fresh, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_cycles_until_the_target_with_the_venue_as_truth(sim, world) -> None:
    bot = world.trader_bot()
    with InProcess() as rt:
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: fresh(bot).phase == "target_reached", timeout=30)
        assert rt.errors == []
    bot = fresh(bot)
    cycles = list(AlphaCycle.objects.filter(bot=bot).order_by("number"))
    assert len(cycles) == 3  # ~9.9 USDT counted per cycle (bought at the market), target 25
    assert all(c.closed_at and c.counted > 0 and c.sell_base > 0 for c in cycles)
    venue = world.venue(bot)["today_volume"]
    assert Decimal(venue[world.token_json["symbol"]]) == bot.venue_today
    assert bot.counted_total == sum(c.counted for c in cycles) == bot.venue_today
    assert bot.venue_reading == "included"  # mulPoint 1: the venue's delta = our buy notional
    assert bot.running_trader is None and bot.cost_total > 0
    assert Notification.objects.filter(kind="alpha.target_reached", trader=bot.trader).count() == 1
    # the ledger equals the simulator's fills
    orders = world.venue_orders(bot)
    venue_filled = sorted((o["orderId"], o["executedQty"]) for o in orders)
    ours = sorted((leg.order_id, f"{leg.executed_qty:.8f}")
                  for c in cycles for leg in c.legs.all())  # fmt: skip
    assert ours == venue_filled
    assert AlphaFill.objects.filter(leg__cycle__bot=bot).count() == 2 * len(cycles)


def test_multiplier_raises_the_count_and_the_venue_is_measured_to_include_it(sim) -> None:
    world = World(sim, mul="4")
    bot = world.trader_bot(target_value=Decimal(80))  # ~39.6 counted per cycle (9.9 × 4)
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: fresh(bot).phase == "target_reached", timeout=30)
    bot = fresh(bot)
    cycles = list(AlphaCycle.objects.filter(bot=bot).order_by("number"))
    assert len(cycles) == 3  # 2 cycles = 79.2 < 80: a third one
    assert all(c.counted == c.buy_quote * 4 for c in cycles)
    assert bot.venue_reading == "included"  # Δ venue = 4 × Δ our buy notional
    assert bot.venue_today == bot.counted_total == sum(c.counted for c in cycles)
