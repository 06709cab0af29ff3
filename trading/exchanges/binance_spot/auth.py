"""Binance request signing (docs/protocols.md §1.2-1.3, whose vectors the tests reproduce).

REST: the signature covers the exact query string + body bytes sent, with non-ASCII values
percent-encoded first; HMAC-SHA256 → hex, Ed25519 → base64 (percent-encoded in the URL).
WebSocket API: every parameter except ``signature`` (``apiKey`` included) sorted by name, joined
``k=v`` with ``&``, values NOT percent-encoded.

We put every signed parameter in the query string, as the official SDK does (docs/decisions.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

Params = Mapping[str, object]


class Signer(Protocol):
    """Signs a payload string; ``url_safe`` gives the form to put in a query string."""

    def sign(self, payload: str) -> str: ...

    def url_safe(self, signature: str) -> str: ...


class HmacSigner:
    """HMAC-SHA256 with the API secret; hex output (already URL-safe)."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def sign(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()

    def url_safe(self, signature: str) -> str:
        return signature

    def __repr__(self) -> str:  # never leak the secret into logs
        return "HmacSigner(***)"


class Ed25519Signer:
    """Ed25519 with a PKCS#8 PEM private key; base64 output, percent-encoded in URLs."""

    def __init__(self, private_key_pem: str | bytes) -> None:
        pem = private_key_pem.encode() if isinstance(private_key_pem, str) else private_key_pem
        key = load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        self._key = key

    def sign(self, payload: str) -> str:
        return base64.b64encode(self._key.sign(payload.encode())).decode()

    def url_safe(self, signature: str) -> str:
        return quote(signature, safe="")

    def __repr__(self) -> str:
        return "Ed25519Signer(***)"


def format_value(value: object) -> str:
    """Wire form of one parameter: Decimals in plain notation, booleans lowercase."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def encode_params(params: Params) -> str:
    """``k=v&…`` in the given order, values UTF-8 percent-encoded (what is sent is what is signed)."""
    return urlencode({k: format_value(v) for k, v in params.items()}, quote_via=quote)


def signed_query(params: Params, signer: Signer) -> str:
    """The full signed query string: encoded params then ``&signature=…`` last."""
    query = encode_params(params)
    return f"{query}&signature={signer.url_safe(signer.sign(query))}"


def ws_payload(params: Params) -> str:
    """WebSocket-API signature payload: sorted by name, raw UTF-8 values."""
    return "&".join(f"{k}={format_value(params[k])}" for k in sorted(params))


def ws_signed_params(params: Params, api_key: str, signer: Signer) -> dict[str, object]:
    """``params`` plus ``apiKey`` and ``signature`` for a signed WebSocket-API request."""
    full: dict[str, object] = {**params, "apiKey": api_key}
    full["signature"] = signer.sign(ws_payload(full))
    return full
