"""Binance request signing for fapi — identical to spot (docs/protocols.md §1.2, §3.1), so the HMAC
signer and parameter encoding are reused from :mod:`trading.exchanges.binance_spot.auth`.

The signature covers the exact bytes sent: the encoded query string followed by the form body,
no separator. We send GET/DELETE parameters in the query and POST/PUT parameters in a form body
(as ccxt does); ``timestamp``/``recvWindow`` travel with the other parameters and ``signature``
comes last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_spot import auth as spot_auth


def sign(secret: str, payload: str) -> str:
    """Hex HMAC-SHA256 of ``payload`` (already percent-encoded, as sent) with ``secret``."""
    return spot_auth.HmacSigner(secret).sign(payload)


def encode_params(params: Mapping[str, object]) -> str:
    """``k=v&…`` in the given order, non-ASCII percent-encoded (UTF-8), ``None`` values dropped."""
    return spot_auth.encode_params({k: v for k, v in params.items() if v is not None})


@dataclass(frozen=True, repr=False)
class ApiCredentials:
    """A Binance API key pair. ``repr`` never shows the secret."""

    api_key: str
    secret: str
    _signer: spot_auth.HmacSigner = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_signer", spot_auth.HmacSigner(self.secret))

    def __repr__(self) -> str:
        return f"ApiCredentials(api_key={self.api_key[:6]}…, secret=***)"

    def signed(self, params: Mapping[str, object], timestamp_ms: int) -> str:
        """The encoded parameters with ``recvWindow``, ``timestamp`` and ``signature`` appended."""
        full = {**params, "recvWindow": c.RECV_WINDOW_MS, "timestamp": timestamp_ms}
        return spot_auth.signed_query(
            {k: v for k, v in full.items() if v is not None}, self._signer
        )

    def headers(self) -> dict[str, str]:
        return {c.API_KEY_HEADER: self.api_key}
