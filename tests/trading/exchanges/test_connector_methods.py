"""The named connector methods products call instead of the wire (account_snapshot, fills_since,
orders_since, venue_now_ms, warm, heartbeat_s), the one ``dec()`` and the shared Binance filter
reader: the requests they send and what they return."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import httpx
import pytest

from tests.trading.exchanges.binance_spot.fakes import SYMBOLS, params_of
from tests.trading.exchanges.fixtures import load
from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges import filters
from trading.exchanges.binance_spot.client import BinanceSpotClient
from trading.exchanges.bitget.client import BitgetSpotClient
from trading.exchanges.errors import ProtocolError
from trading.exchanges.ratelimit import RateLimiter
from trading.exchanges.types import ZERO, dec

D = Decimal
SERVER_MS = 1_700_000_000_000


class Pages:
    """Answers ``myTrades`` / ``allOrders`` with full pages of ``limit`` rows until ``pages``
    have been served, then a short one; records the paging params of each request."""

    def __init__(self, pages: int, limit: int) -> None:
        self.pages, self.limit = pages, limit
        self.asked: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v3/time":
            return httpx.Response(200, json={"serverTime": SERVER_MS})
        if path == "/api/v3/account":
            return httpx.Response(200, json=load("ccxt/raw/binance_get_account.json")["capture"])
        params = params_of(request)
        self.asked.append({k: v for k, v in params.items() if k not in SIGNING})
        size = self.limit if len(self.asked) <= self.pages else 1
        first = 100 * len(self.asked)
        return httpx.Response(200, json=[self.row(path, first + i) for i in range(size)])

    @staticmethod
    def row(path: str, n: int) -> dict[str, object]:
        if path == "/api/v3/myTrades":
            return {
                **{"symbol": "BTCUSDT", "id": n, "orderId": n, "price": "1", "qty": "1"},
                **{"quoteQty": "1", "commission": "0", "isBuyer": True, "time": SERVER_MS},
            }
        return {
            **{"symbol": "BTCUSDT", "orderId": n, "clientOrderId": f"c{n}", "status": "FILLED"},
            **{"side": "BUY", "type": "MARKET", "executedQty": "1", "time": SERVER_MS},
        }


SIGNING = {"timestamp", "recvWindow", "signature"}


def binance(handler) -> BinanceSpotClient:
    return BinanceSpotClient(
        "k", "s", env="prod", limiter=RateLimiter(1000), transport=MockVenue(handler)
    )


@pytest.mark.parametrize(
    ("method", "path", "id_field", "cursor"),
    [
        ("fills_since", "/api/v3/myTrades", "id", "fromId"),
        ("orders_since", "/api/v3/allOrders", "orderId", "orderId"),
    ],
)
async def test_history_pages_by_time_then_from_the_last_id(method, path, id_field, cursor):
    pages = Pages(pages=2, limit=3)
    client = binance(pages)
    got = await getattr(client, method)("BTCUSDT", 1234, limit=3, max_pages=10)
    await client.close()
    assert pages.asked == [
        {"symbol": "BTCUSDT", "startTime": "1234", "limit": "3"},
        {"symbol": "BTCUSDT", cursor: "103", "limit": "3"},  # last row of page 1 was 102
        {"symbol": "BTCUSDT", cursor: "203", "limit": "3"},
    ]
    assert (len(got.rows), got.complete) == (7, True)


async def test_a_history_cut_by_the_page_budget_says_it_is_incomplete():
    pages = Pages(pages=5, limit=2)
    client = binance(pages)
    got = await client.orders_since("BTCUSDT", 0, limit=2, max_pages=2)
    await client.close()
    assert (len(pages.asked), len(got.rows), got.complete) == (2, 4, False)
    assert [o.venue_order_id for o in got.rows] == ["100", "101", "200", "201"]


async def test_account_snapshot_keeps_zero_balances_and_the_update_time():
    client = binance(Pages(0, 1))
    snapshot = await client.account_snapshot()
    balances = await client.balances()
    await client.close()
    raw = load("ccxt/raw/binance_get_account.json")["capture"]
    assert snapshot.updated_ms == int(raw.get("updateTime") or 0)
    assert set(snapshot.balances) == {b["asset"] for b in raw["balances"]}
    assert balances == {a: b for a, b in snapshot.balances.items() if b.total > 0}


async def test_warm_syncs_the_venue_clock_and_venue_now_follows_it():
    client = binance(Pages(0, 1))
    await client.warm()
    now = client.venue_now_ms()
    await client.close()
    assert abs(now - SERVER_MS) < 60_000  # the offset moved local time onto the server's


def test_the_heartbeat_is_set_at_construction():
    assert binance(Pages(0, 1)).stream.heartbeat_interval == 15.0
    client = BinanceSpotClient("k", "s", env="prod", heartbeat_s=2.5)
    assert client.stream.heartbeat_interval == 2.5


async def test_bitget_has_the_same_clock_methods():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/public/time"
        return httpx.Response(200, json={"code": "00000", "data": {"serverTime": str(SERVER_MS)}})

    client = BitgetSpotClient("k", "s", "p", env="prod", transport=MockVenue(handler))
    await client.warm()
    assert abs(client.venue_now_ms() - SERVER_MS) < 60_000
    await client.close()


@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        ("0.00100000", ZERO, D("0.001")),
        (5, ZERO, D(5)),
        (0.1, ZERO, D("0.1")),  # via str: the float's repr, not its binary expansion
        (None, ZERO, ZERO),
        ("", D(1), D(1)),
    ],
)
def test_dec(value, default, expected):
    assert dec(value, default) == expected


def test_dec_errors_name_the_venue_or_stay_decimal_errors():
    with pytest.raises(ProtocolError, match=r"\[binance_futures\] bad number 'x'"):
        dec("x", venue="binance_futures")
    with pytest.raises(ProtocolError, match="missing number"):
        dec(None, None, venue="binance_web")
    with pytest.raises(InvalidOperation):
        dec("x")


def test_first_filter_takes_the_first_name_the_symbol_carries():
    f = filters.filters_of(SYMBOLS["BTCUSDT"])
    assert filters.first_filter(f, "MIN_NOTIONAL", "NOTIONAL")["minNotional"] == "5.00000000"
    assert filters.first_filter(f, "MIN_NOTIONAL") == {}


def test_symbol_rules_reads_market_lot_only_when_asked():
    raw = SYMBOLS["BTCUSDT"]
    f = filters.filters_of(raw)
    with_market = filters.symbol_rules(raw, f)
    without = filters.symbol_rules(raw, f, market_lot=False, min_notional=D(5))
    assert (with_market.market_max_qty, without.market_max_qty) == (D("1000.0"), ZERO)
    assert (with_market.tick_size, with_market.step_size) == (D("0.01"), D("0.00001"))
    assert (without.min_notional, without.base, without.quote) == (D(5), "BTC", "USDT")
