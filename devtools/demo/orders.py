"""``make demo`` fixtures of the event-contract orders: the allowed symbols the simulator knows and
two order templates, so an operator can create orders at once (the list of allowed symbols
otherwise starts empty and no order can be created).

Idempotent and respectful of the operator: a symbol or template that already exists is left as
it is (a symbol switched off in the admin stays off; an edited template keeps its edits).
"""

from __future__ import annotations

import os
from typing import TypedDict

from orders import services
from orders.choices import Direction, TimeIncrement
from orders.models import EventSymbol, OrderTemplate

SYMBOLS = ("BTCUSDT", "ETHUSDT", "BNBUSDT")  # the event-contract symbols of the simulator
INTERVAL_S = float(os.environ.get("FLEET_DEMO_ORDER_INTERVAL_S", "20"))  # between demo orders
# USDT each demo trader's simulated Binance wallet gets when its headless client binds (the others
# get ``client_desktop.core.headless.DEMO_BALANCE``): trader3 runs dry after two 10 USDT orders,
# so the dashboard shows real failures (93420002, insufficient balance) next to the placements;
# settled wins refill it a little.
LOW_BALANCES = {"trader3": "25"}


class _Template(TypedDict):
    name: str
    symbols: list[str]
    directions: list[str]
    time_increment: str


TEMPLATES: list[_Template] = [
    {
        "name": "演示：BTC/ETH 看涨 10 分钟",
        "symbols": ["BTCUSDT", "ETHUSDT"],
        "directions": [Direction.LONG],
        "time_increment": TimeIncrement.TEN_MINUTE,
    },
    {
        "name": "演示：三币 双向 1 小时",
        "symbols": list(SYMBOLS),
        "directions": [Direction.LONG, Direction.SHORT],
        "time_increment": TimeIncrement.ONE_HOUR,
    },
]


def seed(stdout) -> list[str]:
    """Create the missing allowed symbols and templates; return the banner lines."""
    for symbol in SYMBOLS:
        EventSymbol.objects.get_or_create(symbol=symbol)
    for template in TEMPLATES:
        if not OrderTemplate.objects.filter(name=template["name"]).exists():
            services.template_save(**template)
    low = ", ".join(f"{name} has {usdt} USDT" for name, usdt in LOW_BALANCES.items())
    return [
        f"  Event orders:   allowed {', '.join(SYMBOLS)}; {len(TEMPLATES)} templates; a demo "
        f"order every {INTERVAL_S:g} s, placed by headless clients trader1-3 on the simulator "
        f"({low} there, so some placements fail)"
    ]
