"""Our requests for the ccxt Binance spot request cases: same method, path and parameter set
(skipKeys ignored, order ignored). Deliberate differences are listed in DIFFERENCES and in
docs/decisions.md."""

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.trading.exchanges.binance_spot.fakes import FakeBinance, make_client, params_of
from tests.trading.exchanges.fixtures import load
from trading.exchanges.types import Side

FILE = "ccxt/binance_spot_requests.json"
SKIP = set(load(FILE)["_source"]["skipKeys"]) | {"signature"}
D = Decimal

# ccxt looks orders up / cancels them by orderId; we always use our own client order id.
BY_CLIENT_ID = {"orderId": "origClientOrderId"}
CID = "cp-test-0001"

# description → (how to call our client, method expected, parameter renames)
CASES = {
    "Spot market buy order": (lambda c: c.market_buy_quote("LTCUSDT", D("0.2") * 50, CID), {}),
    "Spot create market buy order with cost": (
        lambda c: c.market_buy_quote("BTCUSDT", D(15), CID),
        {},
    ),
    "market buy order with weird cost": (
        lambda c: c.market_buy_quote("LTCUSDT", D("5.3243423423423"), CID),
        {},
    ),
    "Spot create market order with cost": (
        lambda c: c.market_buy_quote("BTCUSDT", D(10), CID),
        {},
    ),
    "Spot limit buy order": (
        lambda c: c.limit_order("LTCUSDT", Side.BUY, D("0.2"), D(50), CID),
        {},
    ),
    "Spot limit buy with postOnly": (
        lambda c: c.limit_order("LTCUSDT", Side.BUY, D("0.2"), D(50), CID, post_only=True),
        {},
    ),
    "spot order with weird amount": (
        lambda c: c.limit_order("BTCUSDT", Side.BUY, D("0.0007856509959147719"), D(55000), CID),
        {},
    ),
    "spot order with weird price/amount": (
        lambda c: c.limit_order("LTCUSDT", Side.BUY, D("0.4234234234"), D("55.324242343"), CID),
        {},
    ),
    "Spot fetch balance": (lambda c: c.balances(), {}),
    "Spot cancelOrder": (lambda c: c.cancel_order("LTCUSDT", CID), BY_CLIENT_ID),
    "Spot fetchOrder": (lambda c: c.get_order("LTCUSDT", CID), BY_CLIENT_ID),
    "Spot one orders": (lambda c: c.open_orders("LTCUSDT"), {}),
    "Spot fetchMyTrades": (lambda c: c.fills("LTCUSDT"), {}),
}
# Cases with no counterpart in our interface (why in docs/decisions.md).
NOT_MAPPED = {
    "Spot create market sell order with cost",  # we sell by base quantity only
    "Spot limit buy with test endpoint",  # /order/test is not used
    "Spot cancelAllOrders",
    "edit spot order",  # cancelReplace
}
HTTP_METHOD = {"cancelOrder": "DELETE", "fetchOrder": "GET", "fetchBalance": "GET"}


def _expected(case):
    url = urlsplit(case["url"])
    params = dict(parse_qsl(url.query))
    if "output" in case:
        params.update(parse_qsl(case["output"]))
    method = "POST" if "output" in case else HTTP_METHOD.get(case["method"], "GET")
    return method, url.path, params


def _same_value(a: str, b: str) -> bool:
    try:
        return D(a) == D(b)
    except ArithmeticError:
        return a == b


def test_every_case_is_mapped_or_listed():
    descriptions = {c["description"] for c in load(FILE)["cases"]}
    assert descriptions == set(CASES) | NOT_MAPPED


@pytest.mark.parametrize("description", sorted(CASES))
async def test_request_shape(description):
    case = next(c for c in load(FILE)["cases"] if c["description"] == description)
    call, renames = CASES[description]
    fake = FakeBinance()
    client = make_client(fake)
    await call(client)
    await client.close()
    method, path, expected = _expected(case)
    sent = params_of(fake.last)
    assert fake.last.method == method
    assert fake.last.url.path == path
    expected = {renames.get(k, k): v for k, v in expected.items() if k not in SKIP}
    got = {k: v for k, v in sent.items() if k not in SKIP}
    if renames:
        expected = {k: (CID if k in renames.values() else v) for k, v in expected.items()}
    assert set(got) == set(expected)
    assert all(_same_value(got[k], expected[k]) for k in expected), (got, expected)
    assert {"signature", "timestamp", "recvWindow"} <= set(sent)


async def test_signed_params_travel_in_the_query_string():
    fake = FakeBinance()
    client = make_client(fake)
    await client.market_buy_quote("BTCUSDT", D(15), CID)
    await client.close()
    assert fake.last.content == b""
    query = fake.last.url.query.decode()
    assert query.endswith("&signature=" + params_of(fake.last)["signature"])
    assert fake.last.headers["X-MBX-APIKEY"] == "test-key"
