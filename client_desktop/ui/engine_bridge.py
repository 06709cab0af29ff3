"""The auto-trader (``client_desktop.core.autotrader``, a worker thread) seen from Qt: its
callbacks arrive on the worker thread and are re-emitted as signals, which Qt queues to the GUI
thread. Blocking calls (stop, set_amount) are run on the pool, never on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from client_desktop.core.api_client import ApiClient
from client_desktop.core.autotrader import AutoTrader, TradingState, Venue
from client_desktop.core.binding import Binding
from client_desktop.core.journal import Journal, OrderView
from client_desktop.core.push import PushChannel
from client_desktop.core.session import Session
from client_desktop.ui.orders_model import Counters, OrderRow

JOURNAL_FILE = "journal.sqlite3"
EngineFactory = Callable[[ApiClient, Session, Binding, Path, str], AutoTrader]


def default_engine_factory(
    binance_env: str, base_url: str | None = None, push_url: str = ""
) -> EngineFactory:
    """Auto-traders on Binance ``binance_env`` (``prod`` or ``sim``) with the journal in the
    data directory; orders pushed over ``push_url`` when it is set (the pull is the fallback)."""

    def make(api: ApiClient, session: Session, binding: Binding, data_dir: Path, lang: str):
        journal = Journal(data_dir / JOURNAL_FILE, api.server, session.trader.id)
        venue = Venue(env=binance_env, base_url=base_url)
        push = PushChannel(push_url, lambda: api.token, clock=api.clock) if push_url else None
        return AutoTrader(api, session, binding, journal, venue=venue, lang=lang, push=push)

    return make


def order_row(view: OrderView) -> OrderRow:
    return OrderRow(**view.as_dict())


def counters_of(state: TradingState) -> Counters:
    return Counters(state.received_today, state.placed_today, state.failed_today)


class EngineBridge(QObject):
    """Signals: ``state`` (TradingState), ``row`` (OrderRow), ``stopped`` (reason code)."""

    state = Signal(object)
    row = Signal(object)
    stopped = Signal(str)

    def __init__(self, trader: AutoTrader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trader = trader
        trader.subscribe(
            on_state=self.state.emit,
            on_row=lambda view: self.row.emit(order_row(view)),
            on_stopped=self.stopped.emit,
        )

    def history(self) -> list[OrderRow]:
        """The journal's newest rows (oldest first, so upserting leaves the newest on top)."""
        return [order_row(view) for view in reversed(self.trader.rows())]

    def start(self, auto_on: bool) -> None:
        """Start (or restart after re-binding) the worker; it recovers the journal first."""
        self.trader.set_auto(auto_on)
        self.trader.start()

    def set_auto(self, on: bool) -> None:
        self.trader.set_auto(on)

    def set_amount(self, amount: Decimal) -> Any:
        """Blocking: save on the server (run it on the pool)."""
        return self.trader.set_amount(amount)

    def shutdown(self) -> None:
        """Blocking: stop the worker (an order being placed is finished first), close the
        journal. Run it on the pool, or at exit."""
        self.trader.stop()
        self.trader.journal.close()
