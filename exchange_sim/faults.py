"""Fault injection: per account (API key / web session id) or global, consumed by the venue code.

A fault is armed with a kind and a count (how many times it fires; -1 = until cleared) and optional
parameters. Venue handlers ask ``faults.take(kind, account)`` at the point where the fault applies;
a per-account fault wins over a global one. Accounts are named by their API key (Binance, Bitget,
futures) or web session id (Alpha, event contracts). Kinds (see docs/protocols.md §10):

- ``drop_reply``        execute the order, then reset the connection without a reply (param
                        ``mode``: ``reset`` (default) or ``hang`` = no reply for ``ms``, then reset)
- ``error_after_exec``  execute, then answer 5xx (param ``status``, default 503) or -1007 (``code``)
- ``not_found_window``  a fresh order is "not found" on lookup for ``ms`` ms (default 1000)
- ``duplicate``         answer the venue's duplicate-id rejection (Binance -2010 "Duplicate order
                        sent.", Bitget 40786); param ``execute`` (default true) executes it first
- ``rate_limit``        answer 429 with Retry-After (param ``retry_after`` s, default 1), then 418
                        (param ``ban_seconds``, default 5) if the client returns before Retry-After
- ``reject_auth``       the key is revoked: -2015 / Bitget 40006 / web 100002001
- ``ws_disconnect``     close user-data WebSocket connections of the account
- ``ws_stall``          keep the socket open but stop sending events (param ``ms``; count -1 = until
                        cleared); events during a stall are lost, as on a half-dead connection
- ``ws_delay``          delay events by ``ms``
- ``listen_key_expired`` the listen key expires (``listenKeyExpired`` event, then close)
- ``session_expired``   web APIs answer 100002001 (Alpha, event contracts)
- ``payout_changed``    the event-contract payout offer moves just before this placement: the
                        offer for the order's (symbol, increment) becomes param ``ratio`` (when
                        given) and the placement is refused with 93420010, whatever it sent
- ``open_order_limit``  Alpha OTO placement answers 93420018 "Open order number has reached
                        maximum limit." without placing anything
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

GLOBAL = "*"

KINDS = frozenset(
    {
        "drop_reply",
        "error_after_exec",
        "not_found_window",
        "duplicate",
        "rate_limit",
        "reject_auth",
        "ws_disconnect",
        "ws_stall",
        "ws_delay",
        "listen_key_expired",
        "session_expired",
        "payout_changed",
        "open_order_limit",
    }
)

_ids = itertools.count(1)


@dataclass
class Fault:
    """One armed fault: what, for whom, how many more times, with what parameters."""

    kind: str
    account: str = GLOBAL
    remaining: int = 1
    params: dict[str, Any] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_ids))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "account": self.account,
            "count": self.remaining,
            "params": self.params,
        }


class Faults:
    """Thread-safe registry of armed faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[Fault] = []

    def arm(self, kind: str, account: str = GLOBAL, count: int = 1, **params: Any) -> Fault:
        if count == 0 or count < -1:
            raise ValueError("count must be -1 (until cleared) or a positive number")
        fault = Fault(kind=kind, account=account or GLOBAL, remaining=count, params=params)
        with self._lock:
            self._armed.append(fault)
        return fault

    def peek(self, kind: str, account: str | None = None) -> Fault | None:
        if not self._armed:  # fast path: the hot order path asks several times per request
            return None
        with self._lock:
            return self._find(kind, account)

    def take(self, kind: str, account: str | None = None) -> Fault | None:
        """Return the matching fault and use up one of its firings (None when nothing is armed)."""
        if not self._armed:
            return None
        with self._lock:
            fault = self._find(kind, account)
            if fault is None:
                return None
            if fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._armed.remove(fault)
            return fault

    def clear(self, account: str | None = None, kind: str | None = None) -> int:
        with self._lock:
            keep = [
                f
                for f in self._armed
                if not (
                    (account is None or f.account == account) and (kind is None or f.kind == kind)
                )
            ]
            removed = len(self._armed) - len(keep)
            self._armed = keep
            return removed

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._armed)

    def _find(self, kind: str, account: str | None) -> Fault | None:
        match_global = None
        for fault in self._armed:
            if fault.kind != kind:
                continue
            if account is not None and fault.account == account:
                return fault
            if fault.account == GLOBAL and match_global is None:
                match_global = fault
        return match_global
