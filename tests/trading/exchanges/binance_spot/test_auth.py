"""Every Binance vector of fixtures/signatures.json reproduced by our signing code."""

import base64
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.trading.exchanges.fixtures import signatures, vector
from trading.exchanges.binance_spot.auth import (
    Ed25519Signer,
    HmacSigner,
    encode_params,
    signed_query,
    ws_payload,
    ws_signed_params,
)

SECRET = vector("binance", "binance_rest_hmac_ascii")["secretKey"]
API_KEY = vector("binance", "binance_rest_hmac_ascii")["apiKey"]
ED_PEM = vector("binance", "binance_fix_logon_ed25519")["private_key_pem"]
ORDER = {
    "symbol": "LTCBTC",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "1",
    "price": "0.1",
    "recvWindow": 5000,
    "timestamp": 1499827319559,
}


def test_rest_hmac_ascii_from_params():
    v = vector("binance", "binance_rest_hmac_ascii")
    assert encode_params(ORDER) == v["payload"]
    assert signed_query(ORDER, HmacSigner(SECRET)) == f"{v['payload']}&signature={v['signature']}"


def test_rest_hmac_non_ascii_is_percent_encoded_before_signing():
    v = vector("binance", "binance_rest_hmac_non_ascii")
    params = {**ORDER, "symbol": "１２３４５６"}
    assert encode_params(params) == v["payload"]
    assert HmacSigner(SECRET).sign(encode_params(params)) == v["signature"]


@pytest.mark.parametrize(
    "vector_id", ["binance_ws_api_hmac_ascii", "binance_ws_api_hmac_non_ascii"]
)
def test_ws_api_hmac(vector_id):
    v = vector("binance", vector_id)
    params = dict(pair.split("=", 1) for pair in v["payload"].split("&"))
    assert ws_payload(params) == v["payload"]
    assert HmacSigner(v["secretKey"]).sign(ws_payload(params)) == v["signature"]


def test_ws_api_signed_params_adds_api_key_and_signature():
    v = vector("binance", "binance_ws_api_hmac_ascii")
    params = {k: val for k, val in v["params"].items() if k != "apiKey"}
    signed = ws_signed_params(params, v["params"]["apiKey"], HmacSigner(SECRET))
    assert signed["apiKey"] == v["params"]["apiKey"]
    assert signed["signature"] == v["signature"]


def test_ccxt_body_signing_vector():
    v = vector("binance", "binance_ccxt_body_signing_derived")
    payload, signature = v["body"].split("&signature=")
    assert HmacSigner(SECRET).sign(payload) == signature


def test_fix_logon_ed25519():
    v = vector("binance", "binance_fix_logon_ed25519")
    signer = Ed25519Signer(ED_PEM)
    assert signer.sign(v["payload"]) == v["signature_base64"]
    key = signer._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert base64.b64encode(key).decode() == v["public_key_raw_base64"]


def test_rest_ed25519_and_its_url_form():
    v = vector("binance", "binance_rest_ed25519_derived")
    signer = Ed25519Signer(ED_PEM)
    sig = signer.sign(v["payload"])
    assert sig == v["signature_base64"]
    assert signer.url_safe(sig) == v["signature_url_param"]


def test_ws_api_ed25519_derived():
    v = vector("binance", "binance_ws_api_ed25519_derived")
    params = dict(pair.split("=", 1) for pair in v["payload"].split("&"))
    assert Ed25519Signer(ED_PEM).sign(ws_payload(params)) == v["signature_base64"]


def test_official_unverifiable_vectors_have_the_right_shape():
    """No private key is published for these; check what can be checked: sizes and URL form."""
    ed = vector("binance", "binance_ws_api_ed25519_official_unverifiable")
    assert len(base64.b64decode(ed["signature_ascii"])) == 64
    rsa = vector("binance", "binance_rest_rsa_official_unverifiable")
    assert len(base64.b64decode(rsa["signature_base64"])) == 256
    assert quote(rsa["signature_base64"], safe="") == rsa["signature_url_param"]


def test_docs_ed25519_error_is_not_a_valid_signature():
    v = vector("binance", "binance_rest_ed25519_docs_ERROR")
    assert "INVALID" in v["status"]


def test_every_binance_vector_is_covered():
    covered = {
        "binance_rest_hmac_ascii",
        "binance_rest_hmac_non_ascii",
        "binance_ws_api_hmac_ascii",
        "binance_ws_api_hmac_non_ascii",
        "binance_fix_logon_ed25519",
        "binance_rest_ed25519_derived",
        "binance_ws_api_ed25519_derived",
        "binance_ws_api_ed25519_official_unverifiable",
        "binance_rest_rsa_official_unverifiable",
        "binance_rest_ed25519_docs_ERROR",
        "binance_ccxt_body_signing_derived",
    }
    assert {v["id"] for v in signatures()["binance"]["vectors"]} == covered


def test_signers_do_not_leak_secrets():
    assert SECRET not in repr(HmacSigner(SECRET))
    assert "PRIVATE" not in repr(
        Ed25519Signer(Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, *_pkcs8()))
    )


def _pkcs8():
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    return PrivateFormat.PKCS8, NoEncryption()
