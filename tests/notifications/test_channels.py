"""Each channel's exact request, as a local receiver on loopback gets it: URL, query, headers, JSON
body and the signature recomputed here from the platform's documented algorithm (not from our
code), and how each platform's reply is read (ok / retry / give up)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote_plus

import pytest

from notifications.channels import Message, Target, platform
from notifications.channels.transport import post

MESSAGE = Message(
    "跟单账户已停用：F1", "密钥被拒绝", {"kind": "copytrade.follower_disabled", "key": "k1"}
)


def send(kind: str, target: Target):
    plat = platform(kind)
    now = time.time()
    return now, post(plat, plat.build(target, MESSAGE, now))


def test_dingtalk_signed_request(receiver):
    secret = "SECabc123"
    url = f"{receiver.url}/robot/send?access_token=tok123"
    before = time.time()
    _, reply = send("dingtalk", Target("dingtalk", url, secret))
    (req,) = receiver.requests
    assert req.path == "/robot/send"
    assert req.query["access_token"] == ["tok123"]
    ts = req.query["timestamp"][0]
    assert before * 1000 - 1000 <= int(ts) <= time.time() * 1000 + 1000  # milliseconds
    # documented: urlencode(base64(HmacSHA256(key=secret, msg=timestamp + "\n" + secret)))
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert f"sign={quote_plus(expected)}" in req.raw_query
    assert req.query["sign"] == [expected]
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {"msgtype": "text", "text": {"content": "跟单账户已停用：F1\n密钥被拒绝"}}
    assert reply.verdict.ok and reply.status == 200


def test_dingtalk_without_secret_sends_the_url_as_is(receiver):
    send("dingtalk", Target("dingtalk", f"{receiver.url}/robot/send?access_token=t"))
    assert receiver.requests[0].raw_query == "access_token=t"


def test_wecom_request(receiver):
    _, reply = send("wecom", Target("wecom", f"{receiver.url}/cgi-bin/webhook/send?key=k-1"))
    (req,) = receiver.requests
    assert req.path == "/cgi-bin/webhook/send" and req.query == {"key": ["k-1"]}
    assert req.json() == {"msgtype": "text", "text": {"content": "跟单账户已停用：F1\n密钥被拒绝"}}
    assert reply.verdict.ok


def test_feishu_signed_request(receiver):
    receiver.default = json.dumps({"code": 0, "msg": "success", "data": {}}).encode()
    secret = "feishu-secret"
    _, reply = send("feishu", Target("feishu", f"{receiver.url}/open-apis/bot/v2/hook/abc", secret))
    (req,) = receiver.requests
    assert req.path == "/open-apis/bot/v2/hook/abc" and req.raw_query == ""
    body = req.json()
    ts = body["timestamp"]
    assert isinstance(ts, str) and abs(int(ts) - time.time()) < 5  # seconds
    # documented: base64(HmacSHA256(key=timestamp + "\n" + secret, msg=empty))
    key = f"{ts}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "text"
    assert body["content"] == {"text": "跟单账户已停用：F1\n密钥被拒绝"}
    assert reply.verdict.ok


def test_telegram_send_message(receiver):
    receiver.default = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
    _, reply = send("telegram", Target("telegram", receiver.url, "123:ABC", "-1001234"))
    (req,) = receiver.requests
    assert req.path == "/bot123:ABC/sendMessage"
    assert req.json() == {
        "chat_id": -1001234,
        "text": "跟单账户已停用：F1\n密钥被拒绝",
        "disable_web_page_preview": True,
    }
    assert reply.verdict.ok


def test_telegram_default_api_base():
    from notifications.channels import telegram

    assert telegram.endpoint(Target("telegram", "", "1:T", "5")) == (
        "https://api.telegram.org/bot1:T/sendMessage"
    )


def test_generic_webhook_signed(receiver):
    secret = "whsec"
    _, reply = send("webhook", Target("webhook", f"{receiver.url}/hooks/fleet?x=1", secret))
    (req,) = receiver.requests
    assert req.path == "/hooks/fleet" and req.query == {"x": ["1"]}
    ts = req.headers["x-fleet-timestamp"]
    mac = hmac.new(secret.encode(), ts.encode() + b"." + req.body, hashlib.sha256).hexdigest()
    assert req.headers["x-fleet-signature"] == f"sha256={mac}"
    assert req.json() == {
        "kind": "copytrade.follower_disabled",
        "key": "k1",
        "title": "跟单账户已停用：F1",
        "body": "密钥被拒绝",
    }
    assert reply.verdict.ok


@pytest.mark.parametrize(
    ("kind", "status", "body", "outcome", "code"),
    [
        ("dingtalk", 200, {"errcode": 0, "errmsg": "ok"}, "ok", ""),
        ("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"}, "permanent", "310000"),
        ("dingtalk", 200, {"errcode": 130101, "errmsg": "send too fast"}, "retryable", "130101"),
        ("dingtalk", 502, {}, "retryable", "502"),
        ("dingtalk", 404, {}, "permanent", "404"),
        ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "permanent", "93000"),
        ("wecom", 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, "retryable", "45009"),
        ("feishu", 200, {"code": 19021, "msg": "sign match fail"}, "permanent", "19021"),
        ("feishu", 200, {"StatusCode": 0, "StatusMessage": "success"}, "ok", ""),
        ("feishu", 429, {"code": 99991400}, "retryable", "429"),
        (
            "telegram",
            400,
            {"ok": False, "error_code": 400, "description": "chat not found"},
            "permanent",
            "400",
        ),
        (
            "telegram",
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
            "permanent",
            "401",
        ),
        (
            "telegram",
            500,
            {"ok": False, "error_code": 500, "description": "Internal"},
            "retryable",
            "500",
        ),
        ("webhook", 204, {}, "ok", ""),
        ("webhook", 422, {}, "permanent", "422"),
        ("webhook", 503, {}, "retryable", "503"),
    ],
)
def test_replies_are_read_per_platform(kind, status, body, outcome, code):
    verdict = platform(kind).classify(status, json.dumps(body).encode())
    assert (verdict.outcome, verdict.code) == (outcome, code)


def test_telegram_flood_control_carries_retry_after():
    body = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 34",
        "parameters": {"retry_after": 34},
    }
    verdict = platform("telegram").classify(429, json.dumps(body).encode())
    assert verdict.outcome == "retryable" and verdict.retry_after == 34


def test_network_failure_is_retryable():
    plat = platform("wecom")
    reply = post(
        plat,
        plat.build(Target("wecom", "http://127.0.0.1:9/nothing"), MESSAGE, time.time()),
        timeout=2,
    )
    assert reply.verdict.outcome == "retryable" and reply.verdict.code == "network"
