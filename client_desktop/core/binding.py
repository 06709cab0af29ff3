"""The trader's Binance web binding: its state and time left, the QR login that creates it, and
its invalidation. Qt-free; blocking calls (run them off the GUI thread).

For the UI (h6)
---------------
- :class:`Binding` — one per logged-in trader::

      binding = Binding(Vault(data_dir, device_id), owner=username)
      binding.subscribe(lambda status: ...)      # called on store / invalidate (any thread)
      binding.status()  -> BindingStatus(phase, seconds_left, expires_at, reason)
      binding.session() -> WebSession | None     # None when not bound or expired
      binding.store(web_session)                 # after the QR login confirmed
      binding.invalidate("binance_session_expired")  # clears the vault, phase EXPIRED

  ``phase`` is ``none`` (never bound / cleared), ``bound`` or ``expired`` (Binance answered
  "login expired", or ``expirationTimestamp`` passed): show the QR screen again for ``expired``
  and ``none``. ``seconds_left`` is ``None`` when Binance did not tell the expiry.
- :class:`QrLogin` — the two blocking QR calls ``fetch_code()`` / ``poll(code)``: it satisfies the
  ``QrSource`` protocol of ``client_desktop.ui.qr_screen`` (the widget drives the pure machine
  ``trading.exchanges.binance_web.qr_machine`` with its own timers).
- :func:`bind_by_qr` — the same machine driven by a blocking loop (headless clients, tests):
  get a code → show it (``on_code``) → poll every second → fetch a new code when it expires →
  store the confirmed session in the binding.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from client_desktop.core.vault import Vault
from trading.exchanges.binance_web import qr_machine as qm
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.qr_login import QrCode, QrLoginClient, QrPoll
from trading.exchanges.environments import Env
from trading.exchanges.errors import ExchangeError, TemporaryError
from trading.exchanges.loop import LoopThread

log = logging.getLogger("fleet.client.binding")

# Treat the binding as over this long before Binance's stated expiry (an order sent at the edge
# would fail with "login expired" anyway).
EXPIRY_MARGIN_S = 30.0
EXPIRED_REASON = "binance_session_expired"


def utc_now() -> datetime:
    return datetime.now(UTC)


class BindingPhase(StrEnum):
    NONE = "none"
    BOUND = "bound"
    EXPIRED = "expired"


@dataclass(frozen=True)
class BindingStatus:
    phase: BindingPhase
    seconds_left: float | None = None  # None: not bound, or Binance gave no expiry
    expires_at: datetime | None = None
    reason: str = ""  # why it ended (an i18n error code, e.g. "binance_session_expired")

    @property
    def usable(self) -> bool:
        return self.phase is BindingPhase.BOUND


class Binding:
    """The current trader's web session, persisted encrypted in the vault. Thread-safe."""

    def __init__(
        self,
        vault: Vault,
        owner: str,
        *,
        now: Callable[[], datetime] = utc_now,
        margin_s: float = EXPIRY_MARGIN_S,
    ) -> None:
        self.vault = vault
        self.owner = owner
        self._now = now
        self._margin_s = margin_s
        self._lock = threading.Lock()
        self._listeners: list[Callable[[BindingStatus], None]] = []
        self._session = vault.load(owner)
        self._reason = ""
        if self._session is not None and self._expired(self._session):
            self._drop(EXPIRED_REASON)

    # --- observation ------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[BindingStatus], None]) -> None:
        self._listeners.append(listener)

    def _notify(self) -> None:
        status = self.status()
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:  # a broken listener must not break trading
                log.exception("binding listener failed")

    def status(self) -> BindingStatus:
        with self._lock:
            session, reason = self._session, self._reason
        if session is None:
            phase = BindingPhase.EXPIRED if reason else BindingPhase.NONE
            return BindingStatus(phase, reason=reason)
        expires = session.expires_at()
        if expires is None:
            return BindingStatus(BindingPhase.BOUND)
        left = (expires - self._now()).total_seconds() - self._margin_s
        if left <= 0:
            return BindingStatus(BindingPhase.EXPIRED, 0.0, expires, EXPIRED_REASON)
        return BindingStatus(BindingPhase.BOUND, left, expires)

    def session(self) -> WebSession | None:
        """The usable session, or ``None`` (an expiry that just passed invalidates it)."""
        with self._lock:
            session = self._session
        if session is None:
            return None
        if self._expired(session):
            self.invalidate(EXPIRED_REASON)
            return None
        return session

    def _expired(self, session: WebSession) -> bool:
        return session.is_expired(self._now(), margin_s=self._margin_s)

    # --- changes ----------------------------------------------------------------------------
    def store(self, session: WebSession) -> None:
        self.vault.save(self.owner, session)
        with self._lock:
            self._session, self._reason = session, ""
        log.info("binance web session bound (%s)", session.credential_id)
        self._notify()

    def invalidate(self, reason: str = EXPIRED_REASON) -> None:
        """Binance said "login expired" (or the expiry passed): forget the session."""
        with self._lock:
            if self._session is None and self._reason:
                return
            self._drop(reason)
        log.info("binance web session invalidated: %s", reason)
        self._notify()

    def _drop(self, reason: str) -> None:
        self._session, self._reason = None, reason
        self.vault.clear(self.owner)


