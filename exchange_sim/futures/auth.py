"""Binance-style request handling for ``/fapi``: parameters, HMAC verification, error replies.

Written independently of the spot module and of ``trading.exchanges`` on purpose. Rules
(docs/protocols.md §1.2, §3.1): the signature is hex HMAC-SHA256 over the raw query string (minus
the ``signature`` parameter) concatenated with the raw body; parameters may sit in the query or the
form body, in any order, the query winning on conflicts; ``timestamp`` must satisfy
``timestamp < server + 1000`` and ``server - timestamp <= recvWindow``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from exchange_sim.futures.state import Account, FuturesState
from exchange_sim.world import World


class ApiError(Exception):
    """A Binance error reply ``{"code": <negative int>, "msg": ...}`` with its HTTP status."""

    def __init__(self, code: int, msg: str, status: int = 400, headers: dict | None = None):
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"code": self.code, "msg": self.msg}, status_code=self.status, headers=self.headers
        )


def missing(name: str) -> ApiError:
    return ApiError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


@dataclass
class Params:
    """Merged request parameters with typed accessors that raise Binance errors."""

    values: dict[str, str]

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def req(self, name: str) -> str:
        value = self.values.get(name, "")
        if value == "":
            raise missing(name)
        return value

    def decimal(self, name: str, required: bool = False) -> Decimal | None:
        raw = self.req(name) if required else self.values.get(name, "")
        if raw == "":
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.") from None
        if not value.is_finite():
            raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        raw = self.values.get(name, "")
        if raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.") from None

    def flag(self, name: str) -> bool:
        raw = self.values.get(name, "false").lower()
        if raw not in ("true", "false"):
            raise ApiError(-1130, f"Data sent for parameter '{name}' is not valid.")
        return raw == "true"


async def read_params(request: Request) -> tuple[Params, str, str]:
    """Return (merged params, raw query, raw body); the query wins over the body."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    body = (await request.body()).decode("utf-8", errors="replace")
    values = dict(parse_qsl(body, keep_blank_values=True))
    values.update(parse_qsl(query, keep_blank_values=True))
    return Params(values), query, body


def _strip_signature(raw: str) -> tuple[str, str | None]:
    parts = raw.split("&") if raw else []
    kept = [p for p in parts if not p.startswith("signature=")]
    sig = next((p.split("=", 1)[1] for p in parts if p.startswith("signature=")), None)
    return "&".join(kept), sig


def verify_signature(secret: str, query: str, body: str) -> bool:
    """HMAC over raw query (minus ``signature``) + raw body; hex compared case-insensitively."""
    q, sig_q = _strip_signature(query)
    b, sig_b = _strip_signature(body)
    signature = sig_q or sig_b
    if not signature:
        return False
    digest = hmac.new(secret.encode(), (q + b).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest, signature.lower())


def check_timestamp(params: Params, now: int) -> None:
    ts = params.integer("timestamp")
    if ts is None:
        raise missing("timestamp")
    if ts > 10**14:  # microseconds
        ts //= 1000
    window = params.decimal("recvWindow") or Decimal(5000)
    if window > 60000:
        raise ApiError(-1131, "recvWindow must be less than 60000")
    if ts >= now + 1000:
        raise ApiError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    if now - ts > window:
        raise ApiError(-1021, "Timestamp for this request is outside of the recvWindow.")


def api_key_account(request: Request, state: FuturesState, world: World) -> Account:
    """Resolve ``X-MBX-APIKEY`` (no signature: listenKey endpoints) and apply account faults."""
    key = request.headers.get("x-mbx-apikey", "")
    if not key:
        raise ApiError(-2014, "API-key format invalid.", 401)
    account = state.accounts.get(key) or _mirror_spot_key(key, state, world)
    if account is None or world.faults.take("reject_auth", key):
        raise ApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401)
    _rate_limit(account, state, world)
    return account


async def signed(request: Request, state: FuturesState, world: World) -> tuple[Account, Params]:
    """Authenticate a SIGNED request; returns the account and its parameters."""
    params, query, body = await read_params(request)
    account = api_key_account(request, state, world)
    check_timestamp(params, world.clock_ms())
    if not verify_signature(account.secret, query, body):
        raise ApiError(-1022, "Signature for this request is not valid.")
    return account, params


def _mirror_spot_key(key: str, state: FuturesState, world: World) -> Account | None:
    """One Binance API key serves spot and futures: adopt a spot key with a default wallet."""
    spot = world.venues.get("binance_spot")
    spot_account = getattr(spot, "by_key", {}).get(key) if spot is not None else None
    if spot_account is None:
        return None
    with world.lock:
        account = state.accounts.setdefault(
            key, Account(api_key=key, secret=spot_account.api_secret, wallet=state.default_wallet)
        )
    return account


def _rate_limit(account: Account, state: FuturesState, world: World) -> None:
    """Fault ``rate_limit``: 429 + Retry-After, then 418 for a client that keeps going."""
    refused = state.throttle.check(world.faults, account.api_key)
    if refused is None:
        return
    status, retry = refused
    if status == 418:
        msg = "Way too many requests; IP(127.0.0.1) banned until further notice."
    else:
        msg = "Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute."
    raise ApiError(-1003, msg, status, {"Retry-After": str(retry)})
