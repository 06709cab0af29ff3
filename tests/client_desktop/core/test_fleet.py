"""20 clients against one server each place each order exactly once (docs/products.md §A.3).

Twenty traders, each with a headless client (the desktop core: 1 s pulls with random phase, QR
binding through the simulator, journal, reports) and their own simulator web user. Orders are
created while the clients run; afterwards the simulator's order book is counted per trader per
order (every order has distinct terms, so terms identify the order) and the server's execution
reports are checked against it.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from client_desktop.core import journal as j
from client_desktop.core.poller import Pacer
from tests.client_desktop.core.conftest import sim_orders, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 20
TERMS = [
    (symbol, direction, increment)
    for symbol in ("BTCUSDT", "ETHUSDT", "BNBUSDT")
    for direction in ("LONG", "SHORT")
    for increment in ("TEN_MINUTE",)
]  # 6 orders with distinct terms


def test_twenty_clients_each_place_each_order_exactly_once(
    make_trader, make_client, make_order, web_sim
):
    from orders.models import ExecutionReport

    tag = uuid.uuid4().hex[:4]
    names = [f"fleet{n:02d}-{tag}" for n in range(CLIENTS)]
    for name in names:
        make_trader(name)
    clients = [make_client(name, pacer=Pacer()) for name in names]  # the app's 1 s pacing

    def ready(client):
        client.login()
        client.bind()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(ready, clients))
    for client in clients:
        client.start()

    orders = []
    for symbol, direction, increment in TERMS:  # created while the clients pull
        orders.append(make_order(symbol=symbol, direction=direction, time_increment=increment))
        time.sleep(0.3)
    order_ids = {o.pk for o in orders}

    def all_reported() -> bool:
        return ExecutionReport.objects.filter(order_id__in=order_ids).count() == len(
            order_ids
        ) * len(clients)

    started = time.monotonic()
    wait_for(all_reported, timeout=60, what="every client to report every order")
    elapsed = time.monotonic() - started
    time.sleep(1.5)  # a few more pulls: nothing may arrive twice

    for client in clients:
        placed = sim_orders(web_sim, client.username)
        per_order = Counter((p["symbolName"], p["direction"], p["timeIncrements"]) for p in placed)
        assert per_order == Counter(TERMS), (client.username, per_order)
        journaled = [client.journal.get(pk) for pk in order_ids]  # type: ignore[union-attr]
        assert all(e is not None and e.state == j.PLACED for e in journaled)
        assert {e.binance_order_id for e in journaled if e} == {p["orderId"] for p in placed}

    rows = ExecutionReport.objects.filter(order_id__in=order_ids)
    assert rows.count() == CLIENTS * len(TERMS)
    assert set(rows.values_list("outcome", flat=True)) == {"placed"}
    ids = list(rows.values_list("binance_order_id", flat=True))
    assert len(set(ids)) == len(ids)  # no Binance order counted for two (trader, order) pairs
    print(f"\n{CLIENTS} clients x {len(TERMS)} orders placed and reported in {elapsed:.1f} s")
