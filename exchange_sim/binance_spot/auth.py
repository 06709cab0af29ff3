"""Binance request parsing and HMAC verification, written from the docs
(docs/protocols.md §1.2, §8, §10).

REST: the signature is HMAC-SHA256 (hex, compared case-insensitively) over the raw query string
with its ``signature`` pair removed, concatenated with the raw body (also without it). Parameters
may sit in the query or a form body, in any order; the query wins when both carry one.
Ed25519 keys sign the same payloads; their signatures are base64 and compared exactly.
WebSocket API: HMAC over the params (``apiKey`` included, ``signature`` excluded) sorted by name,
joined ``k=v`` with ``&``, values not percent-encoded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from decimal import Decimal
from urllib.parse import parse_qsl, unquote

from cryptography.exceptions import InvalidSignature

from exchange_sim.binance_spot.state import BinanceError, SpotAccount, SpotVenue
from exchange_sim.binance_spot.validate import mandatory
from exchange_sim.numbers import parse_decimal

_SIG = b"signature="


def split_signature(raw: bytes) -> tuple[bytes, str | None]:
    """``raw`` without its ``signature=...`` pair, and the (percent-decoded) signature value."""
    start = raw.rfind(_SIG)
    while start > 0 and raw[start - 1 : start] != b"&":
        start = raw.rfind(_SIG, 0, start)
    if start < 0:
        return raw, None
    end = raw.find(b"&", start)
    value = raw[start + len(_SIG) : end if end >= 0 else len(raw)]
    if end >= 0:
        rest = raw[:start] + raw[end + 1 :]
    else:
        rest = raw[: max(start - 1, 0)]
    return rest, unquote(value.decode("latin-1"))


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    """``k=v&k2=v2`` → pairs; percent-decoding (UTF-8) only where needed (hot path)."""
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8")
    out = []
    for part in text.split("&"):
        if part:
            key, _, value = part.partition("=")
            out.append((key, value))
    return out


def parse_params(query: bytes, body: bytes, form_body: bool) -> dict[str, str]:
    """All request parameters: form body first, the query string overriding it."""
    params: dict[str, str] = {}
    if body and form_body:
        params.update(_pairs(body))
    if query:
        params.update(_pairs(query))
    return params


def hmac_hex(secret: bytes, payload: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def account_for_key(venue: SpotVenue, api_key: str | None) -> SpotAccount:
    """The account behind ``X-MBX-APIKEY`` (-2014 when absent/malformed, -2015 unknown/revoked)."""
    if not api_key or len(api_key) > 128:
        raise BinanceError(-2014, "API-key format invalid.", 401)
    account = venue.by_key.get(api_key)
    if account is None or venue.world.faults.take("reject_auth", api_key) is not None:
        raise BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
    return account


def check_timestamp(venue: SpotVenue, params: dict[str, str]) -> None:
    """The docs' rule: ``timestamp < now + 1000`` and ``now - timestamp <= recvWindow``."""
    raw_ts = params.get("timestamp")
    if not raw_ts or not raw_ts.isdigit():
        raise mandatory("timestamp")
    timestamp = Decimal(raw_ts) / 1000 if len(raw_ts) >= 16 else Decimal(int(raw_ts))  # µs
    window = Decimal(5000)
    if "recvWindow" in params:
        parsed = parse_decimal(params["recvWindow"])
        if parsed is None or parsed < 0:
            raise mandatory("recvWindow")
        if parsed > 60000:
            raise BinanceError(-1131, "recvWindow must be less than 60000")
        window = parsed
    now = venue.world.clock_ms()
    if timestamp >= now + 1000:
        raise BinanceError(
            -1021, "Timestamp for this request was 1000ms ahead of the server's time."
        )
    if now - timestamp > window:
        raise BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")


def verify_rest(account: SpotAccount, query: bytes, body: bytes) -> None:
    """Check the REST signature over raw query (minus signature) + raw body (minus signature)."""
    rest_query, sig_q = split_signature(query)
    rest_body, sig_b = split_signature(body) if sig_q is None else (body, None)
    signature = sig_q or sig_b
    if not signature:
        raise mandatory("signature")
    _check(account, signature, rest_query + rest_body)


def _check(account: SpotAccount, signature: str, payload: bytes) -> None:
    """HMAC keys: hex, case-insensitive. Ed25519 keys: base64, exact (docs "SIGNED" section)."""
    if account.ed25519_key is not None:
        try:
            account.ed25519_key.verify(base64.b64decode(signature, validate=True), payload)
        except (InvalidSignature, ValueError, binascii.Error) as exc:
            raise BinanceError(-1022, "Signature for this request is not valid.") from exc
        return
    expected = hmac_hex(account.secret_bytes, payload)
    if not hmac.compare_digest(signature.lower().encode(), expected.encode()):
        raise BinanceError(-1022, "Signature for this request is not valid.")


def ws_payload(params: dict[str, object]) -> bytes:
    """The WebSocket-API signing payload: sorted ``k=v`` pairs without ``signature``, UTF-8."""
    pairs = [f"{k}={_ws_value(v)}" for k, v in sorted(params.items()) if k != "signature"]
    return "&".join(pairs).encode()


def _ws_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def verify_ws(account: SpotAccount, params: dict[str, object]) -> None:
    signature = params.get("signature")
    if not isinstance(signature, str) or not signature:
        raise mandatory("signature")
    _check(account, signature, ws_payload(params))
