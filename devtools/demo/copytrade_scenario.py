"""Demo scenario (``run_demo_scenarios``): the sim leader places a BTCUSDT market order every few
seconds through the simulator's control API (``POST /sim/binance/accounts/leader/trade`` — the same
engine and user-data events as an API order), so the leader watcher sees real fills and the
followers copy them.

Orders alternate BUY (2–10 % of the leader's free USDT) and SELL (2–10 % of its free BTC); an
account that runs low is topped up (a simulated deposit) so the demo can run for hours.
"""

from __future__ import annotations

import logging
import os
import threading
from decimal import ROUND_DOWN, Decimal

import httpx

from devtools.demo.copytrade import FOLLOWERS, LEADER, SimAccount, ensure_sim_accounts
from trading.exchanges.environments import sim_url

log = logging.getLogger("fleet.demo.copytrade")

INTERVAL_S = float(os.environ.get("FLEET_DEMO_COPY_INTERVAL_S", "5"))
PERCENTS = (Decimal("0.02"), Decimal("0.05"), Decimal("0.10"))
MIN_QUOTE = Decimal("20")  # above the venue's 5 USDT minimum, with room for the followers' share
BTC_STEP = Decimal("0.00001")
LOW_USDT, LOW_BTC = Decimal("200"), Decimal("0.002")


def next_order(step: int, free_usdt: Decimal, free_btc: Decimal) -> dict[str, str] | None:
    """The leader's order number ``step``: even steps BUY, odd steps SELL, at a cycling share of
    the free balance; ``None`` when that balance is too small for a meaningful order."""
    pct = PERCENTS[(step // 2) % len(PERCENTS)]
    if step % 2 == 0:
        quote = (free_usdt * pct).quantize(Decimal("0.01"), ROUND_DOWN)
        if quote < MIN_QUOTE:
            return None
        return {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": str(quote)}
    qty = (free_btc * pct).quantize(BTC_STEP, ROUND_DOWN)
    if qty <= 0:
        return None
    return {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": str(qty)}


def free_balances(http: httpx.Client, acct: SimAccount) -> tuple[Decimal, Decimal]:
    """Free USDT and BTC of a sim account (Binance ``free`` / Bitget ``available``)."""
    reply = http.get(f"/sim/{acct.venue}/accounts/{acct.name}/balances")
    reply.raise_for_status()
    rows = reply.json()
    key = "free" if acct.venue == "binance" else "available"

    def one(asset: str) -> Decimal:
        return Decimal(str(rows.get(asset, {}).get(key, "0")))

    return one("USDT"), one("BTC")


def top_up(http: httpx.Client, acct: SimAccount) -> bool:
    """Refill an account that ran low to its demo balances; True when it did."""
    usdt, btc = free_balances(http, acct)
    wanted = {
        asset: amount
        for asset, amount in acct.balances.items()
        if (asset == "USDT" and usdt < LOW_USDT) or (asset == "BTC" and btc < LOW_BTC)
    }
    if not wanted:
        return False
    path = f"/sim/{acct.venue}/accounts/{acct.name}/balances"
    http.put(path, json={"balances": wanted}).raise_for_status()
    return True


def trade_once(http: httpx.Client, step: int) -> dict[str, str] | None:
    """Top up whoever ran low, then place the leader's order for ``step`` (returned)."""
    for acct in [LEADER, *FOLLOWERS]:
        top_up(http, acct)
    usdt, btc = free_balances(http, LEADER)
    order = next_order(step, usdt, btc)
    if order is not None:
        http.post(f"/sim/binance/accounts/{LEADER.name}/trade", json=order).raise_for_status()
    return order


def run(stop: threading.Event, *, interval_s: float = INTERVAL_S, base_url: str = "") -> None:
    """Until ``stop``: make sure the sim accounts exist, then trade every ``interval_s``."""
    with httpx.Client(base_url=base_url or sim_url(), timeout=5) as http:
        while not stop.is_set():
            try:
                ensure_sim_accounts(http)
                break
            except httpx.HTTPError as exc:
                log.info("copytrade demo: waiting for the simulator (%s)", exc)
                stop.wait(2)
        step = 0
        while not stop.wait(interval_s):
            try:
                order = trade_once(http, step)
            except httpx.HTTPError as exc:
                log.warning("copytrade demo: leader order failed: %s", exc)
                continue
            if order is not None:
                log.info("copytrade demo: leader %s", order)
            step += 1
