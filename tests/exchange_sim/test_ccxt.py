"""Stock ccxt against the simulator over HTTP, with only its base URLs changed: markets load
(spot exchangeInfo plus the margin pair lists and coin configuration it reads when it has API
keys), market data parses, orders go through, and the venues' strict refusals reach ccxt as the
venues' own errors."""

from __future__ import annotations

from typing import Any

import ccxt
import httpx
import pytest

pytestmark = pytest.mark.integration

SPOT_ONLY = {"fetchMarkets": {"types": ["spot"]}}  # no USDⓈ-M / COIN-M / Bitget futures here


def _point(urls: dict[str, Any], base: str, hosts: tuple[str, ...]) -> None:
    """Rewrite every API URL on one of ``hosts`` to the simulator (nested sections included)."""
    for key, value in urls.items():
        if isinstance(value, dict):
            _point(value, base, hosts)
        elif isinstance(value, str):
            for host in hosts:
                if value.startswith(host):
                    urls[key] = base + value[len(host) :]


def binance(sim, **balances: str) -> ccxt.binance:
    account = sim.control.binance_account(balances or {"USDT": "10000", "BTC": "1"})
    exchange = ccxt.binance(
        {"apiKey": account["api_key"], "secret": account["api_secret"], "options": SPOT_ONLY}
    )
    _point(exchange.urls["api"], sim.url, ("https://api.binance.com",))
    return exchange


def bitget(sim, **balances: str) -> ccxt.bitget:
    account = sim.control.bitget_account(balances or {"USDT": "10000", "BTC": "1"})
    exchange = ccxt.bitget(
        {
            "apiKey": account["api_key"],
            "secret": account["api_secret"],
            "password": account["passphrase"],
            "options": SPOT_ONLY,
        }
    )
    _point(exchange.urls["api"], sim.url, ("https://api.{hostname}",))
    return exchange


def test_binance_load_markets_with_keys(sim):
    exchange = binance(sim)
    markets = exchange.load_markets()
    assert {"BTC/USDT", "ETH/USDT", "BNB/USDT", "SOL/USDT"} <= set(markets)
    btc = markets["BTC/USDT"]
    assert btc["spot"] and btc["margin"]  # from /sapi/v1/margin/allPairs
    assert btc["precision"]["price"] == 0.01 and btc["limits"]["cost"]["min"] == 5
    assert exchange.options["crossMarginPairsData"] and exchange.options["isolatedMarginPairsData"]
    usdt = exchange.currencies["USDT"]  # from /sapi/v1/capital/config/getall
    assert set(usdt["networks"]) == {"TRC20", "ERC20", "BEP20"}


def test_binance_market_data(sim):
    exchange = binance(sim)
    sim.control.set_price("BTCUSDT", "50000.00")
    ticker = exchange.fetch_ticker("BTC/USDT")  # /api/v3/ticker/24hr
    assert ticker["last"] == 50000.0 and ticker["high"] >= 50000.0 >= ticker["low"]
    book = exchange.fetch_order_book("BTC/USDT", limit=5)  # /api/v3/depth
    assert book["asks"][0][0] == 50000.0 and book["bids"][0][0] == 49999.99
    assert len(book["bids"]) == len(book["asks"]) == 5
    candles = exchange.fetch_ohlcv("BTC/USDT", "1m", limit=3)  # /api/v3/klines
    assert len(candles) == 3 and candles[-1][4] == 50000.0
    assert candles[0][0] + 120_000 == candles[-1][0]
    average = exchange.public_get_avgprice({"symbol": "BTCUSDT"})
    assert average["mins"] == 5 and float(average["price"]) > 0


def test_binance_market_with_time_in_force_is_refused(sim):
    exchange = binance(sim)
    exchange.load_markets()
    with pytest.raises(ccxt.BadRequest, match="Parameter 'timeInForce' sent when not required"):
        exchange.create_order("BTC/USDT", "market", "buy", 0.001, params={"timeInForce": "GTC"})
    placed = exchange.create_order("BTC/USDT", "market", "buy", 0.001)
    assert placed["status"] == "closed" and placed["filled"] == 0.001


def test_binance_trading_round_trip(sim):
    exchange = binance(sim)
    exchange.load_markets()
    sim.control.set_price("BTCUSDT", "50000.00")
    bought = exchange.create_order("BTC/USDT", "market", "buy", 0.01)
    assert bought["status"] == "closed" and bought["average"] == 50000.0
    resting = exchange.create_order("BTC/USDT", "limit", "sell", 0.005, 51000)
    assert [o["id"] for o in exchange.fetch_open_orders("BTC/USDT")] == [resting["id"]]
    assert exchange.cancel_order(resting["id"], "BTC/USDT")["status"] == "canceled"
    trades = exchange.fetch_my_trades("BTC/USDT")
    assert [(t["order"], t["amount"], t["price"]) for t in trades] == [
        (bought["id"], 0.01, 50000.0)
    ]
    balance = exchange.fetch_balance()
    assert balance["USDT"]["free"] == 9500.0 and balance["BTC"]["used"] == 0


