"""``manage.py signals_backtest``: the JSON shape of the issue, deterministic, clear errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.trading.futures.market_data import XRP_1H, XRP_5M, XRP_FUNDING

TOP = {"symbol", "interval", "bars", "strategies"}
STRATEGY = {
    "name", "signals", "hit_rate", "base_rate", "expectancy_r", "expectancy_net_r",
    "profit_factor", "avg_mfe_r", "avg_mae_r", "max_drawdown_r", "trades",
}  # fmt: skip
TRADE = {"open_time", "direction", "entry", "tp", "sl", "horizon_bars", "outcome", "exit_time", "r"}


def _run(tmp_path, name: str, *args: str) -> dict:
    out = tmp_path / name
    call_command(
        "signals_backtest", "--klines", str(XRP_5M), "--symbol", "XRPUSDT", "--interval", "5m",
        "--json", str(out), *args, stdout=open(tmp_path / "stdout.txt", "w"),
    )  # fmt: skip
    return json.loads(out.read_text())


def test_json_shape_and_determinism(tmp_path) -> None:
    first = _run(tmp_path, "a.json", "--strategy", "all", "--funding", str(XRP_FUNDING))
    second = _run(tmp_path, "b.json", "--strategy", "all", "--funding", str(XRP_FUNDING))
    assert first == second
    assert set(first) == TOP and (first["symbol"], first["interval"], first["bars"]) == (
        "XRPUSDT",
        "5m",
        1999,
    )
    assert [s["name"] for s in first["strategies"]] == [
        "trend_ema_adx", "meanrev_rsi_bb", "breakout_donchian_atr", "model_gbm",
    ]  # fmt: skip
    for strategy in first["strategies"]:
        assert set(strategy) == STRATEGY
        assert strategy["signals"] == len(strategy["trades"])
        for trade in strategy["trades"]:
            assert set(trade) == TRADE
            assert trade["outcome"] in {"tp", "sl", "timeout"}
            assert trade["exit_time"] >= trade["open_time"] + 300_000
            for key in ("entry", "tp", "sl"):
                assert isinstance(trade[key], str) and Decimal(trade[key]) > 0


def test_fee_changes_only_net_figures(tmp_path) -> None:
    cheap = _run(tmp_path, "c.json", "--strategy", "trend_ema_adx", "--fee-bps", "0")
    dear = _run(tmp_path, "d.json", "--strategy", "trend_ema_adx", "--fee-bps", "10")
    a, b = cheap["strategies"][0], dear["strategies"][0]
    assert a["expectancy_r"] == b["expectancy_r"] and a["trades"] == b["trades"]
    assert a["expectancy_net_r"] > b["expectancy_net_r"]


def test_unknown_strategy_and_missing_file(tmp_path) -> None:
    with pytest.raises(CommandError, match="unknown strategy"):
        _run(tmp_path, "e.json", "--strategy", "astrology")
    with pytest.raises(CommandError, match="no such file"):
        call_command("signals_backtest", "--klines", str(tmp_path / "nope.csv"),
                     "--symbol", "X", "--interval", "1h")  # fmt: skip


def test_short_file_runs(tmp_path) -> None:
    out = tmp_path / "h.json"
    call_command("signals_backtest", "--klines", str(XRP_1H), "--symbol", "XRPUSDT",
                 "--interval", "1h", "--json", str(out), stdout=open(tmp_path / "o.txt", "w"))  # fmt: skip
    assert json.loads(out.read_text())["bars"] == 100


def test_bench_command_prints_its_figures(tmp_path) -> None:
    out = tmp_path / "bench.txt"
    with open(out, "w") as fh:
        call_command(
            "bench_signals",
            "--klines",
            str(XRP_1H),
            "--interval",
            "1h",
            "--window",
            "80",
            stdout=fh,
        )
    doc = json.loads(out.read_text())
    assert doc["calibration_s"] > 0 and doc["bars"] == 100
    assert set(doc["backtest_s"]) == set(doc["live_decide_ms"]) == {
        "trend_ema_adx", "meanrev_rsi_bb", "breakout_donchian_atr", "model_gbm",
    }  # fmt: skip
