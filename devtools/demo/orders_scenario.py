"""Demo scenario (``run_demo_scenarios``) of the event-contract orders: an operator order every
``FLEET_DEMO_ORDER_INTERVAL_S`` (20 s) through ``orders.services.order_create``, and headless
demo clients — the desktop app's core (``client_desktop.core.headless.run_demo``: login, QR
binding through the simulator's control API, pull → journal → place → report) — for trader1–3
placing them on the simulator, so the back office (order list, 运营看板) shows live numbers.

Orders cycle through the active allowed symbols the simulator knows, alternate LONG / SHORT and
are mostly ten-minute contracts, with the knob defaults for payout (0.80, the only payout the
simulator accepts) and validity. The first order waits until a client is online (at most one
interval). trader3's simulated wallet is kept low (``devtools.demo.orders.LOW_BALANCES``), so some
placements fail with a real venue code.

Everything runs in threads of the ``run_demo_scenarios`` process (no child process to orphan):
``stop`` ends the order loop at once and the clients after the order each one is placing.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, close_old_connections, connections
from redis import RedisError

from client_desktop.core import headless
from devtools.demo.orders import INTERVAL_S, LOW_BALANCES, SYMBOLS
from kernel.refusals import Refused
from kernel.runtime_config import config_get
from orders import delivery, selectors, services
from orders.choices import Direction, TimeIncrement
from orders.models import EventOrder
from trading.exchanges.environments import sim_url

log = logging.getLogger("fleet.demo.orders")

DIRECTIONS = (Direction.LONG, Direction.SHORT)
# Mostly ten minutes, so the simulator settles (and refills wallets) during a demo session.
INCREMENTS = (
    TimeIncrement.TEN_MINUTE,
    TimeIncrement.TEN_MINUTE,
    TimeIncrement.THIRTY_MINUTE,
    TimeIncrement.TEN_MINUTE,
    TimeIncrement.ONE_HOUR,
)
CLIENTS_JOIN_S = 30.0  # the clients finish the placement in flight (≤ 10 s) and report it


@dataclass(frozen=True)
class OrderSpec:
    symbol: str
    direction: str
    time_increment: str


def next_order(step: int, symbols: Sequence[str]) -> OrderSpec:
    """The demo's order number ``step``: the direction alternates every order, the symbol every
    two, the period cycles through ``INCREMENTS``."""
    return OrderSpec(
        symbol=symbols[(step // 2) % len(symbols)],
        direction=DIRECTIONS[step % 2],
        time_increment=INCREMENTS[step % len(INCREMENTS)],
    )


def demo_symbols() -> list[str]:
    """The active allowed symbols that the simulator knows (an operator may switch some off)."""
    active = set(selectors.active_symbols())
    return [s for s in SYMBOLS if s in active]


def create_order(step: int) -> EventOrder | None:
    """Create order number ``step`` as the demo admin; ``None`` when no demo symbol is active."""
    symbols = demo_symbols()
    if not symbols:
        log.warning("event-order demo: no allowed symbol of %s is active, no order", SYMBOLS)
        return None
    spec = next_order(step, symbols)
    admin = get_user_model().objects.filter(username="admin").first()
    return services.order_create(  # logs "order created id=…"
        symbol=spec.symbol,
        direction=spec.direction,
        time_increment=spec.time_increment,
        created_by=admin,
    )


def order_outcome(order: EventOrder) -> str:
    """One log line: how far an order got (delivered / placed / failed)."""
    row = selectors.orders_with_counts().get(pk=order.pk)
    return (
        f"event-order demo: order #{order.pk}: delivered {row.delivered_count}, "
        f"placed {row.placed_count}, failed {row.failed_count}"
    )


def run(
    stop: threading.Event,
    *,
    interval_s: float = INTERVAL_S,
    server_url: str = "",
    sim: str = "",
    data_root: Path | None = None,
) -> None:
    """Until ``stop``: the headless demo clients in a thread, and an order every ``interval_s``.
    Without ``data_root`` the clients keep their data under ``var/run/demo-clients``, emptied
    first (the simulator forgets its web sessions on restart, and a reset database reuses order
    ids that an old journal would take for done)."""
    server_url = server_url or os.environ.get("FLEET_SERVER_URL", "http://127.0.0.1:8000")
    if data_root is None:
        data_root = Path(settings.BASE_DIR) / "var" / "run" / "demo-clients"
        shutil.rmtree(data_root, ignore_errors=True)
    clients = threading.Thread(
        target=_run_clients,
        args=(stop, server_url, sim or sim_url(), data_root),
        name="event-demo-clients",
    )
    clients.start()
    try:
        _order_loop(stop, interval_s)
    finally:
        stop.set()  # the order loop only ends on stop, or by crashing: then stop the clients too
        clients.join(CLIENTS_JOIN_S)
        connections.close_all()


def _run_clients(stop: threading.Event, server_url: str, sim: str, data_root: Path) -> None:
    log.info("event-order demo: headless clients %s -> %s", ", ".join(headless.DEMO_USERS), sim)
    try:
        summaries = headless.run_demo(
            stop,
            server_url,
            sim,
            data_root,
            balances=LOW_BALANCES,
            push_url=os.environ.get("FLEET_PUSH_URL") or None,  # the launcher's run_push
        )
    except Exception:
        log.exception("event-order demo: headless clients crashed")
        return
    for s in summaries:
        log.info(
            "event-order demo: client %s stopped: received %s, placed %s, failed %s, "
            "skipped %s, unreported %s",
            s.username,
            s.received,
            s.placed,
            s.failed,
            s.skipped,
            s.unreported,
        )


def _order_loop(stop: threading.Event, interval_s: float) -> None:
    _wait_for_clients(stop, interval_s)
    step, previous = 0, None
    while not stop.is_set():
        close_old_connections()
        try:
            if previous is not None:
                log.info(order_outcome(previous))
            previous = create_order(step) or previous
        except (DatabaseError, Refused, RedisError) as exc:
            log.warning("event-order demo: order step %s failed: %s", step, exc)
        step += 1
        stop.wait(interval_s)


def _wait_for_clients(stop: threading.Event, timeout_s: float) -> None:
    """Until a client pulled within the online window, or ``timeout_s``: the first order should
    not expire before anybody can receive it."""
    deadline = time.monotonic() + timeout_s
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            if delivery.online_count(time.time(), int(config_get("online_window_s"))):
                return
        except (DatabaseError, RedisError) as exc:
            log.info("event-order demo: waiting for Redis/the database (%s)", exc)
        stop.wait(0.5)
