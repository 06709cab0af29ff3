"""The push socket to the Fleet server (``/api/v1/push``), on its own thread. Qt-free.

The server sends each new event order the moment it exists (the same order objects and delivery
ids as the pull), answers acknowledgements and takes execution reports, answering each one once it
is durable. The auto-trader reads from this channel while it is :attr:`PushChannel.connected` and
pulls once a second whenever it is not: the server keeps one lease per client session for both
paths, and the journal drops any order it already holds, so switching never loses or doubles an
order (docs/client.md, "Push and pull").

The channel reconnects by itself with backoff (1 s … 30 s, jittered). A refusal of the session
(401/403 on the upgrade, or an ``error`` frame for the connection) stops it for good and is kept in
:attr:`PushChannel.refusal`; the auto-trader's next pull hears the same refusal and ends trading.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from client_desktop.core.api_client import PulledOrder
from client_desktop.core.clock import ServerClock, parse_time
from client_desktop.core.server_http import SESSION_ENDING, ApiError, NetworkError, SessionEnded

log = logging.getLogger("fleet.client.push")

PUSH_PATH = "/api/v1/push"
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
REPORT_TIMEOUT_S = 10.0
OPEN_TIMEOUT_S = 5.0


def push_url_for(server: str) -> str:
    """The push URL behind the same origin as the API (``http`` → ``ws``, ``https`` → ``wss``)."""
    parts = urlsplit(server.rstrip("/"))
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, parts.path + PUSH_PATH, "", ""))


def error_of(status: int, body: Mapping[str, Any]) -> ApiError:
    """The typed error for a refusal (an ``error`` frame or a refused upgrade), as the API's."""
    code = str(body.get("code") or f"http_{status}")
    message = str(body.get("message") or "")
    if status >= 500:
        return NetworkError(message or code, status)
    cls = SessionEnded if code in SESSION_ENDING else ApiError
    return cls(code, message, status, body.get("detail"))


class _Waiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: ApiError | None = None


