"""Demo state of the 「Alpha 刷量」 tab for the offscreen screenshots: a bot half-way to its
target on a ×4 token, with its recent cycles (one partial fill swept), balances and a pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from client_desktop.core.alpha_api import Snapshot

START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


SWEPT = {"zh": "超时：部分成交，剩余已补卖", "en": "timeout: part filled, leftover sold"}
SWING = {
    "zh": ("1 分钟内价格波动超过上限", "ALPHA_22USDT 1 分钟波动 2.41%"),
    "en": ("price moved past the threshold in 1 min", "ALPHA_22USDT moved 2.41% in 1 min"),
}


def demo_cycles(n: int = 14, lang: str = "zh") -> list[dict[str, Any]]:
    rows = []
    price = Decimal("0.0412")
    for k in range(1, n + 1):
        buy = (price * Decimal("1.001")).quantize(Decimal("0.000001"))
        sell = (price * Decimal("0.999")).quantize(Decimal("0.000001"))
        qty = (Decimal(50) / buy).quantize(Decimal("0.01"))
        counted = buy * qty * 4
        cost = (
            (buy - sell) * qty + buy * qty * Decimal("0.0002") + Decimal(k % 3) * Decimal("0.003")
        )
        swept = k == 9
        rows.append({
            "number": k, "kind": "pair", "opened_at": (START + timedelta(minutes=3 * k)).isoformat(),
            "closed_at": None, "buy_price": str(buy), "sell_price": str(sell),
            "quantity": str(qty), "buy_quote": str(buy * qty), "sell_quote": "0",
            "counted": str(counted), "cost": str(cost.quantize(Decimal("0.0001"))),
            "wear_bps": str((cost / counted * 10000).quantize(Decimal("0.01"))),
            "note": SWEPT[lang] if swept else "",
        })  # fmt: skip
        price += Decimal("0.0001") * (1 if k % 4 else -2)
    return list(reversed(rows))


def demo_snapshot(*, paused: bool = False, lang: str = "zh") -> Snapshot:
    cycles = demo_cycles(lang=lang)
    counted = sum(Decimal(c["counted"]) for c in cycles)
    cost = sum(Decimal(c["cost"]) for c in cycles)
    target = Decimal(8192)
    bot = {
        "id": 1, "token": "KOGE", "alpha_id": "ALPHA_22", "env": "prod", "mul_point": "4",
        "phase": "paused" if paused else "selling", "cycle": 15,
        "pause_reason": "price_swing" if paused else None,
        "pause_text": SWING[lang][0] if paused else "",
        "pause_detail": SWING[lang][1] if paused else "",
        "counted_total": str(counted), "cost_total": str(cost),
        "config": {"target_kind": "points", "target_value": "13", "offset_mode": "pct",
                   "buy_offset": "-0.1", "sell_offset": "-0.1", "order_usdt": "50",
                   "timeout_s": "300", "swing_pct": "2", "wear_cap": "5"},
        "progress": {
            "target_volume": str(target), "done_volume": f"{counted:.2f}",
            "percent": float((counted / target * 100).quantize(Decimal("0.1"))),
            "loops_left": int((target - counted) / 200) + 1, "points_today": 11,
            "venue_today": f"{counted:.2f}", "ours_today": f"{counted:.4f}",
            "venue_reading": "included", "cycles_today": len(cycles),
            "cost_today": f"{cost:.4f}", "wear_bps_today": f"{cost / counted * 10000:.2f}",
            "cost_per_point": f"{cost / 11:.4f}",
        },
    }  # fmt: skip
    balances = {
        "USDT": {"free": "1437.52", "locked": "0", "total": "1437.52"},
        "ALPHA_22": {"free": "0.04", "locked": "1213.4", "total": "1213.44"},
    }
    return Snapshot(bot, cycles, balances)
