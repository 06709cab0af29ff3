"""Every Bitget vector of fixtures/signatures.json reproduced by our signing code."""

import json

import pytest

from tests.trading.exchanges.fixtures import signatures
from trading.exchanges.bitget.auth import BitgetCredentials, prehash
from trading.exchanges.bitget.rest import encode_body, encode_query

BG = signatures()["bitget"]
DV = BG["derived_vectors"]
CREDS = BitgetCredentials(DV["apiKey"], DV["secretKey"], DV["passphrase"])


@pytest.mark.parametrize("example", BG["official_prehash_examples"], ids=lambda x: x["method"])
def test_official_prehash_examples(example):
    got = prehash(
        example["timestamp"],
        example["method"],
        example["requestPath"],
        example.get("queryString", ""),
        example.get("body", ""),
    )
    assert got == example["prehash"]


@pytest.mark.parametrize(
    "case", [c for c in DV["cases"] if "ACCESS-SIGN" in c], ids=lambda c: c["id"]
)
def test_derived_rest_vectors(case):
    assert CREDS.sign(case["prehash"]) == case["ACCESS-SIGN"]


def test_market_buy_body_is_signed_byte_for_byte():
    case = next(c for c in DV["cases"] if c["id"] == "bitget_post_spot_market_buy")
    body = json.loads(case["body"])
    assert encode_body(body) == case["body"]  # compact JSON, insertion order kept
    headers = CREDS.headers(
        DV["timestamp"], "POST", "/api/v2/spot/trade/place-order", "", case["body"]
    )
    assert headers["ACCESS-SIGN"] == case["ACCESS-SIGN"]
    assert headers["ACCESS-PASSPHRASE"] == DV["passphrase"]
    assert headers["ACCESS-TIMESTAMP"] == DV["timestamp"]


def test_sorted_query_vector():
    case = next(c for c in DV["cases"] if c["id"] == "bitget_get_with_sorted_query")
    query = encode_query({"symbol": "BTCUSDT", "limit": 20})
    assert query == "limit=20&symbol=BTCUSDT"
    headers = CREDS.headers(DV["timestamp"], "GET", "/api/v2/mix/market/merge-depth", query)
    assert headers["ACCESS-SIGN"] == case["ACCESS-SIGN"]


def test_ws_login_vector():
    case = next(c for c in DV["cases"] if c["id"] == "bitget_ws_login")
    args = CREDS.ws_login_args(case["timestamp_seconds"])
    assert prehash(case["timestamp_seconds"], "GET", "/user/verify") == case["prehash"]
    assert args == {
        "apiKey": DV["apiKey"],
        "passphrase": DV["passphrase"],
        "timestamp": case["timestamp_seconds"],
        "sign": case["sign"],
    }


def test_every_bitget_vector_is_covered():
    assert {c["id"] for c in DV["cases"]} == {
        "bitget_post_mix_place_order_docs_body",
        "bitget_get_with_sorted_query",
        "bitget_post_spot_market_buy",
        "bitget_ws_login",
    }


def test_secrets_not_in_repr():
    assert DV["secretKey"] not in repr(CREDS) and DV["passphrase"] not in repr(CREDS)