class PushChannel:
    """One socket for one client session; :meth:`start` it after login, :meth:`stop` on logout."""

    def __init__(
        self,
        url: str,
        token: Callable[[], str | None],
        *,
        clock: ServerClock | None = None,
        on_change: Callable[[], None] = lambda: None,
        backoff_s: tuple[float, ...] = BACKOFF_S,
    ) -> None:
        self.url = url
        self._token = token
        self.clock = clock
        self.on_change = on_change
        self.backoff_s = backoff_s
        self.refusal: ApiError | None = None
        self.connects = 0
        self._ws: ClientConnection | None = None
        self._lock = threading.Lock()
        # by delivery id: a re-send while the worker is not taking (auto-trading off) replaces
        # the waiting copy instead of piling up
        self._orders: dict[str, PulledOrder] = {}
        self._confirmed: set[str] = set()
        self._waiters: dict[str, _Waiter] = {}
        self._refs = itertools.count(1)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- interface (any thread) -----------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._ws is not None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="push", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        ws = self._ws
        if ws is not None:
            ws.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def take(self) -> list[PulledOrder]:
        """The orders received since the last call (in arrival order)."""
        with self._lock:
            orders, self._orders = list(self._orders.values()), {}
        return orders

    def confirmed(self) -> set[str]:
        """Delivery ids the server confirmed as acknowledged since the last call."""
        with self._lock:
            ids, self._confirmed = self._confirmed, set()
        return ids

    def ack(self, ids: Collection[str]) -> bool:
        """Acknowledge journaled deliveries; False when the socket is down (ack on the pull)."""
        return bool(ids) and self._send({"type": "ack", "ids": sorted(ids)})

    def report(
        self, order_id: int, body: Mapping[str, Any], timeout: float = REPORT_TIMEOUT_S
    ) -> Any:
        """Send one execution report and wait for the durable answer (the stored report).
        ``NetworkError`` when the socket is down or no answer came (send it over HTTP: reports
        are idempotent); ``ApiError`` / ``SessionEnded`` for a refusal."""
        ref = f"r{next(self._refs)}"
        waiter = _Waiter()
        self._waiters[ref] = waiter
        try:
            frame = {"type": "report", "ref": ref, "order_id": order_id, "report": dict(body)}
            if not self._send(frame) or not waiter.done.wait(timeout):
                raise NetworkError("push: no answer to the report")
        finally:
            self._waiters.pop(ref, None)
        if waiter.error is not None:
            raise waiter.error
        return waiter.result

    def _send(self, frame: dict[str, Any]) -> bool:
        ws = self._ws
        if ws is None:
            return False
        try:
            ws.send(json.dumps(frame))
        except (WebSocketException, OSError):
            return False
        return True

    # --- the socket thread -----------------------------------------------------------------------
    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set() and self.refusal is None:
            if self._session():
                failures = 0
            delay = self.backoff_s[min(failures, len(self.backoff_s) - 1)]
            failures += 1
            self._stop.wait(delay * random.uniform(1.0, 1.2))

    def _session(self) -> bool:
        """Connect and read until the socket ends; True when it was open for a while."""
        token = self._token()
        if not token:
            return False
        try:
            ws = connect(
                self.url,
                additional_headers={"Authorization": f"Token {token}"},
                open_timeout=OPEN_TIMEOUT_S,
                close_timeout=2,
                compression=None,
                proxy=None,
                legacy=True,  # a plain connection: this thread runs the reconnect loop itself
            )
        except InvalidStatus as exc:
            self._refused_upgrade(exc)
            return False
        except (WebSocketException, OSError, TimeoutError) as exc:
            log.info("push not reachable (%s): pulling", exc)
            return False
        opened = time.monotonic()
        self._ws = ws
        self.connects += 1
        self.on_change()
        try:
            for raw in ws:
                self._frame(json.loads(raw))
        except (WebSocketException, OSError, ValueError) as exc:
            log.info("push socket lost (%s): pulling until it is back", exc)
        finally:
            self._ws = None
            ws.close()
            self._fail_waiters()
            self.on_change()
        return time.monotonic() - opened > 5.0

    def _refused_upgrade(self, exc: InvalidStatus) -> None:
        status = exc.response.status_code
        try:
            body = json.loads(exc.response.body or b"{}")
        except ValueError:
            body = {}
        error = error_of(status, body if isinstance(body, dict) else {})
        if isinstance(error, SessionEnded):
            self.refusal = error
            self.on_change()
        log.info("push refused: %s", error)

    def _frame(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        if kind in ("orders", "hello", "pong") and self.clock is not None:
            now = time.time()
            self.clock.observe(parse_time(data["server_time"]), now, now)
        if kind == "orders":
            orders = [PulledOrder.from_json(row) for row in data.get("orders") or []]
            with self._lock:
                for order in orders:
                    self._orders[order.delivery_id or str(order.id)] = order
            self.on_change()
        elif kind == "acked":  # answered, whatever the state: as after a pull carrying ``ack``
            with self._lock:
                self._confirmed.update(str(i) for i in data.get("ids") or [])
        elif kind in ("reported", "error"):
            self._answer(data)

    def _answer(self, data: dict[str, Any]) -> None:
        ref = str(data.get("ref") or "")
        status = int(data.get("status") or 0)
        if not ref:  # the connection itself was refused (the session ended)
            error = error_of(status, data)
            if isinstance(error, SessionEnded):
                self.refusal = error
            return
        waiter = self._waiters.get(ref)
        if waiter is None:
            return
        if data["type"] == "reported":
            waiter.result = data.get("report")
        else:
            waiter.error = error_of(status, data)
        waiter.done.set()

    def _fail_waiters(self) -> None:
        for waiter in list(self._waiters.values()):
            waiter.error = NetworkError("push socket lost before the answer")
            waiter.done.set()
