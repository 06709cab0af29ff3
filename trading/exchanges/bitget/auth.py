"""Bitget request signing (docs/protocols.md §2.2, whose vectors the tests reproduce).

``ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + METHOD + path + ("?" + query) + body))``
over the exact query string and body bytes sent. WebSocket login signs
``timestamp_seconds + "GET" + "/user/verify"``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field

from trading.exchanges.bitget import constants as c


def prehash(timestamp: str, method: str, path: str, query: str = "", body: str = "") -> str:
    """The string Bitget signs; ``query`` without the leading ``?``."""
    return f"{timestamp}{method.upper()}{path}{'?' + query if query else ''}{body}"


@dataclass(frozen=True)
class BitgetCredentials:
    """API key, secret and passphrase; ``repr`` never shows the secrets."""

    api_key: str
    secret: str = field(repr=False)
    passphrase: str = field(repr=False)

    def sign(self, payload: str) -> str:
        digest = hmac.new(self.secret.encode(), payload.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def headers(
        self, timestamp: str, method: str, path: str, query: str = "", body: str = ""
    ) -> dict[str, str]:
        """The private-request headers (``Content-Type`` JSON, ``locale`` English)."""
        return {
            "ACCESS-KEY": self.api_key,
            "ACCESS-SIGN": self.sign(prehash(timestamp, method, path, query, body)),
            "ACCESS-TIMESTAMP": timestamp,
            "ACCESS-PASSPHRASE": self.passphrase,
            "Content-Type": "application/json",
            "locale": c.LOCALE,
        }

    def ws_login_args(self, timestamp_seconds: str) -> dict[str, str]:
        """The ``args[0]`` of ``{"op": "login"}``."""
        return {
            "apiKey": self.api_key,
            "passphrase": self.passphrase,
            "timestamp": timestamp_seconds,
            "sign": self.sign(prehash(timestamp_seconds, "GET", c.WS_VERIFY_PATH)),
        }
