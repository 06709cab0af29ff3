"""Reliability cases against the simulator (real HTTP/WebSocket, MariaDB, Redis): stream drops,
swings, partial fills with timeouts, crashes, lost replies, auth expiry, 429, a failing trader
among ten, and a restart with open orders."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kernel.redis import get_redis
from notifications.models import Notification
from trading.alpha.core import machine as m
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaCredential, AlphaCycle
from trading.alpha.services import bots, commands, timers
from trading.alpha.services import events as services
from trading.alpha.services.credentials import credentials_expire_due
from trading.exchanges.binance_alpha.client import AlphaClient

from .conftest import fresh, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
MAKER = {"buy_offset": Decimal(1), "sell_offset": Decimal(1)}  # rests: buy 1 % below the last


@pytest.fixture(autouse=True)
def _server_database():
    """These cases run the stream thread and a pool of workers against one database. On the
    SQLite default path a bot's fill is lost about one run in three (measured 2 of 6 on the code
    before this round's moves and after them; MariaDB: every run passes), so they run where the
    product runs: MariaDB (docs/decisions.md, "Alpha reliability cases need MariaDB")."""
    from django.db import connection

    if not connection.settings_dict["ENGINE"].endswith("mysql"):
        pytest.skip("the Alpha reliability cases need MariaDB (TEST_DATABASE_URL)")


def notices(bot, kind: str = "alpha.paused") -> int:
    return Notification.objects.filter(kind=kind, trader=bot.trader).count()


def working(bot) -> bool:
    return fresh(bot).phase == "working"


def open_orders(world, bot) -> list[dict]:
    return [o for o in world.venue_orders(bot) if o["status"] in ("NEW", "PENDING",
                                                                  "PARTIALLY_FILLED")]  # fmt: skip


def pairs(world, bot) -> int:
    return len({o["orderListId"] for o in world.venue_orders(bot) if o["orderListId"] != "-1"})


def test_order_stream_drop_pauses_and_never_resumes_by_itself(sim, world) -> None:
    bot = world.trader_bot(**MAKER)
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: working(bot))
        sim.control.fault("ws_disconnect", world.sessions[bot.pk])
        wait_for(lambda: fresh(bot).phase == "paused")
        time.sleep(1.5)  # the stream is back by now; the bot stays paused
        bot = fresh(bot)
        assert (bot.phase, bot.pause_reason) == ("paused", "stream_disconnected")
        wait_for(lambda: not open_orders(world, bot))  # the pause cancelled the live pair
    assert notices(bot) == 1


def test_one_minute_swing_pauses(sim, world) -> None:
    bot = world.trader_bot(**MAKER, swing_pct=Decimal(2))
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: working(bot))
        for price in ("0.5", "0.505", "0.52"):  # up: the resting buy below is not crossed
            sim.control.set_price(world.symbol, price)
            time.sleep(0.1)
        wait_for(lambda: fresh(bot).phase == "paused")
    bot = fresh(bot)
    assert bot.pause_reason == "price_swing" and "4.00%" in bot.pause_detail
    assert notices(bot) == 1


def test_partial_fill_timeout_cancels_counts_sells_leftover_then_a_new_pair(sim, world) -> None:
    sim.control.ok("POST", "/sim/alpha/config", json={"fill_parts": 2})
    bot = world.trader_bot(**MAKER, target_value=Decimal(1000))
    with InProcess() as rt:
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: working(bot))
        first = AlphaCycle.objects.get(bot=bot, number=fresh(bot).cycle_no)
        sim.control.set_price(world.symbol, str(first.buy_price))  # crosses: half fills
        wait_for(lambda: fresh(bot).bought > 0)
        sim.control.set_price(world.symbol, "0.5")
        timers.timeouts_fire(now=timezone.now() + timedelta(seconds=31))
        wait_for(lambda: fresh(bot).cycle_no == first.number + 1 and working(bot))
        assert rt.errors == []
    first.refresh_from_db()
    legs = {leg.role: leg for leg in first.legs.all()}
    assert (
        legs["working"].status == "CANCELED" and legs["working"].executed_qty == first.quantity / 2
    )
    assert legs["pending"].status == "CANCELED" and legs["pending"].executed_qty == 0
    assert legs["sweep"].status == "FILLED"  # the leftover was sold before the new pair
    assert first.counted == first.buy_quote > 0 and first.sell_base > 0
    assert first.buy_base - first.fee_base - first.sell_base < bot.token.step
    sweep_time = legs["sweep"].created_at
    second_pair = AlphaCycle.objects.get(bot=bot, number=first.number + 1)
    assert second_pair.sent_at > sweep_time
    assert notices(bot) == 0


class Killed(BaseException):
    """The worker process dies (not an Exception: nothing in the runner may catch it)."""


class Manual:
    """Commands collected instead of run, so a test runs (or kills) each one itself."""

    def __init__(self) -> None:
        self.queue: list[tuple[int, m.Command]] = []

    def __call__(self, bot_id: int, command: m.Command) -> None:
        self.queue.append((bot_id, command))

    def run_all(self, limit: int = 20, *, until: type | None = None) -> None:
        """Run queued commands (and those they queue) — stop before one of type ``until``."""
        for _ in range(limit):
            if not self.queue or (until and isinstance(self.queue[0][1], until)):
                return
            commands.run(*self.queue.pop(0))


@pytest.fixture
def manual():
    queue = Manual()
    services.set_dispatcher(queue)
    yield queue
    services.set_dispatcher(None)


def _stream_up(bot) -> None:
    get_redis().set(f"alpha:stream:{bot.credential_id}", "1")  # as the stream process would


def test_worker_killed_after_sending_never_places_twice(sim, world, manual, monkeypatch) -> None:
    bot = world.trader_bot(**MAKER)
    _stream_up(bot)
    real = AlphaClient.place_oto

    async def send_then_die(self, *args, **kwargs):
        await real(self, *args, **kwargs)
        raise Killed

    bots.bot_start(bot_id=bot.pk)
    manual.run_all(until=m.PlacePair)  # reconcile → progress → PlacePair queued
    bot_id, place = manual.queue.pop(0)
    monkeypatch.setattr(AlphaClient, "place_oto", send_then_die)
    with pytest.raises(Killed):
        commands.run(bot_id, place)
    monkeypatch.setattr(AlphaClient, "place_oto", real)
    assert fresh(bot).phase == "placing" and pairs(world, bot) == 1
    commands.run(bot_id, place)  # Celery delivers the unacknowledged task again
    manual.run_all(
        until=m.PlacePair
    )  # PlaceUnknown → reconcile finds the pair, cancels it, next pair
    cycle = AlphaCycle.objects.get(bot=bot, number=1)
    assert "已在币安找到" in cycle.note and cycle.legs.count() == 2
    assert pairs(world, bot) == 1 and not open_orders(world, bot)  # found, cancelled
    assert isinstance(manual.queue[0][1], m.PlacePair)  # only now the next pair
    manual.run_all(limit=1)
    assert pairs(world, bot) == 2 == AlphaCycle.objects.filter(bot=bot).count()
    assert len({o["orderListId"] for o in open_orders(world, bot)}) == 1  # one live pair


def test_lost_reply_is_found_by_find_open_oto_never_placed_twice(sim, world, manual) -> None:
    bot = world.trader_bot(**MAKER)
    _stream_up(bot)
    sim.control.fault("drop_reply", world.sessions[bot.pk])
    bots.bot_start(bot_id=bot.pk)
    manual.run_all(limit=4)  # reconcile, progress, place (reply lost → unknown), reconcile
    cycle = AlphaCycle.objects.get(bot=bot, number=1)
    assert "已在币安找到" in cycle.note
    assert {leg.role for leg in cycle.legs.all()} == {"working", "pending"}
    assert pairs(world, bot) == 1


def test_auth_expiry_pauses_with_one_notification(sim, world) -> None:
    bot = world.trader_bot(**MAKER)
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: working(bot))
        sim.control.ok("POST", f"/sim/web/sessions/{world.sessions[bot.pk]}/expire")
        timers.timeouts_fire(
            now=timezone.now() + timedelta(seconds=31)
        )  # the cancel meets 100002001
        wait_for(lambda: fresh(bot).phase == "paused")
        timers.timeouts_fire(now=timezone.now() + timedelta(seconds=62))
        time.sleep(0.5)
    assert fresh(bot).pause_reason == "auth_expired"
    assert notices(bot, "alpha.auth_expired") == 1 and notices(bot) == 0


def test_local_session_expiry_pauses_once(sim, world) -> None:
    bot = world.trader_bot(**MAKER)
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: working(bot))
        AlphaCredential.objects.filter(pk=bot.credential_id).update(
            expires_at=timezone.now() - timedelta(seconds=1))  # fmt: skip
        assert credentials_expire_due() == 1
        assert credentials_expire_due() == 0
    assert (fresh(bot).phase, fresh(bot).pause_reason) == ("paused", "auth_expired")
    assert notices(bot, "alpha.auth_expired") == 1


def test_429_pauses_only_that_trader(sim, world) -> None:
    hit = world.trader_bot(target_value=Decimal(1000))
    other = world.trader_bot(target_value=Decimal(15))
    with InProcess():
        bots.bot_start(bot_id=hit.pk)
        bots.bot_start(bot_id=other.pk)
        wait_for(lambda: fresh(hit).cycle_no >= 2)  # its order stream is up by now
        sim.control.fault("rate_limit", world.sessions[hit.pk], count=-1)
        wait_for(lambda: fresh(other).phase == "target_reached", timeout=30)
        wait_for(lambda: fresh(hit).phase == "paused")
    sim.control.clear_faults()
    assert fresh(hit).pause_reason == "rate_limited" and notices(hit) == 1
    assert notices(other) == 0


def test_ten_traders_one_failing_the_others_unaffected(sim, world) -> None:
    good = [world.trader_bot(target_value=Decimal(15)) for _ in range(9)]
    poor = world.trader_bot(target_value=Decimal(15), usdt="5")  # below the 10 USDT order size
    with InProcess(workers=6):
        for bot in [poor, *good]:
            bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: all(fresh(b).phase == "target_reached" for b in good), timeout=60)
        wait_for(lambda: fresh(poor).phase == "paused")
    assert fresh(poor).pause_reason == "insufficient_balance" and notices(poor) == 1
    assert all(AlphaCycle.objects.filter(bot=b).count() == 2 for b in good)
    assert all(pairs(world, b) == 2 for b in good)


def test_restart_with_open_orders_reconciles_before_anything_new(sim, world) -> None:
    bot = world.trader_bot(**MAKER, target_value=Decimal(1000))
    with InProcess():
        bots.bot_start(bot_id=bot.pk)
        wait_for(lambda: working(bot))
    cycle = AlphaCycle.objects.get(bot=bot, number=fresh(bot).cycle_no)
    sim.control.set_price(world.symbol, str(cycle.buy_price))  # fills while nobody listens
    assert fresh(bot).phase == "working" and fresh(bot).bought == 0
    with InProcess():
        nxt_sent = AlphaCycle.objects.filter(
            bot=bot, number=cycle.number + 1, sent_at__isnull=False
        )
        wait_for(nxt_sent.exists, timeout=20)
    cycle.refresh_from_db()
    legs = {leg.role: leg for leg in cycle.legs.all()}
    assert legs["working"].status == "FILLED"  # learned from the venue, not from frames
    assert legs["pending"].status == "CANCELED" and legs["sweep"].status == "FILLED"
    nxt = AlphaCycle.objects.get(bot=bot, number=cycle.number + 1)
    assert nxt.sent_at > legs["sweep"].created_at  # nothing new before the reconcile ended
