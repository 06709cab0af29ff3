"""Real Binance replies (fixtures/ccxt) turned into our dataclasses; error codes → classes."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.trading.exchanges.fixtures import ccxt_case, load
from trading.exchanges import errors as e
from trading.exchanges.binance_spot.mapping import (
    error_for,
    parse_account_position,
    parse_balances,
    parse_execution_report,
    parse_fill,
    parse_order,
    parse_symbol_rules,
)
from trading.exchanges.binance_spot.streams import parse_frame
from trading.exchanges.reconnect import HEARTBEAT
from trading.exchanges.types import Balance, OrderStatus, OrderType, Side

D = Decimal
RESPONSES = "binance_responses.json"


def test_full_market_buy_capture():
    o = parse_order(load("ccxt/raw/binance_post_order_full_ccxt_capture.json")["response"])
    assert (o.symbol, o.venue_order_id, o.status) == ("BTCUSDT", "5403233939", OrderStatus.FILLED)
    assert o.client_order_id == "x-TKT5PX2F5e669e75b6c14f69a2c43e"
    assert (o.side, o.type) == (Side.BUY, OrderType.MARKET)
    assert o.executed_base == D("0.0005") and o.executed_quote == D("29.470815")
    assert o.avg_price == D("58941.63")
    assert (o.fee, o.fee_asset) == (D("0.0000705"), "BNB")
    assert o.created_at == datetime(2021, 3, 31, 0, 52, 3, 742000, tzinfo=UTC)


def test_full_docs_example_sums_fill_commissions():
    o = parse_order(load("ccxt/raw/binance_post_order_full_docs_example.json")["response"])
    assert o.venue_order_id == "28"
    assert (o.fee, o.fee_asset) == (D("39.98300000"), "USDT")
    assert o.status is OrderStatus.FILLED and o.side is Side.SELL


def test_filled_market_sell_from_get_order():
    case = ccxt_case(
        RESPONSES, "Fetch spot closed order (GET /api/v3/order) - a filled MARKET SELL"
    )
    o = parse_order(case["httpResponse"])
    parsed = case["parsedResponse"]
    assert o.venue_order_id == parsed["id"] and o.client_order_id == parsed["clientOrderId"]
    assert o.status is OrderStatus.FILLED  # ccxt: "closed"
    assert o.avg_price == D(str(parsed["average"]))
    assert o.executed_base == D(str(parsed["filled"])) and o.executed_quote == D(
        str(parsed["cost"])
    )
    assert o.fee_asset is None  # GET /api/v3/order carries no fills
    assert int(o.created_at.timestamp() * 1000) == parsed["timestamp"]


def test_resting_limit_order_from_post():
    case = ccxt_case(
        RESPONSES,
        next(
            c["description"]
            for c in load(f"ccxt/{RESPONSES}")["cases"]
            if "iceberg" in c["description"]
        ),
    )
    o = parse_order(case["httpResponse"])
    assert o.status is OrderStatus.NEW  # ccxt: "open"
    assert (o.price, o.orig_qty, o.executed_base) == (D(241), D("0.05"), D(0))
    assert o.avg_price is None


def test_open_limit_maker():
    case = ccxt_case(
        RESPONSES,
        "Fetch spot open orders (GET /api/v3/openOrders) - a LIMIT_MAKER (post-only) order",
    )
    [o] = [parse_order(x) for x in case["httpResponse"]]
    assert (o.type, o.status, o.price) == (OrderType.LIMIT_MAKER, OrderStatus.NEW, D(50))


def test_balances():
    case = ccxt_case(RESPONSES, "Spot balance (GET /api/v3/account)")
    balances = parse_balances(case["httpResponse"])
    for asset, parsed in case["parsedResponse"]["total"].items():
        assert balances[asset].total == D(str(parsed))
    assert balances["LTC"] == Balance("LTC", D("0.919741"), D(0))
    docs = parse_balances(load("ccxt/raw/binance_get_account.json")["docs_example"])
    assert docs["BTC"].free == D("4723846.89208129")


def test_my_trades_fill():
    case = ccxt_case(RESPONSES, "Spot private trade (GET /api/v3/myTrades)")
    f = parse_fill(case["httpResponse"][0])
    parsed = case["parsedResponse"][0]
    assert (f.trade_id, f.venue_order_id) == (parsed["id"], parsed["order"])
    assert (f.side, f.is_maker) == (Side.SELL, False)
    assert (f.price, f.qty, f.quote_qty) == (D("69.63"), D("0.2"), D("13.926"))
    assert (f.fee, f.fee_asset) == (D("0.013926"), "USDT")


def test_symbol_rules_from_filters():
    from tests.trading.exchanges.binance_spot.fakes import SYMBOLS

    rules = parse_symbol_rules(SYMBOLS["BTCUSDT"])
    assert (rules.base, rules.quote, rules.tick_size, rules.step_size) == (
        "BTC",
        "USDT",
        D("0.01"),
        D("0.00001"),
    )
    assert rules.min_notional == D(5) and rules.apply_min_to_market
    assert rules.max_notional == D(9000000) and not rules.apply_max_to_market
    assert rules.notional_ok(D(9000001), market=True) and not rules.notional_ok(D(9000001))


def test_old_min_notional_filter():
    sym = {
        "symbol": "X",
        "baseAsset": "A",
        "quoteAsset": "B",
        "filters": [
            {"filterType": "MIN_NOTIONAL", "minNotional": "10.0", "applyToMarket": False},
        ],
    }
    rules = parse_symbol_rules(sym)
    assert rules.min_notional == D(10) and not rules.apply_min_to_market


# An executionReport built from the documented field list (docs/protocols.md §1.7, bsad
# user-data-stream.md); no captured one is in the fixtures.
EXECUTION_REPORT = {
    "e": "executionReport",
    "E": 1499405658658,
    "s": "ETHBTC",
    "c": "mUvoqJxFIILMdfAW5iGSOW",
    "S": "BUY",
    "o": "LIMIT",
    "f": "GTC",
    "q": "1.00000000",
    "p": "0.10264410",
    "P": "0.00000000",
    "F": "0.00000000",
    "g": -1,
    "C": "",
    "x": "TRADE",
    "X": "PARTIALLY_FILLED",
    "r": "NONE",
    "i": 4293153,
    "l": "0.40000000",
    "z": "0.40000000",
    "L": "0.10264410",
    "n": "0.00004106",
    "N": "BNB",
    "T": 1499405658657,
    "t": 77,
    "I": 8641984,
    "w": False,
    "m": False,
    "M": False,
    "O": 1499405658657,
    "Z": "0.04105764",
    "Y": "0.04105764",
    "Q": "0.00000000",
    "W": 1499405658657,
    "V": "NONE",
}


def test_execution_report():
    u = parse_execution_report(EXECUTION_REPORT)
    assert (u.symbol, u.venue_order_id, u.client_order_id) == (
        "ETHBTC",
        "4293153",
        "mUvoqJxFIILMdfAW5iGSOW",
    )
    assert (u.status, u.execution_type, u.trade_id) == (OrderStatus.PARTIALLY_FILLED, "TRADE", "77")
    assert (u.last_qty, u.last_price, u.cum_quote) == (D("0.4"), D("0.1026441"), D("0.04105764"))
    assert (u.fee, u.fee_asset) == (D("0.00004106"), "BNB")


def test_cancel_report_uses_original_client_id():
    ev = {
        **EXECUTION_REPORT,
        "x": "CANCELED",
        "X": "CANCELED",
        "c": "cancel-req",
        "C": "orig",
        "t": -1,
    }
    u = parse_execution_report(ev)
    assert (u.client_order_id, u.status, u.trade_id) == ("orig", OrderStatus.CANCELED, None)


def test_account_position_and_frames():
    ev = {
        "e": "outboundAccountPosition",
        "E": 1564034571105,
        "u": 1564034571073,
        "B": [{"a": "ETH", "f": "10000.000000", "l": "0.000000"}],
    }
    assert parse_account_position(ev).balances == (Balance("ETH", D(10000), D(0)),)
    assert parse_frame({"subscriptionId": 0, "event": ev}).balances[0].asset == "ETH"
    assert parse_frame({"id": "f1", "status": 200, "result": {}}) is HEARTBEAT
    assert parse_frame({"subscriptionId": 0, "event": {"e": "balanceUpdate"}}) is None
    with pytest.raises(ConnectionError):
        parse_frame({"subscriptionId": 0, "event": {"e": "eventStreamTerminated", "E": 1}})
    with pytest.raises(e.AuthError):
        parse_frame({"id": "f1", "status": 401, "error": {"code": -2015, "msg": "Invalid API-key"}})


@pytest.mark.parametrize(
    ("code", "msg", "cls"),
    [
        (
            -1007,
            "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
            e.OutcomeUnknown,
        ),
        (-2010, "Duplicate order sent.", e.OutcomeUnknown),
        (-2010, "Account has insufficient balance for requested action.", e.InsufficientBalance),
        (-2010, "Market is closed.", e.OrderRejected),
        (-2011, "Unknown order sent.", e.OrderNotFound),
        (-2013, "Order does not exist.", e.OrderNotFound),
        (-1013, "Filter failure: NOTIONAL", e.FilterRejected),
        (-1021, "Timestamp for this request is outside of the recvWindow.", e.ClockSkew),
        (-1022, "Signature for this request is not valid.", e.AuthError),
        (-2015, "Invalid API-key, IP, or permissions for action.", e.AuthError),
        (-1003, "Too much request weight used", e.RateLimited),
        (-1121, "Invalid symbol.", e.OrderRejected),
    ],
)
def test_error_table(code, msg, cls):
    err = error_for(code, msg, client_order_id="cid")
    assert type(err) is cls
    assert err.code == str(code)
    if cls is e.OutcomeUnknown:
        assert err.client_order_id == "cid"
