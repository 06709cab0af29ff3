"""``make demo``'s Alpha scenario: two sim traders' bots make cycles on the demo tokens."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import trader_create
from devtools.demo import alpha_scenario as demo_scenario
from devtools.management.commands.run_demo_scenarios import SCENARIOS
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaCycle

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_demo_traders_make_cycles(sim) -> None:
    assert "devtools.demo.alpha_scenario" in SCENARIOS
    for alpha_id, symbol, price, mul in (("ALPHA_175", "AITECH", "0.0123", "4"),
                                         ("ALPHA_373", "B2", "0.23", "1")):  # fmt: skip
        sim.control.ok("POST", "/sim/alpha/tokens",
                       json={"alphaId": alpha_id, "symbol": symbol, "price": price,
                             "mulPoint": mul})  # fmt: skip
    for name in ("trader1", "trader2"):
        trader_create(username=name, password="pw-12345678",
                      expires_at=timezone.now() + timedelta(days=3))  # fmt: skip
    stop = threading.Event()
    with InProcess():
        thread = threading.Thread(target=demo_scenario.run, args=(stop,),
                                  kwargs={"interval_s": 0.3, "base_url": sim.url})  # fmt: skip
        thread.start()
        try:
            for name in ("trader1", "trader2"):
                wait_for(lambda n=name: AlphaCycle.objects.filter(
                    bot__trader__username=n, closed_at__isnull=False).count() >= 2, timeout=40)  # fmt: skip
        finally:
            stop.set()
            thread.join(10)
