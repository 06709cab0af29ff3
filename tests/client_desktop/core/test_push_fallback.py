"""The desktop core on push (``run_push``, a real process) with the pull as its fallback: each
order is placed once per trader whatever happens to the socket — the push process killed
mid-stream, a socket dropped before the acknowledgement, Redis restarted, 20 clients with the
socket flapping. Counted on the simulator's order book (terms identify the order) and in the
server's execution reports."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings

from backoffice.embedded_redis import EmbeddedRedis, free_port
from client_desktop.core import journal as j
from kernel.redis import reset_redis_pool
from tests.client_desktop.core.conftest import sim_orders, wait_for
from tests.fixtures.push import PushProcess, database_url

pytestmark = pytest.mark.django_db(transaction=True)

TERMS = [
    (symbol, direction, increment)
    for increment in ("TEN_MINUTE", "THIRTY_MINUTE", "ONE_HOUR")
    for symbol in ("BTCUSDT", "ETHUSDT", "BNBUSDT")
    for direction in ("LONG", "SHORT")
]  # 18 orders with distinct terms


def ready_clients(make_trader, make_client, push_url: str, count: int) -> list:
    tag = uuid.uuid4().hex[:4]
    names = [f"push{n:02d}-{tag}" for n in range(count)]
    for name in names:
        make_trader(name)
    clients = [make_client(name, push_url=push_url) for name in names]

    def ready(client):
        client.login()
        client.bind()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(ready, clients))
    for client in clients:
        client.start()
    return clients


def on_push(client) -> bool:
    return bool(client.trader and client.trader.push and client.trader.push.connected)


def assert_each_placed_once(clients, orders, web_sim) -> None:
    from orders.models import ExecutionReport

    ids = {o.pk for o in orders}
    terms = Counter((o.symbol, o.direction, o.time_increment) for o in orders)
    wait_for(
        lambda: ExecutionReport.objects.filter(order_id__in=ids).count() == len(ids) * len(clients),
        timeout=60,
        what="every client to report every order",
    )
    time.sleep(1.0)  # a little longer: nothing may arrive twice
    for client in clients:
        placed = sim_orders(web_sim, client.username)
        per_order = Counter((p["symbolName"], p["direction"], p["timeIncrements"]) for p in placed)
        assert per_order == terms, (client.username, per_order)
        journaled = [client.journal.get(pk) for pk in ids]
        assert all(e is not None and e.state == j.PLACED for e in journaled)
    rows = ExecutionReport.objects.filter(order_id__in=ids)
    assert set(rows.values_list("outcome", flat=True)) == {"placed"}


def test_push_delivers_and_reports_and_survives_a_kill(
    make_trader, make_client, make_order, web_sim, push_process
):
    [client] = ready_clients(make_trader, make_client, push_process.url, 1)
    wait_for(lambda: on_push(client), what="the push socket")
    first = make_order()
    wait_for(lambda: client.journal.get(first.pk), timeout=5, what="the pushed order")
    push_process.kill()  # mid-stream: the client falls back to the pull
    orders = [first]
    for symbol, direction, increment in TERMS[1:4]:
        orders.append(make_order(symbol=symbol, direction=direction, time_increment=increment))
    wait_for(lambda: all(client.journal.get(o.pk) for o in orders), timeout=10, what="pulled")
    push_process.start()
    wait_for(lambda: on_push(client), timeout=15, what="the socket back")
    for symbol, direction, increment in TERMS[4:6]:
        orders.append(make_order(symbol=symbol, direction=direction, time_increment=increment))
    assert_each_placed_once([client], orders, web_sim)
    assert client.trader.push.connects >= 2


def test_a_socket_dropped_before_the_acknowledgement(
    make_trader, make_client, make_order, web_sim, push_process
):
    [client] = ready_clients(make_trader, make_client, push_process.url, 1)
    wait_for(lambda: on_push(client), what="the push socket")
    channel = client.trader.push
    real_ack, dropped = channel.ack, []

    def drop_instead(ids):  # the first acknowledgement never leaves: the socket dies first
        if not dropped:
            dropped.append(list(ids))
            channel._ws.close()
            return False
        return real_ack(ids)

    channel.ack = drop_instead
    order = make_order()
    assert_each_placed_once([client], [order], web_sim)
    assert dropped and dropped[0] == [f"{order.pk}-{client.trader_id}"]


def test_redis_restart_under_push(make_trader, make_client, make_order, web_sim, tmp_path):
    """A throw-away Redis for the live server, this test and the push process; restarted empty
    while the client is connected."""
    redis_server = EmbeddedRedis(tmp_path / "redis").start()
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    push = PushProcess(free_port(), url, database_url(), log=tmp_path / "push.log")
    try:
        with override_settings(REDIS_URL=url):
            reset_redis_pool()
            push.start()
            [client] = ready_clients(make_trader, make_client, push.url, 1)
            wait_for(lambda: on_push(client), what="the push socket")
            orders = [make_order()]
            wait_for(lambda: client.journal.get(orders[0].pk), timeout=5, what="pushed")
            redis_server.stop()
            redis_server.start()  # same port, empty: sessions, delivery state, all gone
            reset_redis_pool()
            for symbol, direction, increment in TERMS[1:3]:
                orders.append(
                    make_order(symbol=symbol, direction=direction, time_increment=increment)
                )
            assert_each_placed_once([client], orders, web_sim)
    finally:
        push.stop()
        redis_server.stop()
        reset_redis_pool()


def test_twenty_clients_with_the_socket_flapping(
    make_trader, make_client, make_order, web_sim, push_process
):
    clients = ready_clients(make_trader, make_client, push_process.url, 20)
    wait_for(lambda: all(on_push(c) for c in clients), timeout=20, what="20 sockets")
    stop = threading.Event()

    def flap():  # the push process dies, and comes back (a start takes ~2 s) after 0.7 s
        while not stop.wait(1.0):
            push_process.kill()
            if stop.wait(0.7):
                break
            push_process.start()

    flapper = threading.Thread(target=flap)
    flapper.start()
    orders = []
    try:
        for symbol, direction, increment in TERMS[:14]:
            orders.append(make_order(symbol=symbol, direction=direction, time_increment=increment))
            time.sleep(0.8)
    finally:
        stop.set()
        flapper.join(30)
    if push_process.proc.poll() is not None:
        push_process.start()
    assert push_process.starts >= 3
    assert_each_placed_once(clients, orders, web_sim)
