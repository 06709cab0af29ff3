"""Helpers of the fan-out tests: simulator-backed followers, leader events recorded through the
service (so the real dispatch runs after commit), and counting the orders the simulator holds."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from trading.copytrade.core.leader_events import LeaderOrder
from trading.copytrade.models import CopyExecution, Follower, Leader, LeaderEvent
from trading.copytrade.services import balances
from trading.copytrade.services import followers as services

PRICE = "50000"
D = Decimal


class SimFollower:
    """A follower stored in Fleet and its account at the simulator."""

    def __init__(self, follower: Follower, account: dict[str, Any], venue: str) -> None:
        self.follower = follower
        self.account = account
        self.venue = venue

    @property
    def pk(self) -> int:
        return self.follower.pk

    @property
    def api_key(self) -> str:
        return str(self.account["api_key"])


def make_sim_follower(
    sim, name: str, venue: str = "binance", usdt: str = "1000", btc: str = "0", cache: bool = True
) -> SimFollower:
    """A follower on the simulator with these free balances (also put in the balance cache)."""
    bal = {"USDT": usdt, "BTC": btc}
    if venue == "binance":
        account = sim.control.binance_account(bal)
    else:
        account = sim.control.bitget_account(bal)
    follower = services.follower_create(
        name=name,
        venue=venue,
        environment="sim",
        api_key=account["api_key"],
        api_secret=account["api_secret"],
        passphrase=account.get("passphrase", ""),
    )
    if cache:
        balances.balance_store(follower.pk, D(usdt), D(btc))
    return SimFollower(follower, account, venue)


def make_sim_leader(sim) -> Leader:
    sim.control.set_price("BTCUSDT", PRICE)
    account = sim.control.binance_account({"USDT": "10000", "BTC": "1"})
    return services.leader_set(
        environment="sim", api_key=account["api_key"], api_secret=account["api_secret"]
    )


def leader_order(order_id: str, side: str, quote: str, base: str) -> LeaderOrder:
    return LeaderOrder(order_id=order_id, side=side, base=D(base), quote=D(quote))


def record(leader: Leader, order: LeaderOrder, balance_before: str, capture) -> LeaderEvent | None:
    """``leader_event_record`` with its on-commit hand-off to the fan-out executed (eager Celery
    runs every chunk right there)."""
    with capture(execute=True):
        return services.leader_event_record(
            leader=leader, order=order, balance_before=D(balance_before), balance_source="test"
        )


def sim_orders(sim, f: SimFollower) -> list[dict[str, Any]]:
    return list(sim.control.ok("GET", f"/sim/{f.venue}/accounts/{f.account['account_id']}/orders"))


def orders_per_client_id(sim, f: SimFollower) -> Counter[str]:
    """How many orders the simulator holds per client order id (exactly once = all ones)."""
    key = "clientOrderId" if f.venue == "binance" else "clientOid"
    return Counter(str(o[key]) for o in sim_orders(sim, f))


# --- added for the fan-out tests ------------------------------------------------------------------
def wait_until(check: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """Poll ``check`` until it is truthy (fails the test after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.02)


def executions(event: LeaderEvent) -> dict[int, CopyExecution]:
    """The event's execution rows by follower id (fresh from the database)."""
    return {row.follower_id: row for row in CopyExecution.objects.filter(event=event)}


def sim_order(sim, f: SimFollower, cid: str) -> dict[str, Any]:
    """The simulator's one order with client id ``cid`` (fails unless exactly one exists)."""
    key = "clientOrderId" if f.venue == "binance" else "clientOid"
    [order] = [o for o in sim_orders(sim, f) if o[key] == cid]
    return order


def sim_amount(f: SimFollower, order: dict[str, Any]) -> Decimal:
    """What the order asked for: quote for a market BUY, base for a SELL (Bitget ``size``)."""
    if f.venue == "bitget":
        return D(order["size"])
    return D(order["origQuoteOrderQty"] if order["side"] == "BUY" else order["origQty"])


def sim_filled(f: SimFollower, order: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Executed (base, quote) of a simulator order."""
    if f.venue == "bitget":
        return D(order["baseVolume"]), D(order["quoteVolume"])
    return D(order["executedQty"]), D(order["cummulativeQuoteQty"])


def sim_free(sim, f: SimFollower) -> tuple[Decimal, Decimal]:
    """Free USDT and BTC of the follower's simulator account."""
    got = sim.control.ok("GET", f"/sim/{f.venue}/accounts/{f.account['account_id']}/balances")
    field = "free" if f.venue == "binance" else "available"
    return tuple(D(got[a][field]) if a in got else D(0) for a in ("USDT", "BTC"))  # type: ignore[return-value]


def sim_trade(sim, f: SimFollower, side: str, amount: Decimal, cid: str) -> dict[str, Any]:
    """A market order placed at the simulator for the follower, as a (now dead) worker sent it."""
    amount = format(amount.normalize(), "f")  # type: ignore[assignment]
    if f.venue == "binance":
        size = "quoteOrderQty" if side == "BUY" else "quantity"
        body = {"symbol": "BTCUSDT", "side": side, "type": "MARKET", size: str(amount)}
        body["newClientOrderId"] = cid
    else:
        body = {"symbol": "BTCUSDT", "side": side.lower(), "orderType": "market"}
        body.update(size=str(amount), clientOid=cid)
    return dict(
        sim.control.ok(
            "POST", f"/sim/{f.venue}/accounts/{f.account['account_id']}/trade", json=body
        )
    )


def trader(leader: Leader, capture) -> Callable[..., LeaderEvent]:
    """``trade(order_id, side, quote, base, before)``: the leader's market order recorded through
    the service (the fan-out runs on commit); returns the event as stored afterwards."""

    def trade(
        order_id: str = "L-1",
        side: str = "BUY",
        quote: str = "1000",
        base: str = "0.02",
        before: str = "10000",
    ) -> LeaderEvent:
        event = record(leader, leader_order(order_id, side, quote, base), before, capture)
        assert event is not None, f"{order_id} was recorded before"
        event.refresh_from_db()
        return event

    return trade


def child_env() -> dict[str, str]:
    """The environment of a worker process that shares this test's (committed) database, Redis
    database and simulator (``FLEET_SIM_URL``); skips the test on SQLite."""
    db = connection.settings_dict
    if connection.vendor != "mysql":
        pytest.skip("needs a server database a child process can share (TEST_DATABASE_URL)")
    url = f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 3306}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings.test"}
    env.update(TEST_DATABASE_URL=url, REDIS_URL=settings.REDIS_URL)
    return env
