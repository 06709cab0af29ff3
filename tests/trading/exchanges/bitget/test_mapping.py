"""Real Bitget replies (fixtures/ccxt) turned into our dataclasses; codes → error classes."""

from decimal import Decimal

import pytest

from tests.trading.exchanges.bitget.fakes import SYMBOLS
from tests.trading.exchanges.fixtures import ccxt_case, load
from trading.exchanges import errors as e
from trading.exchanges.bitget.mapping import (
    error_for,
    parse_assets,
    parse_fee_detail,
    parse_fill,
    parse_order,
    parse_order_push,
    parse_symbol_rules,
)
from trading.exchanges.bitget.streams import parse_message
from trading.exchanges.reconnect import HEARTBEAT
from trading.exchanges.types import Balance, OrderStatus, OrderType, Side

D = Decimal
R = "bitget_responses.json"


def test_assets():
    case = ccxt_case(R, "spot balance (GET /api/v2/spot/account/assets)")
    balances = parse_assets(case["httpResponse"]["data"])
    for coin, parsed in case["parsedResponse"].items():
        if coin in balances:
            assert balances[coin].free == D(str(parsed["free"]))
            assert balances[coin].locked == D(str(parsed["used"]))
            assert balances[coin].total == D(str(parsed["total"]))
    assert balances["USDT"] == Balance("USDT", D("17.85159289"), D("5.5"))
    raw = parse_assets(load("ccxt/raw/bitget_spot_assets.json")["response"]["data"])
    assert set(raw) == {"BGB", "USDT", "LTC", "TRX", "FON"}


def test_filled_market_buy_history():
    case = next(c for c in load(f"ccxt/{R}")["cases"] if "filled MARKET BUY" in c["description"])
    o = parse_order(case["httpResponse"]["data"][0])
    p = case["parsedResponse"][0]
    assert (o.venue_order_id, o.client_order_id) == (p["id"], p["clientOrderId"])
    assert (o.status, o.side, o.type) == (OrderStatus.FILLED, Side.BUY, OrderType.MARKET)
    assert o.executed_base == D(str(p["filled"])) == o.orig_qty  # size 5.5 is the QUOTE amount
    assert o.executed_quote == D(str(p["cost"]))
    assert o.avg_price.quantize(D("0.001")) == D(str(p["average"]))
    assert (o.fee, o.fee_asset) == (D("0.0000794"), p["fee"]["currency"])
    assert int(o.created_at.timestamp() * 1000) == p["timestamp"]


def test_unfilled_limit_order_price_is_in_price_avg():
    case = next(c for c in load(f"ccxt/{R}")["cases"] if "unfilled-orders" in c["description"])
    o = parse_order(case["httpResponse"]["data"][0])
    assert (o.status, o.price, o.orig_qty, o.executed_base) == (
        OrderStatus.NEW,
        D(50),
        D("0.11"),
        0,
    )
    assert o.fee_asset is None


def test_place_order_reply_ids():
    raw = load("ccxt/raw/bitget_spot_place_order.json")
    assert raw["response"]["data"]["orderId"] == "1136353550487961603"
    [o] = [parse_order(x) for x in raw["follow_up_unfilled_orders_response"]["data"]]
    assert o.venue_order_id == raw["response"]["data"]["orderId"]


def test_fill():
    case = next(c for c in load(f"ccxt/{R}")["cases"] if "fills" in c["description"])
    f = parse_fill(case["httpResponse"]["data"][0])
    p = case["parsedResponse"][0]
    assert (f.trade_id, f.venue_order_id, f.side, f.is_maker) == (
        p["id"],
        p["order"],
        Side.BUY,
        False,
    )
    assert (f.price, f.qty, f.quote_qty) == (D("69.265"), D("0.0794"), D("5.499641"))
    assert (f.fee, f.fee_asset) == (D("0.0000794"), "LTC")


