"""One harness per spot connector so the same contract suite runs against every venue on the
simulator (Hummingbot style): how to create an account, build the client, count orders."""

from dataclasses import dataclass
from typing import Any

from trading.exchanges.binance_spot.client import BinanceSpotClient
from trading.exchanges.bitget.client import BitgetSpotClient
from trading.exchanges.ratelimit import RateLimiter
from trading.exchanges.reconnect import ReconnectPolicy

SYMBOL = "BTCUSDT"
PRICE = "50000"
BALANCES = {"USDT": "10000", "BTC": "1"}
FAST_STREAM = ReconnectPolicy(base_delay=0.05, max_delay=0.5, stall_timeout=10, check_interval=0.1)


@dataclass
class Harness:
    venue: str  # "binance" | "bitget" — the simulator's control prefix
    account: dict[str, Any]
    control: Any

    @property
    def bans_with_418(self) -> bool:
        return self.venue == "binance"

    @property
    def api_key(self) -> str:
        return self.account["api_key"]

    def client(self, limiter: RateLimiter | None = None, timeout: float = 10.0) -> Any:
        opts = {
            "env": "sim",
            "limiter": limiter or RateLimiter(50),
            "stream_policy": FAST_STREAM,
            "timeout": timeout,
        }
        a = self.account
        if self.venue == "binance":
            return BinanceSpotClient(a["api_key"], a["api_secret"], **opts)
        return BitgetSpotClient(a["api_key"], a["api_secret"], a["passphrase"], **opts)

    def set_clock_offset(self, offset_ms: int) -> None:
        """Move the simulator's clock away from ours."""
        self.control.ok("POST", "/sim/clock", json={"offset_ms": offset_ms})

    def orders(self) -> list[dict[str, Any]]:
        """Every order the simulator holds for the account (the ground truth for 'placed once')."""
        return self.control.ok(
            "GET", f"/sim/{self.venue}/accounts/{self.account['account_id']}/orders"
        )

    def placed(self, client_order_id: str) -> int:
        """How many orders with this client id the simulator executed or holds."""
        return sum(
            1
            for o in self.orders()
            if client_order_id in (o.get("clientOrderId"), o.get("clientOid"))
        )

    def fault(self, kind: str, count: int = 1, **params: Any) -> None:
        self.control.fault(kind, account=self.api_key, count=count, **params)


def make_harness(venue: str, sim: Any) -> Harness:
    create = sim.control.binance_account if venue == "binance" else sim.control.bitget_account
    sim.control.set_price(SYMBOL, PRICE)
    return Harness(venue, create(dict(BALANCES)), sim.control)
