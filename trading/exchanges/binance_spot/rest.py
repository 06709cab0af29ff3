"""Binance spot REST calls: signing, timestamps, and turning replies into JSON or typed errors.

Every signed parameter goes in the query string (like the official SDK); a request is re-signed
with a fresh timestamp on each transport retry (only reads are retried), and once more after a
-1021 clock-skew refusal (the venue refused it before the matching engine: nothing executed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trading.exchanges.binance_spot import constants as c
from trading.exchanges.binance_spot.auth import Params, Signer, encode_params, signed_query
from trading.exchanges.binance_spot.mapping import error_for
from trading.exchanges.errors import ClockSkew, ProtocolError
from trading.exchanges.http import HttpTransport, Response
from trading.exchanges.timesync import TimeSync


class BinanceSpotRest:
    """Thin signed-request layer over :class:`HttpTransport`."""

    def __init__(self, http: HttpTransport, api_key: str, signer: Signer) -> None:
        self.http = http
        self._api_key = api_key
        self._signer = signer
        self.time = TimeSync(self.server_time)

    async def server_time(self) -> int:
        data = await self.public("GET", c.TIME)
        return int(data["serverTime"])

    async def public(self, method: str, path: str, params: Params | None = None) -> Any:
        """An unsigned request."""
        response = await self.http.request(method, path, query=encode_params(params or {}))
        return self._decode(response, None)

    async def signed(
        self,
        method: str,
        path: str,
        params: Params,
        *,
        client_order_id: str | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """A signed request; re-syncs the clock and retries once on -1021."""
        await self.time.ensure()
        try:
            return await self._signed_once(method, path, params, client_order_id, idempotent)
        except ClockSkew:
            await self.time.sync()
            return await self._signed_once(method, path, params, client_order_id, idempotent)

    async def _signed_once(
        self,
        method: str,
        path: str,
        params: Params,
        client_order_id: str | None,
        idempotent: bool | None,
    ) -> Any:
        headers = {c.API_KEY_HEADER: self._api_key}

        def prepare() -> tuple[str, bytes | None, Mapping[str, str]]:
            stamped = {**params, "recvWindow": c.RECV_WINDOW_MS, "timestamp": self.time.now_ms()}
            return signed_query(stamped, self._signer), None, headers

        response = await self.http.request(
            method, path, prepare=prepare, idempotent=idempotent, client_order_id=client_order_id
        )
        return self._decode(response, client_order_id)

    def _decode(self, response: Response, client_order_id: str | None) -> Any:
        try:
            data = response.json()
        except json.JSONDecodeError as exc:
            raise ProtocolError(
                f"HTTP {response.status_code}: not JSON: {response.text[:200]}", venue=c.VENUE
            ) from exc
        if response.is_success and not (
            isinstance(data, dict) and "code" in data and "msg" in data
        ):
            return data
        if isinstance(data, dict) and "code" in data:
            raise error_for(
                int(data["code"]), str(data.get("msg", "")), client_order_id=client_order_id
            )
        raise ProtocolError(f"HTTP {response.status_code}: {response.text[:200]}", venue=c.VENUE)
