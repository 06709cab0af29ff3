"""Demo data for the futures screens (``--demo-screenshots``): a trader with two open positions,
a week of trades, a rising PnL curve and two statements — and the confirmation of a new signal
with one risk check failing, as a trader would see it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from client_desktop.core.futures_api import (
    Check,
    KeyStatus,
    Pnl,
    PnlDay,
    PositionRow,
    Preview,
    StatementRow,
    TradeRequest,
    TradeRow,
)
from client_desktop.ui.futures_confirm import TradeConfirmDialog
from client_desktop.ui.futures_key import KeyDialog
from client_desktop.ui.futures_tab import FuturesTab

SIGNAL = TradeRequest("sig-20261207-btc-1", "BTCUSDT", "LONG", D("98250"), D("101200"),
                      D("96800"), D("200"), 10)  # fmt: skip
CHECKS = {
    "zh": [("daily_loss", True, "今日盈亏 +36.20 USDT，亏损上限 250.00 USDT"),
           ("sl_cooldown", True, "连续止损 0 次（上限 3）"),
           ("trades_per_day", True, "今日第 3 笔（上限 10）"),
           ("stop_loss_side", True, "止损价 96,800.00 方向正确"),
           ("leverage", True, "杠杆 10x ≤ 20x"),
           ("position_notional", True, "持仓名义价值 1,964.97 ≤ 5,000.00 USDT"),
           ("loss_per_trade", False, "触发止损时最多亏损 30.97 USDT，超过钱包 1,250.00 USDT 的 2.00%（上限 25.00 USDT）。"),
           ("min_notional", True, "名义价值 1,964.97 ≥ 50.00 USDT"),
           ("pacing", True, "下单间隔正常")],
    "en": [("daily_loss", True, "Today's PnL +36.20 USDT, loss limit 250.00 USDT"),
           ("sl_cooldown", True, "0 stop-losses in a row (limit 3)"),
           ("trades_per_day", True, "Trade 3 today (limit 10)"),
           ("stop_loss_side", True, "Stop-loss 96,800.00 on the right side"),
           ("leverage", True, "Leverage 10x ≤ 20x"),
           ("position_notional", True, "Position notional 1,964.97 ≤ 5,000.00 USDT"),
           ("loss_per_trade", False, "Hitting the stop would lose up to 30.97 USDT, more than 2.00% of the 1,250.00 USDT wallet (limit 25.00 USDT)."),
           ("min_notional", True, "Notional 1,964.97 ≥ 50.00 USDT"),
           ("pacing", True, "Order pacing OK")],
}  # fmt: skip


class DemoFuturesApi:
    """Answers like the server would, without one."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def preview(self, trade: TradeRequest) -> Preview:
        checks = tuple(Check(*c) for c in CHECKS[self.lang])
        return Preview(D("98248.5"), D("0.020"), D("1964.97"), D("196.50"), trade.leverage,
                       D("30.97"), all(c.ok for c in checks), checks)  # fmt: skip

    def open(self, trade: TradeRequest) -> TradeRow:
        raise RuntimeError("demo")

    def key(self) -> KeyStatus:
        return KeyStatus("hT4x••••9QeL", "test", False, False, D("1250.00"), True, "", None)

    def positions(self) -> list[PositionRow]:
        return [PositionRow("BTCUSDT", D("0.020"), D("97410.2"), D("98248.5"), D("16.77")),
                PositionRow("ETHUSDT", D("-0.450"), D("3655.40"), D("3671.90"), D("-7.43"))]  # fmt: skip

    def trades(self) -> list[TradeRow]:
        label = {
            "zh": ("持仓中（已挂止盈止损）", "已平仓"),
            "en": ("Open (TP/SL placed)", "Closed"),
        }
        live, closed = label[self.lang]
        spec = [
            (31, "12-07T09:41", "BTCUSDT", "LONG", "0.020", "97410.2", "95900", "100300", live, None),
            (30, "12-07T08:02", "ETHUSDT", "SHORT", "0.450", "3655.40", "3730", "3500", live, None),
            (28, "12-06T21:15", "SOLUSDT", "LONG", "9", "221.38", "214", "236", closed, "31.42"),
            (27, "12-06T14:50", "BTCUSDT", "SHORT", "0.015", "96880.0", "98300", "94000", closed, "-22.76"),
            (25, "12-05T10:12", "BNBUSDT", "LONG", "2.10", "689.450", "672", "720", closed, "58.10"),
            (24, "12-04T16:33", "ETHUSDT", "LONG", "0.380", "3580.10", "3490", "3760", closed, "64.95"),
        ]  # fmt: skip
        return [TradeRow(i, s, d, "closed" if net else "protected", st, 10, D(q), D(e), D(sl),
                         D(tp), "", D(net) if net else None, "", f"2026-{t}")
                for i, t, s, d, q, e, sl, tp, st, net in spec]  # fmt: skip

    def pnl(self) -> Pnl:
        start, running, days = date(2026, 11, 23), D(0), []
        for i, net in enumerate(["12.4", "-8.1", "25.7", "0", "31.2", "-22.8", "18.9", "44.6",
                                 "-5.3", "27.5", "64.95", "58.1", "-22.76", "31.42"]):  # fmt: skip
            running += D(net)
            days.append(PnlDay((start + timedelta(days=i)).isoformat(), D(net), running))
        totals = {"trades": 14, "wins": 10, "win_rate": "0.7143", "net": f"{running:.2f}",
                  "fees": "-18.44", "funding": "-3.07"}  # fmt: skip
        return Pnl(totals, tuple(days))

    def statements(self) -> list[StatementRow]:
        return [StatementRow("2026-11-30", "2026-12-07", 1, "issued", D("119.02"), D("119.02"),
                             D("83.31"), D("35.71"), D(0)),
                StatementRow("2026-11-23", "2026-11-30", 1, "issued", D("137.01"), D("137.01"),
                             D("95.91"), D("41.10"), D(0))]  # fmt: skip


def grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def render(window: QWidget, add_tab, out_dir: Path, lang: str) -> list[Path]:  # type: ignore[no-untyped-def]
    """The futures tab inside ``window`` and the confirmation dialog, as PNG files."""
    api = DemoFuturesApi(lang)
    tab = FuturesTab(api, lang)
    add_tab(tab)
    tab.show_all((api.positions(), api.trades(), api.pnl(), api.statements()))
    paths = [grab(window, out_dir / "futures.png")]
    dialog = TradeConfirmDialog(api, SIGNAL, lang)
    dialog.runner.wait()
    for _ in range(5):
        QApplication.processEvents()
    dialog.show_preview(api.preview(SIGNAL))
    dialog.show()
    paths.append(grab(dialog, out_dir / "futures_confirm.png"))
    dialog.close()
    key = KeyDialog(api, lang)
    key.runner.wait()
    for _ in range(5):
        QApplication.processEvents()
    key.show_status(api.key())
    key.show()
    paths.append(grab(key, out_dir / "futures_key.png"))
    key.close()
    return paths
