"""Futures parsers against real replies (ccxt captures, docs/protocols.md §3 examples) and the error
table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from tests.trading.exchanges.futures_helpers import load_fixture
from trading.exchanges.binance_futures import mapping
from trading.exchanges.binance_futures.constants import AlgoStatus
from trading.exchanges.binance_futures.models import (
    AccountUpdate,
    AlgoUpdate,
    FuturesOrderUpdate,
    ListenKeyExpired,
)
from trading.exchanges.binance_futures.streams import parse_frame
from trading.exchanges.errors import (
    AuthError,
    ClockSkew,
    FilterRejected,
    InsufficientBalance,
    OrderNotFound,
    OrderRejected,
    OutcomeUnknown,
)
from trading.exchanges.reconnect import HEARTBEAT
from trading.exchanges.types import OrderStatus, Side

RESPONSES = {c["description"]: c for c in load_fixture("binance_responses.json")["cases"]}


def test_position_risk_v3_capture() -> None:
    case = RESPONSES["Fetch linear positions without symbols (GET /fapi/v3/positionRisk)"]
    (pos,) = [mapping.parse_position(r) for r in case["httpResponse"]]
    expected = case["parsedResponse"][0]
    assert pos.symbol == "BTCUSDT" and pos.amount == Decimal("0.009")
    assert pos.entry_price == Decimal(str(expected["entryPrice"]))
    assert pos.unrealized_pnl == Decimal("0.51106678")
    assert pos.liquidation_price == Decimal("64846.98753790")
    assert pos.leverage is None and pos.margin_type is None  # v3 has neither
    assert pos.updated_at == datetime.fromtimestamp(expected["timestamp"] / 1000, UTC)


def test_position_risk_v2_carries_leverage() -> None:
    row = {"symbol": "BTCUSDT", "positionAmt": "-0.5", "leverage": "10", "marginType": "cross"}
    pos = mapping.parse_position(row)
    assert (pos.amount, pos.leverage, pos.margin_type) == (Decimal("-0.5"), 10, "cross")


def test_account_capture_balances() -> None:
    case = RESPONSES[
        "Linear swap balance (GET /fapi/v3/account in current ccxt; this capture has v2-era fields)"
    ]
    usdt = mapping.parse_balances(case["httpResponse"])["USDT"]
    assert usdt.wallet_balance == Decimal("31.02261200")
    assert usdt.available_balance == Decimal("31.02261200")


def test_income_protocols_example() -> None:
    row = {
        "symbol": "",
        "incomeType": "TRANSFER",
        "income": "-0.37500000",
        "asset": "USDT",
        "info": "TRANSFER",
        "time": 1570608000000,
        "tranId": 9689322392,
        "tradeId": "",
    }
    inc = mapping.parse_income(row)
    assert inc.income == Decimal("-0.375") and inc.tran_id == "9689322392"
    assert inc.time == datetime(2019, 10, 9, 8, tzinfo=UTC)


def test_kline_row() -> None:
    row = [1, "1.0", "2.5", "0.5", "2.0", "100", 59999, "150.5", 7, "60", "90.1", "0"]
    k = mapping.parse_kline(row)
    assert (k.high, k.close, k.trades, k.taker_buy_quote) == (
        Decimal("2.5"),
        Decimal("2.0"),
        7,
        Decimal("90.1"),
    )


def test_exchange_info_min_notional_uses_notional_field() -> None:
    raw = {
        "symbol": "BTCUSDT",
        "baseAsset": "BTC",
        "quoteAsset": "USDT",
        "status": "TRADING",
        "filters": [
            {"filterType": "PRICE_FILTER", "tickSize": "0.10", "minPrice": "1", "maxPrice": "1e6"},
            {"filterType": "LOT_SIZE", "stepSize": "0.001", "minQty": "0.001", "maxQty": "1000"},
            {
                "filterType": "MARKET_LOT_SIZE",
                "stepSize": "0.001",
                "minQty": "0.001",
                "maxQty": "120",
            },
            {"filterType": "MIN_NOTIONAL", "notional": "100"},
        ],
    }
    rules = mapping.parse_symbol_rules(raw)
    assert rules.min_notional == Decimal(100) and rules.market_max_qty == Decimal(120)
    assert rules.floor_qty(Decimal("0.0019")) == Decimal("0.001")
    assert not rules.notional_ok(Decimal(99))


def test_order_result_without_cum_quote_uses_avg_price() -> None:
    raw = {"orderId": 5, "symbol": "BTCUSDT", "status": "FILLED", "side": "BUY", "type": "MARKET",
           "executedQty": "0.002", "avgPrice": "50000", "origQty": "0.002"}  # fmt: skip
    order = mapping.parse_order(raw)
    assert order.executed_quote == Decimal(100) and order.avg_price == Decimal(50000)
    assert order.status is OrderStatus.FILLED and order.venue_order_id == "5"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (-1007, OutcomeUnknown),
        (-4116, OutcomeUnknown),
        (-1021, ClockSkew),
        (-1022, AuthError),
        (-2015, AuthError),
        (-2019, InsufficientBalance),
        (-2013, OrderNotFound),
        (-4164, FilterRejected),
        (-4120, OrderRejected),
    ],
)
def test_error_table(code: int, error: type) -> None:
    response = httpx.Response(400, json={"code": code, "msg": "x"})
    with pytest.raises(error) as info:
        mapping.parse_response(response, client_order_id="cid")
    assert info.value.code == str(code)


ORDER_FRAME = {
    "e": "ORDER_TRADE_UPDATE",
    "E": 1568879465651,
    "T": 1568879465650,
    "o": {"s": "BTCUSDT", "c": "cid-1", "S": "SELL", "o": "MARKET", "q": "0.002", "p": "0",
          "ap": "7000.5", "x": "TRADE", "X": "FILLED", "i": 8886774, "l": "0.002", "z": "0.002",
          "L": "7000.5", "N": "USDT", "n": "0.0056", "t": 42, "R": True, "ps": "BOTH",
          "rp": "1.25"},
}  # fmt: skip


def test_order_trade_update_frame() -> None:
    ev = parse_frame(json.dumps(ORDER_FRAME))
    assert isinstance(ev, FuturesOrderUpdate)
    assert (ev.status, ev.side, ev.execution_type) == (OrderStatus.FILLED, Side.SELL, "TRADE")
    assert ev.realized_pnl == Decimal("1.25") and ev.trade_id == "42" and ev.reduce_only
    assert ev.cum_quote == Decimal("14.0010")


def test_account_and_algo_update_frames() -> None:
    account = {"e": "ACCOUNT_UPDATE", "E": 1, "T": 1, "a": {"m": "ORDER",
               "B": [{"a": "USDT", "wb": "122.6", "cw": "100.1", "bc": "50.1"}],
               "P": [{"s": "BTCUSDT", "pa": "0", "ep": "0.0", "bep": "0", "cr": "200",
                      "up": "0", "mt": "cross", "iw": "0", "ps": "BOTH"}]}}  # fmt: skip
    ev = parse_frame(json.dumps(account))
    assert isinstance(ev, AccountUpdate) and ev.reason == "ORDER"
    assert ev.balances[0].wallet_balance == Decimal("122.6")
    assert ev.positions[0].accumulated_realized == Decimal(200)
    algo = {"e": "ALGO_UPDATE", "E": 2, "o": {"caid": "sl-1", "aid": 77, "at": "CONDITIONAL",
            "o": "STOP_MARKET", "s": "BTCUSDT", "S": "SELL", "ps": "BOTH", "q": "0", "X":
            "TRIGGERED", "ai": 123, "tp": "60000", "cp": True}}  # fmt: skip
    ev2 = parse_frame(json.dumps(algo))
    assert isinstance(ev2, AlgoUpdate) and ev2.status is AlgoStatus.TRIGGERED
    assert ev2.actual_order_id == "123" and ev2.close_position


def test_other_frames() -> None:
    assert isinstance(parse_frame('{"e": "listenKeyExpired", "E": 5}'), ListenKeyExpired)
    assert parse_frame('{"e": "MARGIN_CALL"}') is HEARTBEAT
