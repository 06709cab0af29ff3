"""The official (and derived) signing vectors of tests/fixtures/signatures.json (copied from the venues' published examples) are
accepted by the simulator's verifiers, with the venue clock pinned to the vectors' timestamps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from exchange_sim.app import create_app
from exchange_sim.binance_spot.auth import verify_ws, ws_payload
from exchange_sim.binance_spot.state import BinanceError, SpotAccount
from exchange_sim.bitget.auth import prehash, sign
from exchange_sim.world import World

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "signatures.json"
SPEC = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else None
pytestmark = pytest.mark.skipif(SPEC is None, reason="shared signing fixture not present")

DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


def vector(venue: str, ident: str) -> dict[str, Any]:
    assert SPEC is not None
    return next(v for v in SPEC[venue]["vectors"] if v["id"] == ident)


def pinned(ms: int) -> tuple[TestClient, World]:
    world = World(clock_ms=lambda: ms)
    return TestClient(create_app(world)), world


def doc_account(world: World) -> None:
    world.venues["binance_spot"].create_account(api_key=DOC_KEY, api_secret=DOC_SECRET)


@pytest.mark.parametrize("ident", ["binance_rest_hmac_ascii", "binance_rest_hmac_non_ascii"])
def test_binance_rest_vectors_pass_auth(ident):
    v = vector("binance", ident)
    client, world = pinned(1499827319559)
    doc_account(world)
    url = f"/api/v3/order?{v['payload']}&signature={v['signature']}"
    reply = client.post(url, headers={"X-MBX-APIKEY": DOC_KEY}).json()
    # authenticated; the docs' symbols do not trade here, so the engine answers -1121
    assert reply == {"code": -1121, "msg": "Invalid symbol."}
    tampered = client.post(
        url.replace("quantity=1", "quantity=2"), headers={"X-MBX-APIKEY": DOC_KEY}
    )
    assert tampered.json()["code"] == -1022


def test_binance_rest_vector_uppercase_and_in_body():
    v = vector("binance", "binance_rest_hmac_ascii")
    client, world = pinned(1499827319559)
    doc_account(world)
    headers = {"X-MBX-APIKEY": DOC_KEY, "Content-Type": "application/x-www-form-urlencoded"}
    body = f"{v['payload']}&signature={v['signature'].upper()}"
    assert client.post("/api/v3/order", content=body, headers=headers).json()["code"] == -1121


def test_ccxt_body_signing_vector():
    v = vector("binance", "binance_ccxt_body_signing_derived")
    client, world = pinned(1499827319559)
    doc_account(world)
    headers = {"X-MBX-APIKEY": DOC_KEY, "Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/api/v3/order", content=v["body"], headers=headers).json()["code"] == -1121


def test_timestamp_rule_with_pinned_clock():
    v = vector("binance", "binance_rest_hmac_ascii")
    client, world = pinned(1499827319559 + 5001)  # recvWindow=5000 in the vector
    doc_account(world)
    url = f"/api/v3/order?{v['payload']}&signature={v['signature']}"
    assert client.post(url, headers={"X-MBX-APIKEY": DOC_KEY}).json()["code"] == -1021


@pytest.mark.parametrize("ident", ["binance_ws_api_hmac_ascii", "binance_ws_api_hmac_non_ascii"])
def test_binance_ws_vectors(ident):
    v = vector("binance", ident)
    params: dict[str, Any] = dict(pair.split("=", 1) for pair in v["payload"].split("&"))
    assert ws_payload(params).decode() == v["payload"]
    account = SpotAccount(account_id=1, name="doc", api_key=DOC_KEY, api_secret=DOC_SECRET)
    verify_ws(account, {**params, "signature": v["signature"]})
    with pytest.raises(BinanceError):
        verify_ws(
            account,
            {
                **params,
                "side": "BUY" if params["side"] == "SELL" else "SELL",
                "signature": v["signature"],
            },
        )


def test_ws_api_subscribe_vector_over_the_socket():
    client, world = pinned(1747385641636)
    doc_account(world)
    params = {
        "apiKey": DOC_KEY,
        "timestamp": 1747385641636,
        "signature": "681110a6057ad58657af22f5640fab9dd17418834cdfccdc81be8b0f7b2cde3e",
    }
    with client.websocket_connect("/ws-api/v3") as ws:
        ws.send_json({"id": "v", "method": "userDataStream.subscribe.signature", "params": params})
        reply = ws.receive_json()
    assert reply["status"] == 200 and reply["result"] == {"subscriptionId": 0}


def test_bitget_derived_vectors():
    assert SPEC is not None
    derived = SPEC["bitget"]["derived_vectors"]
    secret = derived["secretKey"].encode()
    for case in derived["cases"]:
        if "ACCESS-SIGN" in case:
            assert sign(secret, case["prehash"].encode()) == case["ACCESS-SIGN"], case["id"]
        else:
            assert sign(secret, case["prehash"].encode()) == case["sign"], case["id"]
    assert (
        prehash(
            "16273667805456",
            "GET",
            b"/api/v2/mix/market/merge-depth",
            b"limit=20&symbol=BTCUSDT",
            b"",
        )
        == derived["cases"][1]["prehash"].encode()
    )


def test_bitget_place_order_vector_over_http():
    assert SPEC is not None
    derived = SPEC["bitget"]["derived_vectors"]
    case = next(c for c in derived["cases"] if c["id"] == "bitget_post_spot_market_buy")
    client, world = pinned(int(derived["timestamp"]))
    world.venues["bitget"].create_account(
        api_key=derived["apiKey"], api_secret=derived["secretKey"], passphrase=derived["passphrase"]
    )
    headers = {
        "ACCESS-KEY": derived["apiKey"],
        "ACCESS-SIGN": case["ACCESS-SIGN"],
        "ACCESS-TIMESTAMP": derived["timestamp"],
        "ACCESS-PASSPHRASE": derived["passphrase"],
        "Content-Type": "application/json",
    }
    reply = client.post("/api/v2/spot/trade/place-order", content=case["body"], headers=headers)
    assert reply.json()["code"] == "43012"  # signature accepted; the account holds no USDT
    spaced = case["body"].replace(",", ", ")  # same JSON, other bytes: the signature no longer fits
    assert (
        client.post("/api/v2/spot/trade/place-order", content=spaced, headers=headers).json()[
            "code"
        ]
        == "40009"
    )


def test_bitget_ws_login_vector():
    assert SPEC is not None
    derived = SPEC["bitget"]["derived_vectors"]
    case = next(c for c in derived["cases"] if c["id"] == "bitget_ws_login")
    client, world = pinned(int(case["timestamp_seconds"]) * 1000)
    world.venues["bitget"].create_account(
        api_key=derived["apiKey"], api_secret=derived["secretKey"], passphrase=derived["passphrase"]
    )
    args = {
        "apiKey": derived["apiKey"],
        "passphrase": derived["passphrase"],
        "timestamp": case["timestamp_seconds"],
        "sign": case["sign"],
    }
    with client.websocket_connect("/v2/ws/private") as ws:
        ws.send_text(json.dumps({"op": "login", "args": [args]}))
        assert ws.receive_json() == {"event": "login", "code": "0", "msg": ""}


def _ed25519_public(private_pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


def test_binance_rest_ed25519_vector():
    fix = vector("binance", "binance_fix_logon_ed25519")
    v = vector("binance", "binance_rest_ed25519_derived")
    client, world = pinned(1668481559918)
    world.venues["binance_spot"].create_account(
        api_key="ed-key", ed25519_public_key=_ed25519_public(fix["private_key_pem"])
    )
    url = f"/api/v3/order?{v['payload']}&signature={v['signature_url_param']}"
    reply = client.post(url, headers={"X-MBX-APIKEY": "ed-key"}).json()
    assert reply == {"code": -1013, "msg": "Filter failure: NOTIONAL"}  # authenticated
    lowered = url.replace(v["signature_url_param"], v["signature_url_param"].lower())
    assert client.post(lowered, headers={"X-MBX-APIKEY": "ed-key"}).json()["code"] == -1022


def test_binance_ws_ed25519_vector():
    fix = vector("binance", "binance_fix_logon_ed25519")
    v = vector("binance", "binance_ws_api_ed25519_derived")
    params: dict[str, Any] = dict(pair.split("=", 1) for pair in v["payload"].split("&"))
    account = SpotAccount(account_id=1, name="ed", api_key=params["apiKey"], api_secret="")
    from exchange_sim.binance_spot.state import load_ed25519

    account.ed25519_key = load_ed25519(fix["public_key_raw_base64"])
    verify_ws(account, {**params, "signature": v["signature_base64"]})
    with pytest.raises(BinanceError):
        verify_ws(account, {**params, "price": "1", "signature": v["signature_base64"]})
