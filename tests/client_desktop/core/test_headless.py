"""The headless runner: ``run_demo`` (the ``make demo`` scenario) and the command line."""

from __future__ import annotations

import json
import threading

import pytest

from client_desktop.core import headless
from tests.client_desktop.core.conftest import PASSWORD, sim_orders, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_run_demo_binds_the_demo_traders_and_trades_until_stopped(
    server, make_trader, make_order, web_sim, tmp_path
):
    from orders.models import ExecutionReport

    for name in headless.DEMO_USERS:  # as the demo seeds them
        make_trader(name, password=headless.DEMO_PASSWORD)
    stop = threading.Event()
    result: list = []
    worker = threading.Thread(
        target=lambda: result.append(
            headless.run_demo(stop, server.url, web_sim.url, data_root=tmp_path)
        )
    )
    worker.start()
    try:
        order = make_order(validity_seconds=60)
        wait_for(
            lambda: ExecutionReport.objects.filter(order=order).count() == 3,
            timeout=30,
            what="three demo reports",
        )
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()
    [summaries] = result
    assert sorted(s.username for s in summaries) == list(headless.DEMO_USERS)
    assert all(s.placed == 1 and s.unreported == 0 for s in summaries)
    for name in headless.DEMO_USERS:
        assert len([o for o in sim_orders(web_sim, name) if o["status"] == "ONGOING"]) >= 1
    assert web_sim.world.venues["binance_web"].config.event_max_open == 10_000


def test_command_line_runs_clients_and_prints_a_summary(
    server, make_trader, make_order, web_sim, tmp_path, capsys
):
    for name in ("cli1", "cli2"):
        make_trader(name)
    make_order(validity_seconds=60)
    code = headless.main(
        [
            "--server", server.url, "--sim", web_sim.url, "--clients", "2",
            "--users", "cli1,cli2", "--password", PASSWORD, "--seconds", "4",
            "--data-dir", str(tmp_path),
        ]
    )  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [c["username"] for c in out["clients"]] == ["cli1", "cli2"]
    assert all(c["placed"] == 1 and c["unreported"] == 0 for c in out["clients"])
