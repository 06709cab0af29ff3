"""The /sim control API: accounts, balances, prices, clock, faults, reset."""

from __future__ import annotations

import httpx
import pytest

from tests.exchange_sim.clients import BinanceRest

pytestmark = pytest.mark.integration


def test_health_and_prices(sim):
    health = sim.control.ok("GET", "/sim/health")
    assert health["status"] == "ok" and {"binance_spot", "bitget"} <= set(health["venues"])
    prices = sim.control.ok("POST", "/sim/prices", json={"prices": {"ETHUSDT": "3000.50"}})
    assert prices["ETHUSDT"] == "3000.50"
    moved = sim.control.ok("POST", "/sim/prices", json={"symbol": "ETHUSDT", "move_pct": "-10"})
    assert moved["ETHUSDT"] == "2700.45"
    sim.control.ok(
        "POST", "/sim/prices", json={"symbol": "BNBUSDT", "script": ["610", "620"], "steps": 1}
    )
    assert sim.control.ok("GET", "/sim/prices")["BNBUSDT"] == "610"
    sim.control.ok("POST", "/sim/prices", json={"symbol": "BNBUSDT", "steps": 1})
    assert sim.control.ok("GET", "/sim/prices")["BNBUSDT"] == "620"
    bad = sim.control.post("/sim/prices", json={"symbol": "BTCUSDT", "price": 1.5})
    assert bad.status_code == 400 and "decimal string" in bad.json()["error"]
    sim.reset()
    assert sim.control.ok("GET", "/sim/prices")["ETHUSDT"] == "3200.00"


def test_binance_accounts_with_supplied_keys_and_balances(sim):
    created = sim.control.binance_account(
        {"USDT": "10"}, api_key="my-key-" + "a" * 20, api_secret="my-secret", name="leader-1"
    )
    assert created["api_key"] == "my-key-" + "a" * 20 and created["api_secret"] == "my-secret"
    clash = sim.control.post("/sim/binance/accounts", json={"api_key": created["api_key"]})
    assert clash.status_code == 400
    by_name = sim.control.ok("GET", "/sim/binance/accounts/leader-1")
    assert by_name["account_id"] == created["account_id"] and "api_secret" not in by_name
    balances = sim.control.ok(
        "PUT",
        f"/sim/binance/accounts/{created['account_id']}/balances",
        json={"balances": {"USDT": "250.5", "BNB": "1"}},
    )
    assert balances["USDT"] == {"free": "250.50000000", "locked": "0.00000000"}
    client = BinanceRest(sim.url, created["api_key"], "my-secret")
    assert client.free("BNB") == "1.00000000"
    client.close()
    assert sim.control.get("/sim/binance/accounts/nobody").status_code == 404


def test_control_trade_and_order_listing(sim):
    acc = sim.control.binance_account({"USDT": "100"})
    path = f"/sim/binance/accounts/{acc['account_id']}"
    order = sim.control.ok(
        "POST", f"{path}/trade", json={"symbol": "BTCUSDT", "side": "BUY", "quoteOrderQty": "65"}
    )
    assert order["status"] == "FILLED" and order["type"] == "MARKET"
    refused = sim.control.post(
        f"{path}/trade", json={"symbol": "BTCUSDT", "side": "BUY", "quoteOrderQty": "500"}
    )
    assert refused.status_code == 400 and refused.json()["code"] == -2010
    listed = sim.control.ok("GET", f"{path}/orders", params={"status": "FILLED"})
    assert [o["orderId"] for o in listed] == [order["orderId"]]
    assert len(sim.control.ok("GET", f"{path}/trades")) == 1


def test_bitget_accounts(sim):
    acc = sim.control.bitget_account({"USDT": "50"}, demo=True, passphrase="pp")
    assert acc["demo"] is True and acc["passphrase"] == "pp"
    path = f"/sim/bitget/accounts/{acc['api_key']}"
    placed = sim.control.ok(
        "POST",
        f"{path}/trade",
        json={"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "10"},
    )
    assert placed["status"] == "filled" and placed["quoteVolume"] == "9.945"
    assert sim.control.ok("GET", f"{path}/balances")["USDT"]["available"] == "40.055"
    assert (
        sim.control.ok("PUT", f"{path}/balances", json={"balances": {"USDT": "5"}})["USDT"][
            "available"
        ]
        == "5"
    )


def test_faults_arm_list_clear(sim):
    armed = sim.control.fault("drop_reply", account="key-1", count=2, mode="hang")
    assert (
        armed["kind"] == "drop_reply"
        and armed["count"] == 2
        and armed["params"] == {"mode": "hang"}
    )
    sim.control.fault("rate_limit")
    assert {f["kind"] for f in sim.control.ok("GET", "/sim/faults")} == {"drop_reply", "rate_limit"}
    assert sim.control.ok("DELETE", "/sim/faults?account=key-1") == {"cleared": 1}
    assert sim.control.clear_faults() == {"cleared": 1}
    unknown = sim.control.post("/sim/faults", json={"kind": "meteor"})
    assert unknown.status_code == 400


def test_clock_skew(sim):
    acc = sim.control.binance_account({"USDT": "10"})
    client = BinanceRest(sim.url, acc["api_key"], acc["api_secret"])
    sim.control.ok("POST", "/sim/clock", json={"offset_ms": -10_000})  # server 10 s behind
    assert client.signed("GET", "/api/v3/account").json()["code"] == -1021
    sim.control.ok("POST", "/sim/clock", json={})
    assert client.signed("GET", "/api/v3/account").is_success
    client.close()
    assert httpx.get(f"{sim.url}/sim/health").json()["status"] == "ok"
