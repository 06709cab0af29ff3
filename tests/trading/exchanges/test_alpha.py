"""Alpha connector: request bodies (paymentDetails semantics, docs/protocols.md §4.3), parsers for
the captured shapes (§4.1, §4.3) and the OTO lifecycle of the ``alpha@<listenKey>`` stream (§4.4).
"""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.binance_alpha import mapping, rest
from trading.exchanges.binance_alpha.client import AlphaClient
from trading.exchanges.binance_alpha.streams import (
    agg_trade_stream_name,
    parse_private,
    parse_public,
)
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.binance_web.streams import subscribe_message, unwrap
from trading.exchanges.errors import FilterRejected
from trading.exchanges.reconnect import HEARTBEAT
from trading.exchanges.types import OrderStatus, Side

TOKEN = {"tokenId": "AB12", "chainId": "56", "chainName": "BSC", "contractAddress": "0xabc",
         "name": "Aitech", "symbol": "AITECH", "price": "0.0123", "decimals": 18,
         "tradeDecimal": 8, "alphaId": "ALPHA_175", "offline": False, "offsell": False,
         "mulPoint": 4}  # fmt: skip
SYMBOL = {"symbol": "ALPHA_175USDT", "status": "TRADING", "baseAsset": "ALPHA_175",
          "quoteAsset": "USDT", "pricePrecision": 8, "quantityPrecision": 2,
          "baseAssetPrecision": 8, "quotePrecision": 8, "orderTypes": ["LIMIT"],
          "filters": [{"filterType": "PRICE_FILTER", "minPrice": "0.00000001",
                       "maxPrice": "1000", "tickSize": "0.00000001"},
                      {"filterType": "LOT_SIZE", "stepSize": "0.01", "maxQty": "9000000",
                       "minQty": "0.01"},
                      {"filterType": "MIN_NOTIONAL", "minNotional": "0.1"}]}  # fmt: skip
HISTORY_ROW = {"kind": "LIMIT", "orderId": "2459886", "symbol": "ALPHA_971USDT",
               "status": "FILLED", "price": "0.23", "avgPrice": "0.2269", "origQty": "869.56",
               "executedQty": "869.56", "cumQuote": "197.30", "type": "LIMIT", "side": "BUY",
               "stopPrice": "0", "time": 1767225600000, "updateTime": 1767225601000,
               "orderListId": "555", "baseAsset": "ALPHA_971", "quoteAsset": "USDT",
               "alphaId": "ALPHA_971", "contingencyType": "OTO",
               "contingencyOrderPosition": "OTO_WORKING", "workingTime": 1,
               "targetStrategy": None}  # fmt: skip


def frame(**fields: object) -> dict:
    """An executionReport as observed for ALPHA_373USDT (docs/protocols.md §4.4), with overrides."""
    base = {"e": "executionReport", "E": 1767225600000, "T": 1767225600000, "u": 1,
            "s": "ALPHA_373USDT", "c": "web_" + "a" * 32, "S": "BUY", "o": "LIMIT", "f": "GTC",
            "q": "869.56000000", "p": "0.23000000", "ap": "0", "P": "0", "x": "NEW", "X": "NEW",
            "i": "1001", "l": "0", "z": "0", "L": "0", "t": "0", "m": False, "ot": "LIMIT",
            "st": 1, "O": 1767225600000, "Z": "0", "Y": "0", "Q": "0", "ba": "ALPHA_373",
            "qa": "USDT", "id": 1, "il": "555", "ct": "OTO", "cp": "OTO_WORKING"}  # fmt: skip
    return base | fields


def test_oto_body_follows_the_capture() -> None:
    body = rest.oto_body("ALPHA_971", "USDT", Decimal("0.23"), Decimal("43.47826"), Decimal("0.25"))
    assert body == {
        "baseAsset": "ALPHA_971",
        "quoteAsset": "USDT",
        "workingSide": "BUY",
        "workingPrice": 0.23,
        "workingQuantity": 43.47826,
        "paymentDetails": [{"amount": "9.99999980", "paymentWalletType": "CARD"}],
        "pendingPrice": 0.25,
        "pendingType": "LIMIT",
    }
    assert "pendingQuantity" not in body
    assert json.loads(json.dumps(body))["workingPrice"] == 0.23


def test_sell_pays_base_quantity_as_a_number_from_alpha_wallet() -> None:
    body = rest.limit_body("ALPHA_971", "USDT", Side.SELL, Decimal("0.3"), Decimal("100.5"))
    assert body["paymentDetails"] == [{"amount": 100.5, "paymentWalletType": "ALPHA"}]
    assert body["orderType"] == "LIMIT" and body["side"] == "SELL"


def test_json_number_refuses_lossy_values() -> None:
    assert mapping.json_number(Decimal("12.000")) == 12
    with pytest.raises(ValueError):
        mapping.json_number(Decimal("0.12345678901234567890"))


