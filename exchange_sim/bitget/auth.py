"""Bitget v2 request authentication, from the docs (docs/protocols.md §2.2).

``ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + ["?" + query] +
body))`` over the raw query string and the exact body bytes received; timestamps in ms within
±30 s; the passphrase must match; demo keys need ``paptrading: 1`` and live keys must not send it
(both answer 40099, the venue's "environment" error).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from exchange_sim.asgi import Scope, header
from exchange_sim.bitget.state import BitgetAccount, BitgetError, BitgetVenue

TOLERANCE_MS = 30_000


def sign(secret: bytes, prehash: bytes) -> str:
    return base64.b64encode(hmac.new(secret, prehash, hashlib.sha256).digest()).decode()


def prehash(timestamp: str, method: str, path: bytes, query: bytes, body: bytes) -> bytes:
    head = timestamp.encode() + method.upper().encode() + path
    return head + (b"?" + query if query else b"") + body


def authenticate(venue: BitgetVenue, scope: Scope, body: bytes) -> BitgetAccount:
    """The account behind the request's ACCESS-* headers, or the venue's auth error."""
    key = header(scope, b"access-key")
    signature = header(scope, b"access-sign")
    timestamp = header(scope, b"access-timestamp")
    passphrase = header(scope, b"access-passphrase")
    if not key:
        raise BitgetError("40001", "ACCESS_KEY cannot be empty")
    if not signature:
        raise BitgetError("40002", "ACCESS_SIGN cannot be empty")
    if not timestamp:
        raise BitgetError("40003", "ACCESS_TIMESTAMP cannot be empty")
    if not passphrase:
        raise BitgetError("40011", "ACCESS_PASSPHRASE cannot be empty")
    account = _account(venue, key, header(scope, b"paptrading") == "1")
    _check_timestamp(venue, timestamp)
    if not hmac.compare_digest(passphrase, account.passphrase):
        raise BitgetError("40012", "apikey/password is incorrect")
    path = scope.get("raw_path") or scope["path"].encode()
    expected = sign(
        account.secret_bytes, prehash(timestamp, scope["method"], path, scope["query_string"], body)
    )
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise BitgetError("40009", "sign signature error")
    return account


def _account(venue: BitgetVenue, key: str, paptrading: bool) -> BitgetAccount:
    account = venue.by_key.get(key)
    if account is None:
        raise BitgetError("40037", "Apikey does not exist")
    if venue.world.faults.take("reject_auth", key) is not None:
        raise BitgetError("40006", "Invalid ACCESS_KEY")
    if account.demo != paptrading:
        raise BitgetError("40099", "exchange environment is incorrect")
    return account


def _check_timestamp(venue: BitgetVenue, timestamp: str) -> None:
    if not timestamp.isdigit():
        raise BitgetError("40005", "Invalid ACCESS_TIMESTAMP")
    if abs(venue.world.clock_ms() - int(timestamp)) > TOLERANCE_MS:
        raise BitgetError("40008", "Request timestamp expired")


def verify_ws_login(venue: BitgetVenue, args: dict[str, object]) -> BitgetAccount:
    """WS login: sign = base64(HMAC(secret, timestamp_seconds + "GET" + "/user/verify"))."""
    key = str(args.get("apiKey") or "")
    account = venue.by_key.get(key)
    if account is None or venue.world.faults.take("reject_auth", key) is not None:
        raise BitgetError("30011", "Invalid ACCESS_KEY")
    timestamp = str(args.get("timestamp") or "")
    if not timestamp.isdigit() or abs(venue.world.clock_ms() // 1000 - int(timestamp)) > 30:
        raise BitgetError("30008", "Request timestamp expired")
    if str(args.get("passphrase") or "") != account.passphrase:
        raise BitgetError("30012", "Invalid ACCESS_PASSPHRASE")
    expected = sign(account.secret_bytes, f"{timestamp}GET/user/verify".encode())
    if not hmac.compare_digest(str(args.get("sign") or "").encode(), expected.encode()):
        raise BitgetError("30005", "Invalid sign")
    return account