class BindingError(Exception):
    """The QR login cannot go on (a non-retryable refusal); ``reason`` is for people."""


class QrLogin:
    """Blocking QR login calls on a private loop (the UI's ``QrSource``)."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        env: Env | str = Env.PROD,
        runner: LoopThread | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._own_runner = runner is None
        self.runner = runner or LoopThread("fleet-qr")
        self._base_url, self._env, self._timeout = base_url, env, timeout
        self._client: QrLoginClient | None = None

    async def _get_client(self) -> QrLoginClient:
        if self._client is None:  # created on the loop that uses it
            self._client = QrLoginClient(
                env=self._env, base_url=self._base_url, timeout=self._timeout
            )
        return self._client

    async def _fetch(self) -> QrCode:
        return await (await self._get_client()).qr_get()

    async def _poll(self, code: str) -> QrPoll:
        return await (await self._get_client()).qr_query(code)

    def fetch_code(self) -> QrCode:
        return self.runner.call(self._fetch, timeout=self._timeout + 5)

    def poll(self, code: str) -> QrPoll:
        return self.runner.call(self._poll, code, timeout=self._timeout + 5)

    def close(self) -> None:
        async def _close() -> None:
            if self._client is not None:
                await self._client.close()

        try:
            self.runner.call(_close, timeout=5)
        finally:
            if self._own_runner:
                self.runner.close()


def failure_event(exc: Exception) -> qm.Failed:
    """A failed QR call as a machine event: network trouble is retried, anything else shown."""
    retryable = isinstance(exc, TemporaryError | OSError | TimeoutError) or not isinstance(
        exc, ExchangeError
    )
    return qm.Failed(f"{type(exc).__name__}: {exc}", retryable=retryable)


def bind_by_qr(
    source: QrLogin,
    binding: Binding,
    *,
    on_code: Callable[[str, str], None] | None = None,
    on_phase: Callable[[qm.Phase], None] | None = None,
    stop: threading.Event | None = None,
    timeout_s: float | None = None,
    max_codes: int = 1000,
) -> WebSession | None:
    """Drive the QR login until confirmed; store and return the session.

    ``on_code(code, render_text)`` is called for every new code (render ``render_text`` as the
    QR image); expired codes are replaced by fresh ones automatically. Returns ``None`` when
    ``stop`` is set or ``timeout_s`` passes; raises :class:`BindingError` on a refusal that
    retrying cannot fix.
    """
    stop = stop or threading.Event()
    deadline = None if timeout_s is None else _monotonic() + timeout_s
    state, actions = qm.step(qm.QrState(), qm.Start())
    run = _QrRun(source, stop, on_code, max_codes)
    while actions:
        action = actions.pop(0)
        if stop.is_set() or (deadline is not None and _monotonic() > deadline):
            return None
        if isinstance(action, qm.SaveSession):
            binding.store(action.session)
            return action.session
        event = run.event_for(action, state)
        if run.stopped:
            return None
        if event is not None:
            state, more = qm.step(state, event)
            actions.extend(more)
            if on_phase is not None:
                on_phase(state.phase)
    return None


@dataclass
class _QrRun:
    """The actions of one :func:`bind_by_qr` run other than saving the session: each returns the
    machine event it produced (``None``: none). ``stopped`` is set when ``stop`` cut a wait
    short; ``codes`` counts the codes fetched (at most ``max_codes``)."""

    source: QrLogin
    stop: threading.Event
    on_code: Callable[[str, str], None] | None
    max_codes: int
    codes: int = 0
    stopped: bool = False

    def event_for(self, action: qm.Action, state: qm.QrState) -> qm.Event | None:
        if isinstance(action, qm.FetchCode):
            return self._fetch(action)
        if isinstance(action, qm.PollLater):
            return self._poll(action)
        if isinstance(action, qm.ShowCode):
            if self.on_code is not None and state.code is not None:
                self.on_code(state.code, action.render_text)
        elif isinstance(action, qm.ShowExpired):
            return qm.Start()  # refresh: a new code replaces the expired one
        elif isinstance(action, qm.ShowError):
            raise BindingError(action.reason)
        return None

    def _fetch(self, action: qm.FetchCode) -> qm.Event | None:
        if action.delay_s and self.stop.wait(action.delay_s):
            self.stopped = True
            return None
        self.codes += 1
        if self.codes > self.max_codes:
            raise BindingError("too many QR codes without confirmation")
        try:
            issued = self.source.fetch_code()
            return qm.CodeIssued(issued.code, issued.render_text)
        except Exception as exc:
            return failure_event(exc)

    def _poll(self, action: qm.PollLater) -> qm.Event | None:
        if self.stop.wait(action.delay_s):
            self.stopped = True
            return None
        try:
            polled = self.source.poll(action.code)
            return qm.Polled(action.code, polled.status, polled.session)
        except Exception as exc:
            return failure_event(exc)


def _monotonic() -> float:
    import time

    return time.monotonic()
