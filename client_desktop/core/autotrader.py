"""Automatic event-contract trading for one logged-in trader: pull → journal → place → report,
exactly once, on a worker thread. Qt-free.

For the UI (h6)
---------------
::

    trader = AutoTrader(api, session, binding, journal, venue=Venue(env="prod"), lang="zh")
    trader.subscribe(on_state=..., on_row=..., on_stopped=...)   # called on the WORKER thread:
                                                                 # re-emit them as Qt signals
    trader.start()                # starts the worker (recovers the journal first)
    trader.set_auto(True/False)   # the auto-trading switch (off: no pulls, nothing placed)
    trader.set_amount(Decimal("20"))  # blocking PUT to the server (raises ApiError: show it)
    trader.state()  -> TradingState  # a snapshot, any time
    trader.rows()   -> list[OrderView]  # newest first, for the table (OrderRow field names)
    trader.stop()                 # on logout / quit (waits for the worker)

- ``on_state(TradingState)`` after every change: server connection (``server_ok``,
  ``retry_in_s``), auto on/off, today's counters, ``last_error`` (plain words in ``lang``),
  session and binding time left, ``stopped_reason``.
- ``on_row(OrderView)`` whenever one order's row changes (upsert by ``order_id``).
- ``on_stopped(reason)`` once when trading stops by itself: ``session_expired``,
  ``account_expired``, ``account_disabled``, ``invalid_token`` → back to the login window;
  ``binance_session_expired`` → the QR screen (``binding.status().phase`` is ``expired``).
  ``i18n.error_text(reason, lang)`` gives the words. After re-binding, ``start()`` again.

Rules (orders exactly once: docs/products.md §A.3, docs/client.md)
------------------------------------------------------------------
- Orders are judged valid by the SERVER clock (``api.clock``, corrected from ``server_time``).
- Delivery is acknowledged: the server hands an order out again (same delivery id) until the
  client acknowledges it, so a lost pull reply loses nothing. The client acknowledges an order
  (``ack`` on its next pull) only once the journal holds it, and ignores an order the journal
  already holds — exactly-once placement rests on the journal.
- Each delivered order is journaled (``received``) before anything is sent, and marked
  ``placing`` just before the send. Event contracts have no client order id, so a lost reply
  (timeout, reset, 5xx → ``OutcomeUnknown``) is resolved by looking for a matching open order
  created since the send (terms + amount, excluding Binance ids the journal already owns); it is
  never re-sent. Not found after a few looks → ``failed`` (``binance_not_found``).
- A request that certainly never left (``TemporaryError``) or a rate limit is retried while the
  order is still valid.
- Network loss to the server: retry with backoff (``Pacer``), ``server_ok`` False, never exit.
- Push (``push``, a :class:`~client_desktop.core.push.PushChannel`): while its socket is open the
  server pushes each order the moment it exists and takes acknowledgements and reports on it; the
  worker then waits for the socket instead of pulling. Whenever the socket is down it pulls once a
  second as before. Both paths carry the same delivery ids under the same session lease and every
  order goes through the same journal, so switching loses and doubles nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from client_desktop.core import journal as j
from client_desktop.core.aio import AsyncRunner
from client_desktop.core.api_client import ApiClient, ApiError, NetworkError, SessionEnded
from client_desktop.core.binding import EXPIRED_REASON, Binding, BindingStatus
from client_desktop.core.clock import parse_time
from client_desktop.core.i18n import error_text, tr
from client_desktop.core.journal import Entry, Journal, OrderView
from client_desktop.core.payout import BELOW_FLOOR, payout_to_send
from client_desktop.core.poller import Pacer
from client_desktop.core.push import PushChannel
from client_desktop.core.session import Session
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.client import EventContractClient
from trading.exchanges.binance_web.constants import EVENT_OPEN_ORDER_LIMIT
from trading.exchanges.environments import Env
from trading.exchanges.errors import (
    ExchangeError,
    OpenOrderLimit,
    OutcomeUnknown,
    RateLimited,
    SessionExpired,
    TemporaryError,
    TermsChanged,
)
from trading.exchanges.venue_errors import explain_error, with_detail

log = logging.getLogger("fleet.client.autotrader")

PLACE_TIMEOUT_S = 10.0
RESOLVE_LOOKS = 3  # looks at the open orders before an unknown outcome counts as not placed
RESOLVE_WAIT_S = 1.0
SEND_ATTEMPTS = 5  # for requests that certainly never left / rate limits
ME_EVERY_S = 30.0  # session check while auto-trading is off
STOP_JOIN_S = 5.0  # start() waits this long for a worker that is winding down
KEEP_HISTORY_S = 30 * 86_400  # reported journal entries older than this are pruned at start
PUSH_IDLE_S = 5.0  # on push, the worker wakes for the socket; this is its longest nap


@dataclass(frozen=True)
class Venue:
    """Where Binance is: ``env`` (prod / sim) and an optional base URL (the simulator's)."""

    env: Env | str = Env.PROD
    base_url: str | None = None


@dataclass(frozen=True)
class TradingState:
    """What the status bar and the trading tab show (a snapshot)."""

    running: bool = False
    auto_on: bool = True
    server_ok: bool = True
    retry_in_s: float | None = None
    received_today: int = 0
    placed_today: int = 0
    failed_today: int = 0
    last_error: str = ""  # plain words, in the UI language
    last_error_code: str = ""
    stopped_reason: str = ""  # "" while trading may go on
    session_seconds_left: float | None = None
    binding: BindingStatus | None = None
    order_amount: Decimal | None = None


@dataclass
class _Callbacks:
    on_state: list[Callable[[TradingState], None]] = field(default_factory=list)
    on_row: list[Callable[[OrderView], None]] = field(default_factory=list)
    on_stopped: list[Callable[[str], None]] = field(default_factory=list)


class AutoTrader:
    """The pull → place → report worker of one trader."""

    def __init__(
        self,
        api: ApiClient,
        session: Session,
        binding: Binding,
        journal: Journal,
        *,
        venue: Venue | None = None,
        lang: str = "zh",
        pacer: Pacer | None = None,
        place_timeout_s: float = PLACE_TIMEOUT_S,
        resolve_wait_s: float = RESOLVE_WAIT_S,
        auto_on: bool = True,
        push: PushChannel | None = None,
    ) -> None:
        self.api = api
        self.push = push
        self.session = session
        self.binding = binding
        self.journal = journal
        self.venue = venue or Venue()
        self.lang = lang
        self.pacer = pacer or Pacer()
        self.place_timeout_s = place_timeout_s
        self.resolve_wait_s = resolve_wait_s
        self._callbacks = _Callbacks()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._runner: AsyncRunner | None = None
        self._client: EventContractClient | None = None
        self._client_for: str | None = None
        self._state = TradingState(auto_on=auto_on, order_amount=session.trader.order_amount)
        self._acks: set[str] = set()  # delivery ids journaled, not yet confirmed acknowledged
        if push is not None:
            push.on_change = self._wake.set  # an order arrived, or the socket opened / closed

    # --- interface --------------------------------------------------------------------------
    def subscribe(
        self,
        on_state: Callable[[TradingState], None] | None = None,
        on_row: Callable[[OrderView], None] | None = None,
        on_stopped: Callable[[str], None] | None = None,
    ) -> None:
        if on_state:
            self._callbacks.on_state.append(on_state)
        if on_row:
            self._callbacks.on_row.append(on_row)
        if on_stopped:
            self._callbacks.on_stopped.append(on_stopped)

    def state(self) -> TradingState:
        with self._lock:
            return self._state

    def rows(self, limit: int = 500) -> list[OrderView]:
        return self.journal.rows(limit)

    def start(self) -> None:
        """Start the worker; a worker that is still winding down after stopping by itself (e.g.
        Binance said "login expired" and the trader re-bound at once) is waited for first, so a
        re-bind always restarts trading."""
        thread = self._thread
        if (
            thread is not None
            and thread.is_alive()
            and self._stop.is_set()
            and thread is not threading.current_thread()
        ):
            thread.join(STOP_JOIN_S)
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._update(running=True, stopped_reason="")
            self._thread = threading.Thread(
                target=self._run, name=f"autotrader-{self.session.trader.username}", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the worker (an order being placed is finished first) and wait for it."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def set_auto(self, on: bool) -> None:
        self._update(auto_on=on)
        self._wake.set()

    def set_amount(self, amount: Decimal) -> Decimal:
        """Save the per-order amount on the server (blocking); the next pull carries it."""
        data = self.api.set_amount(amount)
        saved = Decimal(str(data.get("order_amount", amount))) if isinstance(data, dict) else amount
        self.session.trader.order_amount = saved
        self._update(order_amount=saved)
        return saved

    # --- state plumbing ---------------------------------------------------------------------
    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)
            state = self._state
        for callback in list(self._callbacks.on_state):
            _safe(callback, state)

    def _row(self, entry: Entry) -> None:
        view = entry.view()
        for callback in list(self._callbacks.on_row):
            _safe(callback, view)

    def _refresh(self) -> None:
        """Counters, session and binding time left."""
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        counts = self.journal.counts_since(midnight.timestamp())
        self._update(
            received_today=sum(counts.values()),
            placed_today=counts.get(j.PLACED, 0),
            failed_today=counts.get(j.FAILED, 0),
            session_seconds_left=self.session.seconds_left(self.api.clock.now()),
            binding=self.binding.status(),
        )

    def _error(self, code: str, detail: str = "") -> None:
        self._update(last_error=error_text(code, self.lang, detail=detail), last_error_code=code)

    def _end(self, reason: str) -> None:
        """Trading stops by itself (session over, binding gone): tell the UI once."""
        if self._stop.is_set() and self.state().stopped_reason:
            return
        log.info("trading stopped: %s", reason)
        if reason != EXPIRED_REASON:
            self.session.end(reason)
        self._stop.set()
        self._update(stopped_reason=reason)
        self._error(reason)
        for callback in list(self._callbacks.on_stopped):
            _safe(callback, reason)

    # --- worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        self._runner = AsyncRunner(f"autotrader-aio-{self.session.trader.username}")
        try:
            self._refresh()
            self._recover()
            if self.push is not None:
                self.push.start()
            delay = self.pacer.first_delay()
            last_me = time.monotonic()
            while not self._stop.is_set():
                self._wake.wait(delay)
                self._wake.clear()
                if self._stop.is_set():
                    break
                if not self._checks():
                    break
                if not self.state().auto_on:
                    if time.monotonic() - last_me >= ME_EVERY_S:
                        last_me = time.monotonic()
                        self._call_server(self.api.me)
                    delay = self.pacer.interval_s
                    continue
                delay = self._tick()
        except Exception as exc:  # keep the reason visible; the UI may start() again
            log.exception("autotrader worker crashed")
            self._error("unknown", f"{type(exc).__name__}: {exc}")
        finally:
            if self.push is not None:
                self.push.stop()
            self._close_client()
            if self._runner is not None:
                self._runner.close()
            self._update(running=False)

    def _checks(self) -> bool:
        """Session and binding still good? (Otherwise trading ends.)"""
        if self.session.is_over(self.api.clock.now()):
            self._end(self.session.ended_reason or "session_expired")
            return False
        if self.binding.session() is None:
            self._end(self.binding.status().reason or EXPIRED_REASON)
            return False
        return True

    def _call_server(self, fn: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
        """Call the server; map network loss to backoff state and session ends to ``_end``."""
        try:
            result = fn(*args)
        except SessionEnded as exc:
            self._end(exc.code)
            return False, None
        except NetworkError as exc:
            wait = self.pacer.failed()
            self._update(server_ok=False, retry_in_s=round(wait, 1))
            self._error(exc.code, exc.message)
            return False, wait
        if not self.state().server_ok:
            self._update(server_ok=True, retry_in_s=None)
        return True, result

    def _tick(self) -> float:
        """One pull (or what the push socket brought) and the work it brings; returns the delay
        before the next."""
        self._finish_pending()
        if self.push is not None and self.push.refusal is not None:
            self._end(self.push.refusal.code)
            return self.pacer.interval_s
        if self.push is not None and self.push.connected:
            return self._tick_push()
        acks = frozenset(self._acks)
        ok, result = self._call_server(self.api.pull, acks)
        if not ok:
            return float(result) if result is not None else self.pacer.interval_s
        self._acks -= acks
        delay = self.pacer.next_delay()
        self._handle(result)
        return delay

    def _tick_push(self) -> float:
        """The socket is open: acknowledge what is journaled, handle what it brought."""
        assert self.push is not None
        if not self.state().server_ok:
            self._update(server_ok=True, retry_in_s=None)
        self._acks -= self.push.confirmed()
        if self._acks:
            self.push.ack(self._acks)  # unconfirmed ones (the pull carries them if it drops)
        self._handle(self.push.take())
        return PUSH_IDLE_S

    def _handle(self, orders: list[Any]) -> None:
        """Journal each delivered order, acknowledge it, place it unless the journal held it."""
        for order in orders:
            if self._stop.is_set() and self.state().stopped_reason:
                break  # session gone mid-batch: not acknowledged, so the server delivers it again
            amount = order.amount or self.session.trader.order_amount
            entry, new = self.journal.record(order, amount, time.time())
            if order.delivery_id:  # journaled: acknowledge it (a re-delivery too)
                self._acks.add(order.delivery_id)
                if self.push is not None:
                    self.push.ack([order.delivery_id])
            if not new:
                continue  # the journal holds it already: a re-delivery is never placed twice
            self._row(entry)
            self._process(entry)
        self._refresh()

    def _finish_pending(self) -> None:
        """Reports that could not be sent earlier, and unknown outcomes still unresolved."""
        for entry in self.journal.recover_work():
            if entry.state in j.FINAL_STATES:
                self._report(entry)
            elif entry.state == j.UNKNOWN and entry.send_started_at is not None:
                self._resolve(entry)

    def _recover(self) -> None:
        """Finish what a previous run left (crash, quit): never re-send an in-flight order."""
        self.journal.prune(time.time() - KEEP_HISTORY_S)
        for entry in self.journal.recover_work():
            if self._stop.is_set():
                return
            if entry.state == j.RECEIVED:
                self._process(entry)
            elif entry.state in j.IN_FLIGHT:
                self._resolve(entry)
            else:
                self._report(entry)
        self._refresh()

    # --- one order --------------------------------------------------------------------------
    def _valid(self, entry: Entry) -> bool:
        return self.api.clock.now() < parse_time(entry.valid_until)

    def _process(self, entry: Entry) -> None:
        """Place a ``received`` entry (or skip it if expired), then report."""
        if not self._valid(entry):
            entry = self.journal.finish(entry.order_id, j.SKIPPED, time.time())
            self._row(entry)
            self._report(entry)
            return
        web = self.binding.session()
        if web is None:
            return  # stays ``received``: placed after re-binding if still valid, else skipped
        entry = self._place(entry, web)
        self._row(entry)
        if entry.final:
            self._report(entry)

    def _place(self, entry: Entry, web: WebSession) -> Entry:
        """Send the order once (again only when certainly not executed), with the venue's current
        payout ratio when it is at or above the order's floor (``payout.payout_to_send``)."""
        started = time.monotonic()
        offer = self._offer(entry, web)
        ratio = payout_to_send(offer, entry.payout_ratio)
        reread = False  # 93420010: the offer is read again ONCE, never in a loop
        for attempt in range(1, SEND_ATTEMPTS + 1):
            if ratio is None:
                detail = tr("eo.payout_floor", self.lang, offer=offer, floor=entry.payout_ratio)
                return self._failed(entry, BELOW_FLOOR, detail, started)
            entry = self.journal.mark_sending(entry.order_id, time.time())
            try:
                result = self._venue_call(
                    "place_event_order",
                    web,
                    entry.symbol,
                    entry.direction,
                    entry.time_increment,
                    entry.amount,
                    ratio,
                )
            except (OutcomeUnknown, TimeoutError) as exc:
                entry = self.journal.mark_unknown(entry.order_id, str(exc)[:500])
                self._row(entry)
                return self._resolve(entry)
            except (SessionExpired, OpenOrderLimit) as exc:
                return self._account_refused(entry, web, exc, started)
            except TermsChanged as exc:
                sent, offer = ratio, None if reread else self._offer(entry, web)
                if reread or offer is None or offer == sent:
                    detail = f"{_venue_code(exc)} {exc}"
                    return self._failed(
                        entry, _venue_code(exc), detail, started, words="payout_changed"
                    )
                reread, ratio = True, payout_to_send(offer, entry.payout_ratio)
                continue  # refused: certainly not executed, so sending anew is no duplicate
            except (RateLimited, TemporaryError) as exc:
                # Certainly not executed: another try is not a duplicate, if time allows.
                wait = getattr(exc, "retry_after", None) or 0.5 * attempt
                if attempt == SEND_ATTEMPTS or self._stop.wait(wait) or not self._valid(entry):
                    code = "rate_limited" if isinstance(exc, RateLimited) else "binance_network"
                    return self._failed(entry, code, str(exc), started)
                continue
            except ExchangeError as exc:
                return self._rejected(entry, exc, started)
            latency = int((time.monotonic() - started) * 1000)
            return self.journal.finish(
                entry.order_id,
                j.PLACED,
                time.time(),
                binance_order_id=result.order_id or self._placed_id(entry, web),
                latency_ms=latency,
            )
        return entry  # not reached

    def _account_refused(
        self, entry: Entry, web: WebSession, exc: SessionExpired | OpenOrderLimit, started: float
    ) -> Entry:
        """Refused for the account, not the order: the web session expired (binding dropped) or
        the account holds the venue's maximum of open orders (the text says how many)."""
        if isinstance(exc, SessionExpired):
            self.binding.invalidate(EXPIRED_REASON)
            return self._failed(entry, EXPIRED_REASON, str(exc), started)
        detail = self._open_count_text(web)
        return self._failed(
            entry, _venue_code(exc), detail, started, words="binance_open_order_limit"
        )

    def _offer(self, entry: Entry, web: WebSession) -> Decimal | None:
        """The venue's current payout ratio for the order's symbol and increment (``None`` when
        it cannot be read: the floor is sent and the venue decides)."""
        try:
            offer = self._venue_call("payout_ratio", web, entry.symbol, entry.time_increment)
        except (ExchangeError, TimeoutError) as exc:
            log.info("payout offer not read (%s): sending the order's floor", exc)
            return None
        return offer if isinstance(offer, Decimal) else None

    def _open_count_text(self, web: WebSession) -> str:
        """ "5 open, limit 5" — the account's open contracts as the venue lists them now."""
        try:
            count: Any = len(self._venue_call("open_orders", web))
        except (ExchangeError, TimeoutError):
            count = "?"
        return tr("eo.open_count", self.lang, n=count, limit=EVENT_OPEN_ORDER_LIMIT)

    def _placed_id(self, entry: Entry, web: WebSession) -> str:
        """The venue answers a placement with ``data: {}`` (no id): the new order's id is looked
        up among the open orders (these terms, created since the send, not owned by another
        journal entry). Best effort: "" when it cannot be told."""
        sent_at = datetime.fromtimestamp(entry.send_started_at or entry.received_at, tz=UTC)
        args = (entry.symbol, entry.direction, entry.time_increment, entry.amount, sent_at)
        try:
            found = self._venue_call(
                "find_matching_open_order", web, *args, self.journal.owned_binance_ids()
            )
        except (ExchangeError, TimeoutError) as exc:
            log.info("id of the placed order not looked up: %s", exc)
            return ""
        return str(found.order_id) if found is not None else ""

    def _failed(
        self, entry: Entry, code: str, message: str, started: float, words: str = ""
    ) -> Entry:
        """Record a failure: ``code`` goes to the server, ``words`` (an i18n error code,
        default ``code``) makes the plain-words message."""
        self._error(words or code, message)
        return self.journal.finish(
            entry.order_id,
            j.FAILED,
            time.time(),
            error_code=code,
            error_message=error_text(words or code, self.lang, detail=message),
            latency_ms=int((time.monotonic() - started) * 1000),
        )

    def _rejected(self, entry: Entry, exc: ExchangeError, started: float) -> Entry:
        """A venue refusal in the catalogue's words (``venue_errors``), the raw code and message
        kept after them: "余额不足 — [binance_web 93420002] Insufficient balance"."""
        said = explain_error(exc, self.lang)
        self._update(last_error=said.text, last_error_code=_venue_code(exc))
        return self.journal.finish(
            entry.order_id,
            j.FAILED,
            time.time(),
            error_code=_venue_code(exc),
            error_message=with_detail(said),
            latency_ms=int((time.monotonic() - started) * 1000),
        )

    def _resolve(self, entry: Entry) -> Entry:
        """An in-flight order (reply lost, or a crash during the send): look for it among the
        open orders; never send it again."""
        web = self.binding.session()
        if web is None:
            return entry  # resolved after re-binding
        sent_at = datetime.fromtimestamp(entry.send_started_at or entry.received_at, tz=UTC)
        answered = 0
        for look in range(RESOLVE_LOOKS):
            if look and self._stop.wait(self.resolve_wait_s):
                return entry
            try:
                found = self._venue_call(
                    "find_matching_open_order",
                    web,
                    entry.symbol,
                    entry.direction,
                    entry.time_increment,
                    entry.amount,
                    sent_at,
                    self.journal.owned_binance_ids(),
                )
            except SessionExpired:
                self.binding.invalidate(EXPIRED_REASON)
                return entry
            except (ExchangeError, TimeoutError) as exc:
                log.warning("open-order lookup failed: %s", exc)
                continue
            answered += 1
            if found is not None:
                latency = int((time.time() - sent_at.timestamp()) * 1000)
                entry = self.journal.finish(
                    entry.order_id,
                    j.PLACED,
                    time.time(),
                    binance_order_id=found.order_id,
                    latency_ms=latency,
                )
                self._row(entry)
                self._report(entry)
                return entry
        if entry.state != j.UNKNOWN:
            entry = self.journal.mark_unknown(entry.order_id, "in flight at restart")
        # Binance answered and the order is not there: not placed. (No answer at all: stay
        # unknown and look again on the next tick.)
        if answered:
            entry = self._failed(entry, "binance_not_found", "", time.monotonic())
            self._row(entry)
            self._report(entry)
        return entry

    def _send_report(self, entry: Entry) -> Any:
        """Over the push socket when it is open (answered once durable), else over HTTP; a
        socket that drops before the answer falls back to HTTP (reports are idempotent)."""
        if self.push is not None and self.push.connected:
            try:
                return self.push.report(entry.order_id, entry.report_body())
            except NetworkError as exc:
                log.info("report over push not answered (%s): sending it over HTTP", exc)
        return self.api.report(entry.order_id, entry.report_body())

    def _report(self, entry: Entry) -> None:
        try:
            self._send_report(entry)
        except SessionEnded as exc:
            self._end(exc.code)
            return
        except NetworkError as exc:
            self._update(server_ok=False)
            self._error(exc.code, exc.message)
            return  # retried on the next tick (the server stores one row per order)
        except ApiError as exc:
            if exc.code == "not_delivered" and self._valid(entry):
                # The server lost its record of the delivery (a Redis restart before the
                # acknowledgement was persisted): the order comes again, the journal acknowledges
                # it, and the report is accepted on a later tick.
                log.info("report for %s: delivery not known yet, retried", entry.order_id)
                return
            # A refusal retrying cannot fix (not_delivered, validation): stop retrying it.
            log.warning("execution report for %s refused: %s", entry.order_id, exc)
            self._error(exc.code, exc.message)
        entry = self.journal.mark_reported(entry.order_id, time.time())
        self._row(entry)

    # --- Binance connector on the private loop ------------------------------------------------
    def _venue_call(self, method: str, web: WebSession, *args: Any) -> Any:
        assert self._runner is not None
        return self._runner.call(
            self._venue_async, method, web, args, timeout=self.place_timeout_s + 5
        )

    async def _venue_async(self, method: str, web: WebSession, args: tuple[Any, ...]) -> Any:
        if self._client is None or self._client_for != web.p20t:
            if self._client is not None:
                await self._client.close()
            self._client = EventContractClient(
                web,
                env=self.venue.env,
                base_url=self.venue.base_url,
                timeout=self.place_timeout_s,
            )
            self._client_for = web.p20t
        fn = getattr(self._client, method)
        if method == "find_matching_open_order":
            symbol, direction, increment, amount, placed_after, exclude = args
            return await fn(
                symbol, direction, increment, amount, placed_after=placed_after, exclude_ids=exclude
            )
        return await fn(*args)

    def _close_client(self) -> None:
        client, self._client, self._client_for = self._client, None, None
        if client is not None and self._runner is not None:
            try:
                self._runner.call(client.close, timeout=5)
            except Exception:
                log.debug("closing the event-contract client failed", exc_info=True)


def _venue_code(exc: ExchangeError) -> str:
    """An error code for the report: the venue's own code when it gave one."""
    return f"binance_{exc.code}" if exc.code else f"binance_{type(exc).__name__}"


def _safe(callback: Callable[..., None], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:
        log.exception("autotrader listener failed")
