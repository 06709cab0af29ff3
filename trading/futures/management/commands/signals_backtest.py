"""``manage.py signals_backtest``: run the live strategy code over a candle CSV, grade every signal
and write the scorecard JSON (deterministic: the same file gives the same JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trading.futures.signals import backtest, candles, registry


class Command(BaseCommand):
    help = "Backtest the futures signal strategies on a klines CSV (open_time,open,high,low,close,volume)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--klines", required=True, help="CSV of closed candles")
        parser.add_argument("--symbol", required=True)
        parser.add_argument("--interval", required=True, choices=sorted(candles.INTERVAL_MS))
        parser.add_argument(
            "--strategy", default="all", help=f"all or one of: {', '.join(registry.NAMES)}"
        )
        parser.add_argument("--fee-bps", type=float, default=5.0, help="taker fee per side (bps)")
        parser.add_argument(
            "--funding", help="optional funding CSV (funding_time,funding_rate) for net R"
        )
        parser.add_argument("--json", dest="json_out", help="write the JSON report here")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["klines"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            chosen = registry.strategies([opts["strategy"]])
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        data = candles.read_csv(path, opts["interval"])
        funding = candles.read_funding_csv(opts["funding"]) if opts["funding"] else None
        runs = backtest.run(data, chosen, fee_rate=opts["fee_bps"] / 10_000, funding=funding)
        doc = backtest.report(opts["symbol"], data, runs)
        text = json.dumps(doc, indent=1, sort_keys=False)
        if opts["json_out"]:
            Path(opts["json_out"]).write_text(text + "\n")
        self._summary(doc, runs)

    def _summary(self, doc: dict, runs: list[backtest.StrategyRun]) -> None:
        self.stdout.write(f"{doc['symbol']} {doc['interval']} bars={doc['bars']}")
        for run in runs:
            card = run.score
            self.stdout.write(
                f"  {run.name:22s} signals={card.signals:4d} open={run.still_open} "
                f"hit={_f(card.hit_rate)} base={_f(card.base_rate)} "
                f"exp_r={_f(card.expectancy_r)} exp_net_r={_f(card.expectancy_net_r)} "
                f"pf={_f(card.profit_factor)} dd_r={_f(card.max_drawdown_r)} "
                f"t_net={_f(card.t_stat_net)}"
            )


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
