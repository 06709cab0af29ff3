"""Headless clients: the desktop app's core (login, Binance QR binding, auto-trader, journal)
without a window, N at a time — for the demo, tests and load checks.

The Binance binding is made through the real QR flow against the simulator; the simulator's
control API plays the trader's phone (``POST /sim/web/qr/{code}/confirm``).

    python -m client_desktop.core.headless --server http://127.0.0.1:8000 \\
        --sim http://127.0.0.1:8900 --clients 20 --users trader1,trader2,... \\
        --password demo-pass-123 --seconds 60

prints one JSON summary line at the end (per client: received / placed / failed / skipped /
reported). ``--users`` may be shorter than ``--clients``: several clients of one trader then
share that trader's orders (the server hands each order to one of them).

:func:`run_demo` is the client half of the ``make demo`` event-order scenario (started by
``devtools.demo.orders_scenario``): traders ``trader1``–``trader3`` (password ``demo-pass-123``) log in
against the demo server, bind through the simulator and trade until ``stop_event`` is set; it
retries while the server is still starting.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from client_desktop.core import journal as j
from client_desktop.core.api_client import ApiClient
from client_desktop.core.autotrader import AutoTrader, Venue
from client_desktop.core.binding import Binding, QrLogin, bind_by_qr
from client_desktop.core.journal import Journal
from client_desktop.core.poller import Pacer
from client_desktop.core.push import PushChannel
from client_desktop.core.server_http import ApiError, NetworkError
from client_desktop.core.session import Session, login
from client_desktop.core.settings import device_id
from client_desktop.core.vault import Vault
from trading.exchanges.environments import Env

log = logging.getLogger("fleet.client.headless")

DEMO_USERS = ("trader1", "trader2", "trader3")
DEMO_PASSWORD = "demo-pass-123"
DEMO_BALANCE = "100000"


def sim_user_id(username: str) -> str:
    """The simulator's web user behind a trader (stable: re-binding keeps the same account)."""
    return f"fleet-{username}"


@dataclass
class ClientSummary:
    username: str
    received: int
    placed: int
    failed: int
    skipped: int
    unreported: int
    last_error: str


class HeadlessClient:
    """One client: its own data directory (device id, vault, journal), login and worker."""

    def __init__(
        self,
        server_url: str,
        sim_url: str,
        username: str,
        password: str,
        data_dir: Path,
        *,
        lang: str = "zh",
        pacer: Pacer | None = None,
        place_timeout_s: float = 10.0,
        balance: str = DEMO_BALANCE,
        push_url: str | None = None,
    ) -> None:
        self.push_url = push_url  # the push socket ("" or None: pull only)
        self.server_url = server_url.rstrip("/")
        self.sim_url = sim_url.rstrip("/")
        self.username = username
        self.password = password
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.lang = lang
        self.pacer = pacer
        self.place_timeout_s = place_timeout_s
        self.balance = balance
        self.device_id = device_id(self.data_dir)
        self.api = ApiClient(self.server_url)
        self.vault = Vault(self.data_dir, self.device_id)
        self.binding = Binding(self.vault, username)
        self.session: Session | None = None
        self.journal: Journal | None = None
        self.trader: AutoTrader | None = None
        self.sim_session_id = ""  # the simulator's id of the bound web session (for faults)

    @property
    def venue(self) -> Venue:
        return Venue(env=Env.SIM, base_url=self.sim_url)

    def login(self) -> Session:
        self.session = login(self.api, self.username, self.password, self.device_id)
        self.journal = Journal(self.data_dir / "journal.sqlite3", self.server_url, self.trader_id)
        return self.session

    @property
    def trader_id(self) -> int:
        assert self.session is not None, "log in first"
        return self.session.trader.id

    def bind(self, timeout_s: float = 30.0) -> None:
        """Bind through the QR flow unless a valid binding is stored; the simulator confirms."""
        if self.binding.session() is not None:
            return
        source = QrLogin(env=Env.SIM, base_url=self.sim_url)
        control = httpx.Client(base_url=self.sim_url, timeout=10)

        def confirm(code: str, render_text: str) -> None:
            body = {"user_id": sim_user_id(self.username), "balances": {"USDT": self.balance}}
            reply = control.post(f"/sim/web/qr/{code}/confirm", json=body)
            reply.raise_for_status()
            self.sim_session_id = str(reply.json()["session_id"])

        try:
            if bind_by_qr(source, self.binding, on_code=confirm, timeout_s=timeout_s) is None:
                raise TimeoutError("QR binding did not complete")
        finally:
            control.close()
            source.close()

    def start(self, auto_on: bool = True) -> AutoTrader:
        assert self.session is not None and self.journal is not None, "log in first"
        self.trader = AutoTrader(
            self.api,
            self.session,
            self.binding,
            self.journal,
            venue=self.venue,
            lang=self.lang,
            pacer=self.pacer,
            place_timeout_s=self.place_timeout_s,
            auto_on=auto_on,
            push=self._push_channel(),
        )
        self.trader.start()
        return self.trader

    def _push_channel(self) -> PushChannel | None:
        if not self.push_url:
            return None
        return PushChannel(self.push_url, lambda: self.api.token, clock=self.api.clock)

    def stop(self) -> None:
        if self.trader is not None:
            self.trader.stop()

    def close(self) -> None:
        self.stop()
        if self.journal is not None:
            self.journal.close()
        self.api.close()

    def summary(self) -> ClientSummary:
        assert self.journal is not None
        entries = self.journal.recover_work()
        counts = self.journal.counts_since(0)
        state = self.trader.state() if self.trader else None
        return ClientSummary(
            username=self.username,
            received=sum(counts.values()),
            placed=counts.get(j.PLACED, 0),
            failed=counts.get(j.FAILED, 0),
            skipped=counts.get(j.SKIPPED, 0),
            unreported=len(entries),
            last_error=state.last_error if state else "",
        )


