"""Products never see the wire: ``scripts/check_boundaries.py`` finds no venue path and no use of
a connector's signed-request layer in a product module, and it does find each kind in a bad one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.script_loader import load_script

ROOT = Path(__file__).resolve().parent.parent


checker = load_script("check_boundaries")


def test_the_tree_has_no_violation():
    found = checker.violations()
    assert found == [], "\n".join(map(str, found))


def test_the_script_exits_zero_on_the_tree():
    done = subprocess.run(
        [sys.executable, "scripts/check_boundaries.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, "")


def test_every_product_package_is_checked():
    assert all((ROOT / package).is_dir() for package in checker.PRODUCTS)


BAD = [
    ('ALL_ORDERS = "/api/v3/allOrders"\n', "venue-path"),
    ('path = f"/fapi/v1/order?symbol={s}"\n', "venue-path"),
    ('URL = "https://api.bitget.com/api/v2/spot/trade/place-order"\n', "venue-path"),
    ('x = "/sapi/v1/capital/config/getall"\n', "venue-path"),
    ('x = "/bapi/futures/v1/private/future/event-contract/place-order"\n', "venue-path"),
    ("rest = client.rest\n", "connector-internals"),
    ('reply = c.rest.signed("GET", P, {})\n', "connector-internals"),
    ('reply = layer.signed("POST", P, {})\n', "connector-internals"),
    ("now = client.rest.time.now_ms()\n", "connector-internals"),
    ("client.stream.heartbeat_interval = 10.0\n", "connector-internals"),
    ('clock = getattr(getattr(client, "rest", None), "time", None)\n', "connector-internals"),
    ("session = client.stream.open_session()\n", "connector-internals"),
]


@pytest.mark.parametrize(("source", "rule"), BAD)
def test_each_kind_of_violation_is_detected(tmp_path, source, rule):
    module = tmp_path / "orders" / "bad.py"
    module.parent.mkdir()
    module.write_text(source)
    found = checker.violations(tmp_path, {rule: checker.RULES[rule]})
    assert [(v.path, v.line, v.rule) for v in found][:1] == [("orders/bad.py", 1, rule)]


def test_the_script_fails_on_a_bad_tree(tmp_path, capsys):
    (tmp_path / "trading" / "copytrade" / "streams").mkdir(parents=True)
    (tmp_path / "trading" / "copytrade" / "streams" / "watcher.py").write_text(
        "p = '/api/v3/account'\n"
    )
    assert checker.main(tmp_path) == 1
    assert capsys.readouterr().out == (
        "trading/copytrade/streams/watcher.py:1: [venue-path] venue path '/api/v3' in '/api/v3/account'\n"
    )


GOOD = [
    'PULL = "/api/v1/event-orders/pull"\n',  # Fleet's own API
    'def f():\n    """Reads ``GET /api/v3/account`` (weight 20)."""\n',  # prose, not the wire
    "snapshot = await client.account_snapshot()\n",
    "now = client.venue_now_ms()\n",
    'SOURCE_REST = "rest"\nrest = kinds.get(oid)\nok = rest.type == "MARKET"\n',
    'label = "the rest of the amount"\n',
]


@pytest.mark.parametrize("source", GOOD)
def test_what_is_not_a_violation(tmp_path, source):
    module = tmp_path / "orders" / "good.py"
    module.parent.mkdir()
    module.write_text(source)
    assert checker.violations(tmp_path) == []


def test_migrations_are_skipped(tmp_path):
    module = tmp_path / "orders" / "migrations" / "0001_initial.py"
    module.parent.mkdir(parents=True)
    module.write_text('x = "/api/v3/order"\n')
    assert checker.violations(tmp_path) == []
