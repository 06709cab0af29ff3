"""Shared helpers for the futures tests: a client whose HTTP requests are captured."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.binance_futures.auth import ApiCredentials
from trading.exchanges.binance_futures.client import FuturesClient

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CREDS = ApiCredentials("test-key", "test-secret")


def load_fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "ccxt" / name).read_text())


def captured_client(
    reply: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request]
) -> FuturesClient:
    """A client on a mock transport: ``/fapi/v1/time`` answers the clock, the rest ``reply``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/fapi/v1/time":
            return httpx.Response(200, json={"serverTime": 1_700_000_000_000})
        seen.append(request)
        return reply(request)

    return FuturesClient(CREDS, base_url="https://fapi.test", transport=MockVenue(handler))