def run_clients(
    server_url: str,
    sim_url: str,
    users: Sequence[str],
    password: str,
    clients: int,
    data_root: Path,
    stop_event: threading.Event,
    *,
    seconds: float | None = None,
    balances: Mapping[str, str] | None = None,
    push_url: str | None = None,
) -> list[ClientSummary]:
    """Start ``clients`` headless clients (round-robin over ``users``), trade until
    ``stop_event`` is set or ``seconds`` pass, stop them and summarise. ``balances``: the USDT a
    trader's simulator web user gets at binding (default :data:`DEMO_BALANCE`); ``push_url``:
    the push socket (pull only without it)."""
    started: list[HeadlessClient] = []
    balances = balances or {}
    try:
        for number in range(clients):
            username = users[number % len(users)]
            client = HeadlessClient(
                server_url,
                sim_url,
                username,
                password,
                data_root / f"client-{number:03d}",
                balance=balances.get(username, DEMO_BALANCE),
                push_url=push_url,
            )
            started.append(client)
            _ready(client, stop_event)
            if stop_event.is_set():
                break
            client.start()
        deadline = None if seconds is None else time.monotonic() + seconds
        while not stop_event.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            stop_event.wait(0.5)
            for client in started:  # rebind and restart after a binding/session loss
                if client.trader is not None and not client.trader.alive:
                    _ready(client, stop_event)
                    if not stop_event.is_set():
                        client.start()
    finally:
        for client in started:
            client.stop()
    summaries = [c.summary() for c in started if c.journal is not None]
    for client in started:
        client.close()
    return summaries


def _ready(client: HeadlessClient, stop_event: threading.Event) -> None:
    """Log in (if needed) and bind, retrying with backoff while the server is not up."""
    wait = 1.0
    while not stop_event.is_set():
        try:
            if client.session is None or client.session.is_over(client.api.clock.now()):
                client.login()
            client.bind()
            return
        except (NetworkError, httpx.HTTPError, TimeoutError) as exc:
            log.info("%s: not ready yet (%s), retrying in %.0f s", client.username, exc, wait)
        except ApiError as exc:
            log.warning("%s: login refused (%s), retrying in %.0f s", client.username, exc, wait)
        stop_event.wait(wait)
        wait = min(wait * 2, 30.0)


def _configure_sim(sim_url: str, body: dict[str, Any], stop_event: threading.Event) -> None:
    """``POST /sim/web/config`` once the simulator answers (it may still be starting)."""
    wait = 0.5
    while not stop_event.is_set():
        try:
            httpx.post(f"{sim_url.rstrip('/')}/sim/web/config", json=body, timeout=5)
            return
        except httpx.HTTPError as exc:
            log.info("simulator not ready yet (%s), retrying in %.1f s", exc, wait)
        stop_event.wait(wait)
        wait = min(wait * 2, 10.0)


def run_demo(
    stop_event: threading.Event,
    server_url: str = "http://127.0.0.1:8000",
    sim_url: str = "http://127.0.0.1:8900",
    data_root: Path | None = None,
    balances: Mapping[str, str] | None = None,
    push_url: str | None = None,
) -> list[ClientSummary]:
    """The ``make demo`` headless clients: trader1–trader3 trade on the simulator until
    ``stop_event`` is set. Their data (journal, encrypted binding) lives under ``data_root``;
    ``balances`` overrides a trader's simulated USDT (e.g. a low one to show failures);
    ``push_url``: the demo's push process (orders pushed, the pull as fallback)."""
    data_root = data_root or Path(tempfile.gettempdir()) / "fleet-demo-clients"
    # The demo creates orders all day long: lift the simulated open-order cap (20 per user, as on
    # Binance) so the demo shows placements, not "open order limit" failures.
    _configure_sim(sim_url, {"event_max_open": 10_000}, stop_event)
    return run_clients(
        server_url,
        sim_url,
        DEMO_USERS,
        DEMO_PASSWORD,
        len(DEMO_USERS),
        data_root,
        stop_event,
        balances=balances,
        push_url=push_url,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="http://127.0.0.1:8000")
    parser.add_argument("--sim", default="http://127.0.0.1:8900")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--users", default=",".join(DEMO_USERS), help="comma-separated")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--seconds", type=float, default=None, help="default: until Ctrl-C")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--push", default=None, help="push URL (ws://…/api/v1/push); else pull")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    users = [u.strip() for u in args.users.split(",") if u.strip()]
    data_root = args.data_dir or Path(tempfile.mkdtemp(prefix="fleet-headless-"))
    stop = threading.Event()
    try:
        summaries = run_clients(
            args.server,
            args.sim,
            users,
            args.password,
            args.clients,
            data_root,
            stop,
            seconds=args.seconds,
            push_url=args.push,
        )
    except KeyboardInterrupt:
        stop.set()
        return 130
    out: dict[str, Any] = {"clients": [s.__dict__ for s in summaries], "data_dir": str(data_root)}
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