def test_token_and_rules() -> None:
    token = mapping.parse_token(TOKEN)
    assert (token.alpha_id, token.decimals, token.trade_decimal, token.mul_point) == (
        "ALPHA_175",
        18,
        8,
        Decimal(4),
    )
    assert token.trading_symbol() == "ALPHA_175USDT"
    rules = mapping.parse_symbol_rules(SYMBOL)
    assert rules.tick_size == Decimal("0.00000001") and rules.step_size == Decimal("0.01")
    assert rules.min_notional == Decimal("0.1")
    with pytest.raises(FilterRejected):
        rules.check_order(Decimal("1"), Decimal("0.05"))


def test_history_row() -> None:
    (order,) = mapping.parse_orders([HISTORY_ROW])
    assert order.order_id == "2459886" and order.order_list_id == "555"
    assert order.contingency_position == "OTO_WORKING" and order.side is Side.BUY
    assert order.cum_quote == Decimal("197.30")
    assert mapping.parse_orders([HISTORY_ROW | {"orderListId": "-1"}])[0].order_list_id is None


def test_volume_wallet_and_listen_key() -> None:
    vol = mapping.parse_user_volume(
        {
            "totalVolume": 1234.5,
            "tradeVolumeInfoList": [{"icon": "", "tokenName": "AITECH", "volume": 1234.5}],
        }
    )
    assert vol.total == Decimal("1234.5") and vol.tokens[0].token_name == "AITECH"
    wallet = mapping.parse_wallet(
        {
            "totalValuation": "5",
            "list": [
                {
                    "chainId": "56",
                    "tokenId": "ALPHA_118",
                    "symbol": "X",
                    "free": "10.5",
                    "freeze": "0",
                    "locked": "1",
                    "withdrawing": "0",
                    "amount": "11.5",
                    "valuation": "5",
                }
            ],
        }
    )
    assert wallet["ALPHA_118"].free == Decimal("10.5") and wallet["ALPHA_118"].locked == 1
    assert mapping.parse_listen_key("abc") == mapping.parse_listen_key({"listenKey": "abc"})


def test_oto_lifecycle_frames() -> None:
    working = parse_private("alpha@k", frame())
    pending = parse_private(
        "alpha@k", frame(S="SELL", X="PENDING", q="0", i="1002", cp="OTO_PENDING")
    )
    filled = parse_private("alpha@k", frame(x="TRADE", X="FILLED", l="869.56", z="869.56",
                                            L="0.22690469", n="0.08695600", N="ALPHA_373",
                                            t="77", Z="197.30"))  # fmt: skip
    live = parse_private("alpha@k", frame(S="SELL", i="1002", q="869.47000000", cp="OTO_PENDING"))
    assert working.contingency_position == "OTO_WORKING" and working.order_list_id == "555"
    assert pending.is_pending_leg and pending.status is OrderStatus.NEW
    assert pending.order_list_id == working.order_list_id
    assert filled.status is OrderStatus.FILLED and filled.fee_asset == "ALPHA_373"
    assert filled.last_price == Decimal("0.22690469") and filled.trade_id == "77"
    assert not live.is_pending_leg and live.orig_qty == Decimal("869.47")


def test_public_frames_and_subscribe() -> None:
    trade = {"e": "aggTrade", "E": 1, "T": 2, "s": "ALPHA_474USDT", "a": 9, "p": "0.5", "q": "3",
             "f": 1, "l": 1, "m": True}  # fmt: skip
    parsed = parse_public("alpha_474usdt@aggTrade", trade)
    assert parsed.price == Decimal("0.5") and parsed.buyer_is_maker
    assert parse_public("x", {"e": "depthUpdate"}) is HEARTBEAT
    assert agg_trade_stream_name("ALPHA_474USDT") == "alpha_474usdt@aggTrade"
    assert json.loads(subscribe_message(["alpha@k"], 2)) == {
        "method": "SUBSCRIBE",
        "params": ["alpha@k"],
        "id": 2,
    }
    assert unwrap('{"result": null, "id": 2}') is None
    assert unwrap(json.dumps({"stream": "s", "data": trade})) == ("s", trade)


async def test_find_open_oto_groups_legs_by_list_id() -> None:
    pending = HISTORY_ROW | {"orderId": "2459887", "side": "SELL", "status": "PENDING",
                             "contingencyOrderPosition": "OTO_PENDING", "price": "0.25"}  # fmt: skip
    other = HISTORY_ROW | {"orderId": "1", "orderListId": "9", "price": "0.3"}
    rows = [HISTORY_ROW | {"status": "NEW"}, pending, other]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": "000000", "data": rows, "success": True})

    client = AlphaClient(
        WebSession("c", "p"), base_url="https://web.test", transport=MockVenue(handler)
    )
    legs = await client.find_open_oto("ALPHA_971", Decimal("0.23"), Decimal("869.56"))
    await client.close()
    assert sorted(o.order_id for o in legs) == ["2459886", "2459887"]
