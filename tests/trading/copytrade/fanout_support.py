"""Helpers of the fan-out tests: simulator-backed followers, leader events recorded through the
service (so the real dispatch runs after commit), and counting the orders the simulator holds."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from trading.copytrade import balances, services
from trading.copytrade.leader_events import LeaderOrder
from trading.copytrade.models import Follower, Leader, LeaderEvent

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
