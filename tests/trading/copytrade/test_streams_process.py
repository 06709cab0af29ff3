"""``manage.py run_streams`` as the demo and docker run it: a real child process with the registered
jobs, on the test database, the simulator and Redis — a leader trade becomes a LeaderEvent, and
SIGTERM stops the process cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from trading.copytrade.models import LeaderEvent
from trading.copytrade.selectors import leader_connection
from trading.copytrade.services import followers as services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]


def child_env() -> dict[str, str]:
    """The child uses this test's (committed) database, Redis database and simulator."""
    db = connection.settings_dict
    if connection.vendor != "mysql":
        pytest.skip("needs a server database the child process can share (TEST_DATABASE_URL)")
    url = f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 3306}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings.test"}
    env.update(TEST_DATABASE_URL=url, REDIS_URL=settings.REDIS_URL)
    return env


def wait_for(check, what: str, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert proc.poll() is None, f"run_streams exited early ({proc.returncode})"
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.1)


def test_run_streams_watches_the_leader_and_stops_on_sigterm(sim, tmp_path):
    sim.control.set_price("BTCUSDT", "50000")
    account = sim.control.binance_account({"USDT": "5000", "BTC": "0.2"})
    services.leader_set(
        environment="sim", api_key=account["api_key"], api_secret=account["api_secret"]
    )
    log = (tmp_path / "streams.log").open("w+")
    proc = subprocess.Popen(  # the registered jobs, exactly as `make demo` starts them
        [sys.executable, "manage.py", "run_streams"],
        cwd=ROOT,
        env=child_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: leader_connection().state == "connected", "leader connected", proc)
        path = f"/sim/binance/accounts/{account['account_id']}/trade"
        body = {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.05"}
        reply = sim.control.ok("POST", path, json=body)
        wait_for(lambda: LeaderEvent.objects.exists(), "the leader event", proc)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    [event] = LeaderEvent.objects.all()
    assert event.leader_order_id == str(reply["orderId"])
    assert (event.balance_before, event.ratio) == (Decimal("0.2"), Decimal("0.25"))
    assert event.not_copied_reason == "stopped"  # the copy switch is off by default
    log.seek(0)
    output = log.read()
    assert "SIGTERM received" in output and "stream process stopped" in output
    assert leader_connection().state == "disconnected"
