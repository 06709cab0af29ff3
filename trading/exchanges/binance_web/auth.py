"""The Binance web session (``csrftoken`` header + ``p20t`` cookie) shared by Alpha and event
contracts, and the headers/cookies every web request carries (docs/protocols.md §4.2, §5).

The two tokens are as good as a password: ``repr``/``str`` mask them, and nothing here logs them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trading.exchanges.binance_web import constants as c

NO_EXPIRY = -1  # ``expirationTimestamp`` of -1: unknown (docs/protocols.md §6 step 6)


@dataclass(frozen=True, repr=False)
class WebSession:
    """A logged-in Binance web session. ``expiration_timestamp`` is epoch seconds (-1 = unknown)."""

    csrftoken: str
    p20t: str
    expiration_timestamp: int = NO_EXPIRY
    # What a trader pasted from the browser ("copy as cURL"), when given: more headers (never
    # overriding the session's own) and the full cookie string (which must carry this p20t).
    extra_headers: tuple[tuple[str, str], ...] = ()
    cookie: str = ""

    def __repr__(self) -> str:
        return (
            f"WebSession(id={self.credential_id}, csrftoken=***, p20t=***, "
            f"expiration_timestamp={self.expiration_timestamp})"
        )

    __str__ = __repr__

    @property
    def credential_id(self) -> str:
        """A short non-secret fingerprint: the rate-limiter key and what logs may show."""
        return "web-" + hashlib.sha256(self.p20t.encode()).hexdigest()[:12]

    def expires_at(self) -> datetime | None:
        if self.expiration_timestamp == NO_EXPIRY:
            return None
        return datetime.fromtimestamp(self.expiration_timestamp, tz=UTC)

    def is_expired(self, now: datetime, *, margin_s: float = 0.0) -> bool:
        """Whether the session is past its expiry (``margin_s`` early). Unknown expiry → False:
        the venue's ``100002001`` answer is then the only signal."""
        if self.expiration_timestamp == NO_EXPIRY:
            return False
        return now.timestamp() + margin_s >= self.expiration_timestamp

    def headers(self) -> dict[str, str]:
        """The minimal header set that works for bapi private calls (docs/alpha.md), plus the
        pasted extra headers and full cookie string when there are any."""
        own = {
            c.HEADER_CONTENT_TYPE: "application/json",
            c.HEADER_CLIENT_TYPE: c.CLIENT_TYPE_WEB,
            c.HEADER_CSRF: self.csrftoken,
            "cookie": self.cookie or f"{c.COOKIE_P20T}={self.p20t}",
        }
        extra = {k.lower(): v for k, v in self.extra_headers if k.lower() not in own}
        return extra | own

    def to_token_json(self) -> dict[str, Any]:
        """The ``token.json`` shape public clients persist (docs/protocols.md §6 step 6)."""
        return {
            "csrftoken": self.csrftoken,
            "p20t": self.p20t,
            "expirationTimestamp": self.expiration_timestamp,
        }

    @classmethod
    def from_token_json(cls, data: Mapping[str, Any]) -> WebSession:
        exp = data.get("expirationTimestamp", NO_EXPIRY)
        return cls(str(data["csrftoken"]), str(data["p20t"]), int(exp if exp is not None else -1))


def public_headers() -> dict[str, str]:
    """Headers for unauthenticated bapi calls (QR login, public Alpha data)."""
    return {c.HEADER_CONTENT_TYPE: "application/json", c.HEADER_CLIENT_TYPE: c.CLIENT_TYPE_WEB}
