"""A week of realistic back-office data for ``make screenshots`` (its own throwaway SQLite database
and Redis, never the demo's): traders, event orders with their deliveries and execution reports
(placements, balance and limit refusals), a copy-trading leader, followers on both venues and their
copies. Rows that are history (claims, reports, copies) are written directly, as a fixture."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import trader_create
from orders import services as orders
from orders.models import Claim, EventOrder, ExecutionReport
from trading.copytrade.models import CopyExecution, Follower, LeaderEvent
from trading.copytrade.services import balances, controls
from trading.copytrade.services import followers as copy

TRADERS = ["trader1", "trader2", "trader3", "zhang_wei", "li_na", "wang_fang"]
SYMBOLS = ["BTCUSDT", "ETHUSDT", "BNBUSDT"]
FAILURES = [
    ("binance_93420002", "余额不足 — [binance_web 93420002] Insufficient balance"),
    ("binance_93420018", "[binance_web 93420018] Open order number has reached maximum limit"),
    ("binance_session_expired", "[binance_web 100002001] login state has expired"),
]


def seed(password: str) -> None:
    """Everything the screenshots show; ``password`` is the screenshot operator's."""
    rng = random.Random(7)
    get_user_model().objects.create_superuser("operator", "op@example.com", password)
    traders = [
        trader_create(
            username=name,
            password=password,
            expires_at=timezone.now() + timedelta(days=30 - i * 4),
            display_name=name,
            order_amount=Decimal(10 + 5 * i),
        )
        for i, name in enumerate(TRADERS)
    ]
    for symbol in SYMBOLS:
        orders.symbol_add(symbol=symbol)
    _event_orders(traders, rng)
    _copy_trading(rng)


def _event_orders(traders, rng: random.Random) -> None:
    now = timezone.now()
    increments = ["TEN_MINUTE", "THIRTY_MINUTE", "ONE_HOUR", "ONE_DAY"]
    for n in range(60):
        order = orders.order_create(
            symbol=SYMBOLS[n % 3],
            direction="LONG" if n % 2 else "SHORT",
            time_increment=increments[n % 4],
            validity_seconds=60,
        )
        created = now - timedelta(days=6 - n // 10, hours=rng.randint(0, 5), minutes=n)
        if n >= 57:  # the newest three are still live
            created = now - timedelta(seconds=20 * (60 - n))
        EventOrder.objects.filter(pk=order.pk).update(
            created_at=created, valid_until=created + timedelta(seconds=60)
        )
        for trader in traders[: rng.randint(3, len(traders))]:
            _delivery(order.pk, trader, created, rng)


def _delivery(order_id: int, trader, created, rng: random.Random) -> None:
    delivered = created + timedelta(milliseconds=rng.randint(80, 900))
    Claim.objects.create(order_id=order_id, trader=trader, delivered_at=delivered)
    roll = rng.random()
    fields: dict = {"outcome": "placed", "amount": trader.order_amount}
    if trader.username == "trader3" and roll < 0.5:
        code, message = FAILURES[0]
        fields = {"outcome": "failed", "error_code": code, "error_message": message}
    elif roll < 0.08:
        code, message = FAILURES[1 if roll < 0.05 else 2]
        fields = {"outcome": "failed", "error_code": code, "error_message": message}
    elif roll < 0.12:
        fields = {"outcome": "skipped_expired"}
    if fields["outcome"] == "placed":
        fields["binance_order_id"] = str(8_821_900_000 + rng.randint(0, 99_999))
    ExecutionReport.objects.create(
        order_id=order_id,
        trader=trader,
        latency_ms=rng.randint(180, 900),
        reported_at=delivered + timedelta(seconds=1),
        **fields,
    )


def _copy_trading(rng: random.Random) -> None:
    leader = copy.leader_set(environment="prod", api_key="leaderKey0x9c41", api_secret="s")
    controls.leader_connection_report(state="connected")
    copy.copy_set_running(running=True)
    specs = [
        ("华东-01", "binance", "prod", "918.80", "0.0125", "ACTIVE", ""),
        ("华东-02", "binance", "prod", "1204.11", "0.00093", "ACTIVE", ""),
        ("bitget-A", "bitget", "prod", "4.10", "0", "ACTIVE", ""),
        ("测试-小额", "bitget", "demo", "12.00", "0", "PAUSED", ""),
        (
            "旧账户",
            "binance",
            "prod",
            "0",
            "0",
            "DISABLED",
            "[binance_spot -2015] Invalid API-key, IP, or permissions for action.",
        ),
    ]
    followers = []
    for name, venue, env, usdt, btc, state, error in specs:
        follower = copy.follower_create(
            name=name,
            venue=venue,
            environment=env,
            api_key=f"key{rng.randint(10**9, 10**10)}",
            api_secret="s",
            passphrase="p" if venue == "bitget" else "",
        )
        Follower.objects.filter(pk=follower.pk).update(state=state, last_error=error)
        balances.balance_store(follower.pk, Decimal(usdt), Decimal(btc))
        followers.append(follower)
    for n in range(8):
        _leader_event(leader, followers[:4], n, rng)


def _leader_event(leader, followers, n: int, rng: random.Random) -> None:
    side = "BUY" if n % 2 == 0 else "SELL"
    ratio = Decimal("0.25") if side == "BUY" else Decimal("1")
    event = LeaderEvent.objects.create(
        leader=leader,
        leader_order_id=f"L{5000 + n}",
        side=side,
        filled_base=Decimal("0.01"),
        filled_quote=Decimal("650"),
        balance_before=Decimal("2600"),
        ratio=ratio,
        price=Decimal("65000"),
        dispatched=True,
        fanout_ms=rng.randint(120, 320),
        received_at=timezone.now() - timedelta(minutes=40 * (8 - n)),
    )
    for follower in followers:
        failed = follower.name == "bitget-A" and side == "BUY"
        status = "FAILED" if failed else "FILLED"
        if follower.name == "测试-小额":
            status = "SKIPPED"
        CopyExecution.objects.create(
            event=event,
            follower=follower,
            client_order_id=f"fl{event.pk}x{follower.pk}",
            side=side,
            requested=Decimal("81.2") if side == "BUY" else Decimal("0.00093"),
            status=status,
            error="[bitget 43012] Insufficient balance" if failed else "",
            skip_reason="below_min_notional" if status == "SKIPPED" else "",
            latency_ms=None if status != "FILLED" else rng.randint(110, 260),
            filled_base=(Decimal("0.00125") if side == "BUY" else Decimal("0.00093"))
            if status == "FILLED"
            else Decimal(0),
            filled_quote=(Decimal("81.2") if side == "BUY" else Decimal("60.45"))
            if status == "FILLED"
            else Decimal(0),
        )