def test_binance_stop_loss_limit_through_ccxt(sim):
    exchange = binance(sim)
    exchange.load_markets()
    sim.control.set_price("BTCUSDT", "50000.00")
    order = exchange.create_order(
        "BTC/USDT", "limit", "sell", 0.01, 48900, params={"stopLossPrice": 49000}
    )
    assert order["info"]["orderId"]
    got = exchange.fetch_order(order["id"], "BTC/USDT")
    assert got["status"] == "open" and got["info"]["type"] == "STOP_LOSS_LIMIT"
    assert got["info"]["isWorking"] is False and got["triggerPrice"] == 49000.0
    sim.control.set_price("BTCUSDT", "48950.00")  # reaches the stop price: a LIMIT at 48900
    got = exchange.fetch_order(order["id"], "BTC/USDT")
    assert got["status"] == "closed" and got["filled"] == 0.01 and got["average"] == 48950.0


def test_bitget_load_markets(sim):
    exchange = bitget(sim)
    markets = exchange.load_markets()  # coins, symbols, margin currencies
    assert {"BTC/USDT", "ETH/USDT", "BNB/USDT", "SOL/USDT"} <= set(markets)
    assert markets["BTC/USDT"]["margin"] is True
    assert {"BTC", "ETH", "BNB", "SOL", "USDT"} <= set(exchange.currencies)
    assert set(exchange.currencies["USDT"]["networks"]) >= {"TRC20", "ERC20", "BEP20"}


def test_bitget_market_data(sim):
    exchange = bitget(sim)
    exchange.load_markets()
    sim.control.set_price("BTCUSDT", "50000.00")
    book = exchange.fetch_order_book("BTC/USDT", limit=5)  # spot/market/orderbook
    assert book["asks"][0][0] == 50000.0 and book["bids"][0][0] == 49999.99
    assert len(book["asks"]) == len(book["bids"]) == 5
    candles = exchange.fetch_ohlcv("BTC/USDT", "1m", limit=3)  # spot/market/candles
    assert len(candles) == 3 and candles[-1][4] == 50000.0
    assert candles[0][0] + 120_000 == candles[-1][0]
    assert exchange.fetch_ticker("BTC/USDT")["last"] == 50000.0  # spot/market/tickers


def test_bitget_limit_beyond_the_price_band_is_refused(sim):
    exchange = bitget(sim)
    exchange.load_markets()
    sim.control.set_price("BTCUSDT", "65000.00")
    ratio = float(exchange.market("BTC/USDT")["info"]["buyLimitPriceRatio"])
    assert ratio == 0.05
    with pytest.raises(ccxt.InvalidOrder, match="40808"):
        exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 80000)  # 23 % above
    with pytest.raises(ccxt.InvalidOrder, match="40808"):
        exchange.create_order("BTC/USDT", "limit", "sell", 0.001, 61000)  # 6.2 % below
    inside = exchange.create_order("BTC/USDT", "limit", "buy", 0.001, 68000)  # 4.6 % above
    assert inside["id"]
    resting = exchange.create_order("BTC/USDT", "limit", "sell", 0.001, 62000)
    assert resting["id"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v3/noSuchThing", -5000),
        ("/sapi/v1/margin/noSuchThing", -5000),
        ("/api/v1/ticker/allPrices", -5000),
        ("/api/v2/spot/market/noSuchThing", "40404"),
        ("/api/v2/mix/market/contracts", "40404"),
    ],
)
def test_unknown_paths_answer_the_venue_json_error(sim, path, code):
    response = httpx.get(sim.url + path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    if code == -5000:
        assert body["msg"] == f"Path {path}, Method GET is invalid"
    else:
        assert body["msg"] == "Request URL NOT FOUND" and body["data"] is None


def test_wrong_method_answers_like_an_unknown_path(sim):
    response = httpx.put(sim.url + "/api/v3/order")
    assert response.status_code == 404
    assert response.json() == {"code": -5000, "msg": "Path /api/v3/order, Method PUT is invalid"}


def test_unknown_path_reaches_ccxt_as_a_venue_error(sim):
    exchange = binance(sim)
    with pytest.raises(ccxt.ExchangeError, match="-5000"):
        exchange.sapi_get_margin_allassets()  # not simulated: a venue error, not a decode error
