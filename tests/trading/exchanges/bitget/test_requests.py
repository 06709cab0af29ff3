"""Our requests for the ccxt Bitget spot request cases: same method, path and parameter set.
Deliberate differences (docs/decisions.md): we always send ``clientOid`` and look up / cancel by
it; ``force`` is lower case as in Bitget's docs (ccxt sends "GTC"); a market-buy ``size`` is
truncated to the symbol's ``quotePrecision`` (ccxt uses the price precision)."""

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.trading.exchanges.bitget.fakes import FakeBitget, make_client, params_of
from tests.trading.exchanges.fixtures import load
from trading.exchanges.types import Side

FILE = "ccxt/bitget_spot_requests.json"
SKIP = set(load(FILE)["_source"]["skipKeys"])
D = Decimal
CID = "cp-test-0001"
OURS = {"clientOid": CID}  # parameters we add on purpose
BY_CID = {"orderId": None}  # ccxt's orderId is replaced by our clientOid

CASES = {
    # description → (call, path suffix of the request to compare, expected-value overrides)
    "Spot market buy": (
        lambda c: c.market_buy_quote("BTCUSDT", D("0.0003") * D(37811), CID),
        "place-order",
        {"size": "11.3433"},  # quotePrecision 6 keeps 11.3433; ccxt truncates to 2 dp
    ),
    "Spot create market buy order with createMarketBuyOrderRequiresPrice set to false": (
        lambda c: c.market_buy_quote("BTCUSDT", D(8), CID),
        "place-order",
        {},
    ),
    "Spot create market buy order using the cost param": (
        lambda c: c.market_buy_quote("BTCUSDT", D(8), CID),
        "place-order",
        {},
    ),
    "Spot create market buy order with cost": (
        lambda c: c.market_buy_quote("BTCUSDT", D(8), CID),
        "place-order",
        {},
    ),
    "Spot market sell": (
        lambda c: c.market_sell_base("BTCUSDT", D("0.0002"), CID),
        "place-order",
        {},
    ),
    "Spot limit buy": (
        lambda c: c.limit_order("BTCUSDT", Side.BUY, D("0.0002"), D(25000), CID),
        "place-order",
        {},
    ),
    "Spot limit buy with post only": (
        lambda c: c.limit_order("BTCUSDT", Side.BUY, D("0.0002"), D(25000), CID, post_only=True),
        "place-order",
        {},
    ),
    "Fetch spot balance": (lambda c: c.balances(), "assets", {}),
    "fetching order with clientOrderId": (
        lambda c: c.get_order("LTCUSDT", "myid1"),
        "orderInfo",
        {},
    ),
    "Spot fetch order": (lambda c: c.get_order("BTCUSDT", CID), "orderInfo", {}),
    "Spot cancel order": (lambda c: c.cancel_order("BTCUSDT", CID), "cancel-order", {}),
    "Spot open orders": (lambda c: c.open_orders("BTCUSDT"), "unfilled-orders", {}),
    "Spot fetch private trades": (lambda c: c.fills("BTCUSDT", limit=3), "fills", {}),
}
NOT_MAPPED = {
    "Spot market buy with trigger price",  # plan orders are not used
    "Spot closed orders",  # history-orders: we look orders up by clientOid
    "Spot create multiple limit orders at once",
    "Set linear leverage (mix/futures, for reference)",
}


def _expected(case):
    url = urlsplit(case["url"])
    params = dict(parse_qsl(url.query))
    params.update(case.get("output") or {})
    method = "POST" if case.get("output") else "GET"
    return method, url.path, params


def _normalize(params, overrides):
    out = {k: str(v) for k, v in params.items() if k not in SKIP}
    if "orderId" in out:  # looked up / cancelled by our client id instead
        del out["orderId"]
        out["clientOid"] = CID
    if "force" in out:
        out["force"] = out["force"].lower()
    return {**out, **overrides}


def _same(a, b):
    try:
        return D(a) == D(b)
    except ArithmeticError:
        return a == b


def test_every_case_is_mapped_or_listed():
    assert {c["description"] for c in load(FILE)["cases"]} == set(CASES) | NOT_MAPPED


@pytest.mark.parametrize("description", sorted(CASES))
async def test_request_shape(description):
    case = next(c for c in load(FILE)["cases"] if c["description"] == description)
    call, suffix, overrides = CASES[description]
    fake = FakeBitget()
    client = make_client(fake)
    await call(client)
    await client.close()
    method, path, expected = _expected(case)
    request = fake.private(suffix)
    assert (request.method, request.url.path) == (method, path)
    expected = _normalize(expected, overrides)
    got = {k: str(v) for k, v in params_of(request).items() if k not in SKIP}
    if method == "POST" and "clientOid" not in expected:
        expected.update(OURS)
    assert set(got) == set(expected)
    assert all(_same(got[k], expected[k]) for k in expected), (got, expected)
    for header in ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE"):
        assert header in request.headers  # httpx headers are case-insensitive


async def test_demo_sends_paptrading_header_and_prod_does_not():
    for env, expected in (("demo", "1"), ("prod", None)):
        fake = FakeBitget()
        client = make_client(fake, env)
        await client.balances()
        await client.close()
        assert fake.requests[0].headers.get("paptrading") == expected


async def test_place_reads_the_order_back():
    fake = FakeBitget()
    client = make_client(fake)
    result = await client.market_buy_quote("LTCUSDT", D("5.5"), CID)
    await client.close()
    assert [r.url.path.rsplit("/", 1)[1] for r in fake.requests] == ["place-order", "orderInfo"]
    assert result.executed_base == D("0.0794")
