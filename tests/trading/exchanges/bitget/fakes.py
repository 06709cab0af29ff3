"""A scripted Bitget spot REST edge (MockVenue over HttpTransport) for request-shape tests."""

import json
from urllib.parse import parse_qsl

import httpx

from tests.trading.exchanges.fixtures import load
from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.bitget.client import BitgetSpotClient
from trading.exchanges.ratelimit import RateLimiter


def symbol(name, base, price_precision, qty_precision, quote_precision=6):
    """A /api/v2/spot/public/symbols row with the documented fields (docs/protocols.md §2.4)."""
    return {
        "symbol": name,
        "baseCoin": base,
        "quoteCoin": "USDT",
        "minTradeAmount": "0",
        "maxTradeAmount": "900000000",
        "takerFeeRate": "0.001",
        "makerFeeRate": "0.001",
        "pricePrecision": str(price_precision),
        "quantityPrecision": str(qty_precision),
        "quotePrecision": str(quote_precision),
        "minTradeUSDT": "1",
        "status": "online",
    }


SYMBOLS = {"BTCUSDT": symbol("BTCUSDT", "BTC", 2, 6), "LTCUSDT": symbol("LTCUSDT", "LTC", 2, 4)}
ORDER_ROW = load("ccxt/bitget_responses.json")["cases"][2]["httpResponse"]["data"][0]


def envelope(data):
    return {"code": "00000", "msg": "success", "requestTime": 1706653719498, "data": data}


class FakeBitget:
    """Answers like Bitget; records every private request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v2/public/time":
            return httpx.Response(200, json=envelope({"serverTime": "1700000000000"}))
        if path == "/api/v2/spot/public/symbols":
            return httpx.Response(200, json=envelope([SYMBOLS[request.url.params["symbol"]]]))
        self.requests.append(request)
        return httpx.Response(200, json=envelope(self.reply(path)))

    def reply(self, path):
        if path == "/api/v2/spot/account/assets":
            return load("ccxt/raw/bitget_spot_assets.json")["response"]["data"]
        if path.endswith(("place-order", "cancel-order")):
            return {"orderId": "1", "clientOid": "x"}
        if path.endswith("orderInfo"):
            return [ORDER_ROW]
        return []

    def private(self, path_suffix: str) -> httpx.Request:
        return next(r for r in self.requests if r.url.path.endswith(path_suffix))


def params_of(request: httpx.Request) -> dict[str, str]:
    params = dict(parse_qsl(request.url.query.decode()))
    if request.content:
        params.update(json.loads(request.content))
    return params


def make_client(fake: FakeBitget, env: str = "prod") -> BitgetSpotClient:
    return BitgetSpotClient(
        "bg-key",
        "bg-secret",
        "bg-pass",
        env=env,
        limiter=RateLimiter(1000),
        transport=MockVenue(fake),
    )
