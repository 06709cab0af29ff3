"""A scripted Binance spot REST edge (MockVenue over HttpTransport) for request-shape tests."""

import json
from urllib.parse import parse_qsl

import httpx

from tests.trading.exchanges.fixtures import load
from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.binance_spot.client import BinanceSpotClient
from trading.exchanges.ratelimit import RateLimiter


def symbol(name, base, quote, tick, step, min_notional="5.00000000"):
    """An exchangeInfo symbol entry with the documented filter shapes (docs/protocols.md §1.4)."""
    return {
        "symbol": name,
        "status": "TRADING",
        "baseAsset": base,
        "quoteAsset": quote,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": tick,
                "maxPrice": "1000000.00",
                "tickSize": tick,
            },
            {"filterType": "LOT_SIZE", "minQty": step, "maxQty": "9000.00000000", "stepSize": step},
            {"filterType": "MARKET_LOT_SIZE", "minQty": "0", "maxQty": "1000.0", "stepSize": "0"},
            {
                "filterType": "NOTIONAL",
                "minNotional": min_notional,
                "applyMinToMarket": True,
                "maxNotional": "9000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
        ],
    }


SYMBOLS = {
    "LTCUSDT": symbol("LTCUSDT", "LTC", "USDT", "0.01000000", "0.00100000"),
    "BTCUSDT": symbol("BTCUSDT", "BTC", "USDT", "0.01000000", "0.00001000"),
}


class FakeBinance:
    """Answers like Binance; records every request except the clock and exchangeInfo reads."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v3/time":
            return httpx.Response(200, json={"serverTime": 1_700_000_000_000})
        if path == "/api/v3/exchangeInfo":
            name = request.url.params["symbol"]
            return httpx.Response(200, json={"symbols": [SYMBOLS[name]]})
        self.requests.append(request)
        return httpx.Response(200, json=self.reply(request))

    def reply(self, request: httpx.Request):
        path = request.url.path
        if path == "/api/v3/account":
            return load("ccxt/raw/binance_get_account.json")["capture"]
        if path in ("/api/v3/openOrders", "/api/v3/myTrades"):
            return []
        return load("ccxt/raw/binance_post_order_full_ccxt_capture.json")["response"]

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def params_of(request: httpx.Request) -> dict[str, str]:
    """All parameters of a request: query string plus form body."""
    params = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
    if request.content:
        params.update(parse_qsl(request.content.decode(), keep_blank_values=True))
    return params


def make_client(fake: FakeBinance) -> BinanceSpotClient:
    return BinanceSpotClient(
        "test-key",
        "test-secret",
        env="prod",
        limiter=RateLimiter(1000),
        transport=MockVenue(fake),
    )


def as_json(obj) -> str:
    return json.dumps(obj)
