"""The one exception tree every connector raises. Each class says how a caller must react.

Venue error codes are mapped to these classes in one table per venue (``<venue>/mapping.py``).

ExchangeError
├── TemporaryError          safe to retry the *same read*; for order creation only if the venue
│   │                       certainly did not execute (connection refused before sending)
│   ├── RateLimited         back off for ``retry_after`` seconds (429 / 418 / -1003 / Bitget 429)
│   └── ClockSkew           timestamp outside the receive window (-1021, Bitget 40008): re-sync
│                           the clock; the venue rejected the request before executing it
├── OutcomeUnknown          the order MAY have executed (timeout, 5xx, -1007, duplicate id):
│                           look it up by client order id, NEVER re-send
├── OrderRejected           the venue refused the order; nothing executed; do not retry as-is
│   ├── InsufficientBalance
│   ├── FilterRejected      precision / min notional / lot size (-1013, Bitget 43006, 45110)
│   ├── OrderNotFound       lookup/cancel of an unknown order (-2013, -2011, Bitget 43001)
│   ├── NotPlaced           reconciliation after OutcomeUnknown concluded nothing was placed
│   ├── OpenOrderLimit      too many open orders on the account (event contracts 93420018):
│   │                       retrying helps only once some settle — say so, do not spin
│   └── TermsChanged        the venue's offered terms moved since they were read (event-contract
│                           payout ratio, 93420010): read them again once, then decide
├── AuthError               bad key / signature / permissions / expired web session: stop using
│   │                       the credential until a person fixes it
│   └── SessionExpired      Binance web 100002001: the QR login must be redone
└── ProtocolError           the reply did not parse; a bug here or a venue change
"""

from __future__ import annotations

from typing import Any


class ExchangeError(Exception):
    """Base of every connector error. ``code`` is the venue's own code (string), if any."""

    def __init__(self, message: str = "", *, code: str | None = None, venue: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.venue = venue

    def __str__(self) -> str:
        if self.code:
            return f"[{self.venue} {self.code}] {self.message}"
        return f"[{self.venue}] {self.message}" if self.venue else self.message


class TemporaryError(ExchangeError):
    """Network trouble or an overloaded venue, known not to have executed anything."""


class RateLimited(TemporaryError):
    """The venue asked us to slow down; wait ``retry_after`` seconds before the next request."""

    def __init__(
        self, message: str = "", *, retry_after: float = 1.0, banned: bool = False, **kw: Any
    ) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
        self.banned = banned


class ClockSkew(TemporaryError):
    """The request's timestamp was outside the venue's receive window; nothing executed."""


class OutcomeUnknown(ExchangeError):
    """The request may or may not have executed. Reconcile by client order id; never re-send."""

    def __init__(self, message: str = "", *, client_order_id: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.client_order_id = client_order_id


class OrderRejected(ExchangeError):
    """The venue refused the order; nothing executed."""


class InsufficientBalance(OrderRejected):
    """Not enough free balance for the order."""


class FilterRejected(OrderRejected):
    """Precision, lot size, or minimum notional rules refused the order."""


class OrderNotFound(OrderRejected):
    """The venue does not know this order (yet: fresh orders can be briefly invisible)."""


class NotPlaced(OrderRejected):
    """After an unknown outcome, lookups by client id kept answering "not found" for the whole
    reconcile window: the order was never placed. Re-sending with the same id is now safe."""

    def __init__(self, message: str = "", *, client_order_id: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.client_order_id = client_order_id


class OpenOrderLimit(OrderRejected):
    """The account holds as many open orders as the venue allows; nothing executed."""


class TermsChanged(OrderRejected):
    """The terms sent (e.g. an event-contract payout ratio) are no longer offered; nothing
    executed. Read the current terms again (once) before deciding to send anew."""


class AuthError(ExchangeError):
    """The credential is invalid, revoked, lacks permission, or the signature/timestamp is bad."""


class SessionExpired(AuthError):
    """A Binance web session (csrftoken + p20t) has expired; the QR login must be redone."""


class ProtocolError(ExchangeError):
    """The venue's reply did not match the protocol we expect."""
