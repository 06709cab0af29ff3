"""The trader's futures API: key binding (withdraw-enabled keys refused), preview, the click,
trades, positions, PnL, statements, manual close; errors in the one shape."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trading.futures_trading.models import FuturesAccount

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

TRADE = {
    "signal_key": "api-1", "symbol": "BTCUSDT", "direction": "LONG", "entry_ref": "50000",
    "take_profit": "52000", "stop_loss": "49000", "margin": "100", "leverage": 10,
}  # fmt: skip


def test_preview_click_positions_pnl_close(sim, api):
    preview = api("post", "preview", TRADE).json()
    assert preview["ok"] and preview["quantity"] == "0.02" and preview["notional"] == "1000.00"
    assert preview["margin"] == "100.00" and preview["worst_case_loss"] == "20.99"
    assert {c["rule"] for c in preview["checks"]} >= {"leverage", "loss_per_trade", "pacing"}
    opened = api("post", "trades", TRADE)
    assert opened.status_code == 201 and opened.json()["state"] == "protected"
    assert api("post", "trades", TRADE).json()["id"] == opened.json()["id"]  # replay
    positions = api("get", "positions").json()["positions"]  # shown at once, before any sync
    assert positions[0]["amount"] == "0.02000000" and positions[0]["unrealized_pnl"] == "0.0000"
    sim.control.set_price("BTCUSDT", "50500.00")
    from trading.futures_trading.services import marks
    from trading.futures_trading.services.sync import account_sync

    marks._cache.clear()
    positions = api("get", "positions").json()["positions"]  # live mark, no sync needed
    assert positions[0]["mark_price"] == "50500.00" and positions[0]["unrealized_pnl"] == "10.0000"
    closed = api("post", f"trades/{opened.json()['id']}/close", {})
    assert closed.json()["state"] == "closed" and closed.json()["close_reason"] == "manual"
    account_sync(FuturesAccount.objects.get(trader=api.desk.trader))
    pnl = api("get", "pnl").json()
    assert pnl["totals"]["trades"] == 1 and pnl["days"][0]["gross"] == "10.0000"
    trades = api("get", "trades").json()["trades"]
    assert trades[0]["net"] == pnl["totals"]["net"]
    statements = api("get", "statements").json()
    assert statements["current"]["income_count"] == 3
    share = (Decimal(pnl["totals"]["net"]) * Decimal("0.7")).quantize(Decimal("0.01"))
    assert Decimal(statements["current"]["platform_share"]) == share


def test_errors_have_the_one_shape(sim, api):
    bad = api("post", "trades", {**TRADE, "leverage": 500, "symbol": "btc"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    assert set(bad.json()["detail"]) == {"leverage", "symbol"}
    missing = api("post", "trades/999999/close", {})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_key_binding_refuses_withdraw_keys(sim, api):
    risky = sim.control.ok("POST", "/sim/futures/accounts",
                           json={"balance": "10", "can_withdraw": True})  # fmt: skip
    reply = api("put", "key", {"api_key": risky["api_key"], "api_secret": risky["secret"],
                               "environment": "sim"})  # fmt: skip
    assert reply.status_code == 400 and reply.json()["code"] == "key_can_withdraw"
    account = FuturesAccount.objects.get(trader=api.desk.trader)
    assert account.credential.api_key != risky["api_key"]  # the old key is kept
    safe = sim.control.ok("POST", "/sim/futures/accounts", json={"balance": "25"})
    reply = api("put", "key", {"api_key": safe["api_key"], "api_secret": safe["secret"],
                               "environment": "sim"})  # fmt: skip
    assert reply.status_code == 200 and reply.json()["wallet"] == "25.00"
    assert reply.json()["api_key_masked"] != safe["api_key"]
    tested = api("post", "key/test", {}).json()
    assert tested["ok"] is True and tested["can_withdraw"] is False
