"""Fixed demo accounts created by ``runsim --demo`` (keys are public on purpose: loopback only).

Names, keys and secrets are deterministic so ``make demo`` scenarios can refer to them; look them
up with ``GET /sim/binance/accounts/<name>`` / ``GET /sim/bitget/accounts/<name>``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from exchange_sim.alpha.demo import create_demo_alpha
from exchange_sim.binance_spot import venue_of as binance_venue
from exchange_sim.bitget import venue_of as bitget_venue
from exchange_sim.world import World

BINANCE_DEMO: dict[str, dict[str, str]] = {
    "leader": {"USDT": "10000", "BTC": "0.5"},
    "follower-1": {"USDT": "2000"},
    "follower-2": {"USDT": "500", "BTC": "0.01"},
}
BITGET_DEMO: dict[str, tuple[dict[str, str], bool]] = {
    "bitget-follower": ({"USDT": "1000"}, False),
    "bitget-demo": ({"USDT": "1000"}, True),
}


class DemoCredentials(TypedDict):
    api_key: str
    api_secret: str
    passphrase: str


def credentials(name: str) -> DemoCredentials:
    """The fixed credentials of demo account ``name``."""
    return {
        "api_key": f"demo-{name}-key",
        "api_secret": f"demo-{name}-secret",
        "passphrase": "demo-passphrase",
    }


def create_demo_accounts(world: World) -> list[dict[str, Any]]:
    """Create the demo accounts (idempotent per world); returns their public summary."""
    created: list[dict[str, Any]] = []
    spot = binance_venue(world)
    for name, balances in BINANCE_DEMO.items():
        creds = credentials(name)
        if spot.find(name) is None:
            spot.create_account(
                name=name,
                api_key=creds["api_key"],
                api_secret=creds["api_secret"],
                balances={k: Decimal(v) for k, v in balances.items()},
            )
        created.append({"venue": "binance", "name": name, "api_key": creds["api_key"]})
    bitget = bitget_venue(world)
    for name, (balances, demo) in BITGET_DEMO.items():
        creds = credentials(name)
        if bitget.find(name) is None:
            bitget.create_account(
                name=name, demo=demo, **creds, balances={k: Decimal(v) for k, v in balances.items()}
            )
        created.append({"venue": "bitget", "name": name, "api_key": creds["api_key"], "demo": demo})
    created.extend(create_demo_alpha(world))  # Alpha tokens + a funded demo web session
    return created
