"""More pause reasons and the one-click sweep, against the simulator: wear cap, 93420018, a token
going off-sale (catalogue refresh), and selling leftover tokens at the best bid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from notifications.models import Notification
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaCycle
from trading.alpha.services import bots
from trading.alpha.services.catalogue import tokens_refresh

from .conftest import fresh, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def paused_with(bot, reason: str) -> bool:
    b = fresh(bot)
    return b.phase == "paused" and b.pause_reason == reason


def test_wear_cap_pauses_after_the_cycle_that_reached_it(sim, world) -> None:
    bot = world.trader_bot(target_value=Decimal(1000), wear_cap=Decimal("0.0001"))
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: paused_with(bot, "wear_cap"))
    assert AlphaCycle.objects.filter(bot=bot).count() == 1 and fresh(bot).cost_total > 0
    assert "USDT" in fresh(bot).pause_detail
    assert Notification.objects.filter(kind="alpha.paused", trader=bot.trader).count() == 1


def test_open_order_limit_pauses(sim, world) -> None:
    bot = world.trader_bot(target_value=Decimal(1000))
    sim.control.fault("open_order_limit", world.sessions[bot.pk])
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: paused_with(bot, "open_order_limit"))
    assert not world.venue_orders(bot)


def test_token_going_off_sale_pauses_its_bots(sim, world) -> None:
    bot = world.trader_bot(buy_offset=Decimal(1), sell_offset=Decimal(1))
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: fresh(bot).phase == "working")
        sim.control.ok("POST", "/sim/alpha/tokens", json={"alphaId": world.alpha_id,
                                                          "offsell": True})  # fmt: skip
        tokens_refresh(env="sim")
        wait_for(lambda: paused_with(bot, "token_unavailable"))
    bot = fresh(bot)
    assert not bot.token.can_trade
    with pytest.raises(bots.Refused) as refused:
        bots.bot_stop(bot_id=bot.pk)
        bots.bot_start(bot_id=bot.pk)
    assert refused.value.code == "token_unavailable"


def test_one_click_sweep_sells_the_leftover_at_the_best_bid(sim, world) -> None:
    bot = world.trader_bot()
    fund = {"balances": {world.alpha_id: "37.5"}, "mode": "add"}
    sim.control.ok("POST", f"/sim/alpha/sessions/{world.sessions[bot.pk]}/fund", json=fund)
    with InProcess():
        bots.bot_sweep(bot_id=bot.pk)
        wait_for(lambda: fresh(bot).phase == "stopped")
    sweep = AlphaCycle.objects.get(bot=bot, kind="sweep")
    (leg,) = sweep.legs.all()
    assert (leg.role, leg.status, leg.executed_qty) == ("sweep", "FILLED", Decimal("37.5"))
    assert sweep.sell_quote > 0 and "补卖 37.5" in sweep.note
    assert Decimal(world.venue(bot)["balances"].get(world.alpha_id, "0")) == 0
    with pytest.raises(bots.Refused) as nothing:
        bots.bot_sweep(bot_id=bot.pk)
    assert nothing.value.code == "nothing_to_sweep"


def test_silent_order_stream_pauses(sim, world) -> None:
    """The socket stays open but no frame comes for an acknowledged pair: stream_silent."""
    bot = world.trader_bot(buy_offset=Decimal(1), sell_offset=Decimal(1))
    with InProcess():
        sim.control.fault("ws_stall", world.sessions[bot.pk], count=-1)
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: paused_with(bot, "stream_silent"), timeout=20)
    assert "推送未收到" in fresh(bot).pause_detail
    assert Notification.objects.filter(kind="alpha.paused", trader=bot.trader).count() == 1


def test_listen_key_expiry_is_a_disconnect_and_the_stream_comes_back(sim, world) -> None:
    bot = world.trader_bot(buy_offset=Decimal(1), sell_offset=Decimal(1))
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: fresh(bot).phase == "working")
        sim.control.fault("listen_key_expired", world.sessions[bot.pk])
        wait_for(lambda: paused_with(bot, "stream_disconnected"))
        bots.bot_resume(bot_id=bot.pk)  # a new key, a new subscription: cycles go on
        wait_for(lambda: fresh(bot).phase == "working" and fresh(bot).cycle_no >= 2)
