"""Bitget spot v2 REST calls: signing, the ``{code, msg, data}`` envelope, typed errors.

GET parameters go in a key-sorted query string (as the docs and official SDK); POST bodies are
compact JSON with every value a string. The exact bytes sent are the bytes signed. Each attempt is
re-signed with a fresh timestamp; one extra attempt follows a 40008 clock-skew refusal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from trading.exchanges.bitget import constants as c
from trading.exchanges.bitget.auth import BitgetCredentials
from trading.exchanges.bitget.mapping import error_for
from trading.exchanges.errors import ClockSkew, ProtocolError
from trading.exchanges.http import HttpTransport, Response
from trading.exchanges.timesync import TimeSync

Params = Mapping[str, object]


def _text(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def encode_query(params: Params) -> str:
    """Key-sorted, percent-encoded query string."""
    return urlencode(sorted((k, _text(v)) for k, v in params.items()), quote_via=quote)


def encode_body(body: Params) -> str:
    """Compact JSON; values are sent as strings (plain decimals), as Bitget documents them."""
    return json.dumps({k: _text(v) for k, v in body.items()}, separators=(",", ":"))


class BitgetRest:
    """Thin signed-request layer over :class:`HttpTransport`."""

    def __init__(self, http: HttpTransport, credentials: BitgetCredentials) -> None:
        self.http = http
        self._creds = credentials
        self.time = TimeSync(self.server_time)

    async def server_time(self) -> int:
        return int((await self.public(c.TIME))["serverTime"])

    async def public(self, path: str, params: Params | None = None) -> Any:
        response = await self.http.request("GET", path, query=encode_query(params or {}))
        return self._decode(response, None)

    async def get(self, path: str, params: Params | None = None) -> Any:
        return await self._signed("GET", path, encode_query(params or {}), "", None)

    async def post(self, path: str, body: Params, *, client_order_id: str | None = None) -> Any:
        return await self._signed("POST", path, "", encode_body(body), client_order_id)

    async def _signed(
        self, method: str, path: str, query: str, body: str, client_order_id: str | None
    ) -> Any:
        await self.time.ensure()
        try:
            return await self._signed_once(method, path, query, body, client_order_id)
        except ClockSkew:
            await self.time.sync()
            return await self._signed_once(method, path, query, body, client_order_id)

    async def _signed_once(
        self, method: str, path: str, query: str, body: str, client_order_id: str | None
    ) -> Any:
        def prepare() -> tuple[str, bytes | None, Mapping[str, str]]:
            stamp = str(self.time.now_ms())
            headers = self._creds.headers(stamp, method, path, query, body)
            return query, body.encode() if body else None, headers

        response = await self.http.request(
            method, path, prepare=prepare, client_order_id=client_order_id
        )
        return self._decode(response, client_order_id)

    def _decode(self, response: Response, client_order_id: str | None) -> Any:
        try:
            envelope = response.json()
        except json.JSONDecodeError as exc:
            raise ProtocolError(
                f"HTTP {response.status_code}: not JSON: {response.text[:200]}", venue=c.VENUE
            ) from exc
        if not isinstance(envelope, dict) or "code" not in envelope:
            raise ProtocolError(f"no envelope: {response.text[:200]}", venue=c.VENUE)
        code = str(envelope["code"])
        if code == c.SUCCESS and response.is_success:
            return envelope.get("data")
        msg = str(envelope.get("msg") or envelope.get("message") or "")
        raise error_for(code, msg, client_order_id=client_order_id)