@pytest.mark.parametrize(
    ("detail", "fee", "asset"),
    [
        ("", D(0), None),
        (None, D(0), None),
        ({"feeCoin": "USDT", "totalFee": "-0.01"}, D("0.01"), "USDT"),
        ('{"newFees":{"t":-1},"BTC":{"feeCoinCode":"BTC","totalFee":-0.5}}', D("0.5"), "BTC"),
        ('{"newFees":{"t":-1}}', D(0), None),
    ],
)
def test_fee_detail(detail, fee, asset):
    assert parse_fee_detail(detail) == (fee, asset)


def test_symbol_rules_from_precisions():
    rules = parse_symbol_rules(SYMBOLS["BTCUSDT"])
    assert (rules.tick_size, rules.step_size, rules.quote_step) == (
        D("0.01"),
        D("0.000001"),
        D("0.000001"),
    )
    assert rules.min_notional == D(1) and rules.trading


# An orders-channel push with the documented field set (docs/protocols.md §2.5, bgnet fixtures).
ORDER_PUSH = {
    "instId": "BTCUSDT",
    "orderId": "1",
    "clientOid": "cid-1",
    "size": "10",
    "newSize": "10",
    "notional": "10",
    "orderType": "market",
    "force": "gtc",
    "side": "buy",
    "fillPrice": "50000",
    "tradeId": "77",
    "baseVolume": "0.0002",
    "fillTime": "1700000000000",
    "fillFee": "-0.0000002",
    "fillFeeCoin": "BTC",
    "tradeScope": "T",
    "accBaseVolume": "0.0002",
    "priceAvg": "50000",
    "status": "filled",
    "cTime": "1700000000000",
    "uTime": "1700000000001",
    "feeDetail": [{"feeCoin": "BTC", "fee": "-0.0000002"}],
    "enterPointSource": "API",
}


def test_order_push_and_messages():
    u = parse_order_push(ORDER_PUSH)
    assert (u.client_order_id, u.status, u.execution_type, u.trade_id) == (
        "cid-1",
        OrderStatus.FILLED,
        "TRADE",
        "77",
    )
    assert (u.last_qty, u.cum_base, u.cum_quote, u.fee, u.fee_asset) == (
        D("0.0002"),
        D("0.0002"),
        D("10"),
        D("0.0000002"),
        "BTC",
    )
    frame = {
        "action": "snapshot",
        "arg": {"instType": "SPOT", "channel": "orders", "instId": "default"},
        "data": [ORDER_PUSH],
        "ts": 1,
    }
    import json

    assert parse_message(json.dumps(frame))[0] == u
    account = {
        "action": "snapshot",
        "arg": {"channel": "account"},
        "data": [
            {
                "coin": "USDT",
                "available": "5",
                "frozen": "1",
                "locked": "0",
                "limitAvailable": "0",
                "uTime": "1",
            }
        ],
    }
    [bal] = parse_message(json.dumps(account))
    assert bal.balances == (Balance("USDT", D(5), D(1)),)
    assert parse_message("pong") is HEARTBEAT
    assert parse_message('{"event":"subscribe","arg":{}}') is HEARTBEAT
    with pytest.raises(e.AuthError):
        parse_message('{"event":"error","code":"30005","msg":"login failed"}')


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("43012", e.InsufficientBalance),
        ("40786", e.OutcomeUnknown),
        ("43001", e.OrderNotFound),
        ("40768", e.OrderNotFound),
        ("40006", e.AuthError),
        ("40009", e.AuthError),
        ("40008", e.ClockSkew),
        ("40099", e.AuthError),
        ("45110", e.FilterRejected),
        ("43006", e.FilterRejected),
        ("429", e.RateLimited),
        ("40017", e.OrderRejected),
    ],
)
def test_error_table(code, cls):
    err = error_for(code, "msg", client_order_id="cid")
    assert type(err) is cls and err.code == code
