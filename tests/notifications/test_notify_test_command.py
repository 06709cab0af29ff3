"""``manage.py notify_test`` sends one message to a loopback receiver and prints the reply."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_sends_and_prints_the_platform_reply(receiver):
    out = StringIO()
    call_command(
        "notify_test",
        "--kind",
        "dingtalk",
        "--url",
        f"{receiver.url}/robot/send?access_token=t",
        "--secret",
        "SECx",
        stdout=out,
    )
    text = out.getvalue()
    assert "HTTP 200" in text and '"errcode": 0' in text and "ok:" in text
    (req,) = receiver.requests
    assert {"access_token", "timestamp", "sign"} <= set(req.query)
    assert req.json()["text"]["content"].startswith("Fleet 测试消息")


def test_telegram_uses_the_api_base_token_and_chat(receiver):
    receiver.default = b'{"ok": true, "result": {}}'
    call_command(
        "notify_test",
        "--kind",
        "telegram",
        "--url",
        receiver.url,
        "--secret",
        "9:Z",
        "--chat-id",
        "77",
        "--lang",
        "en",
        stdout=StringIO(),
    )
    (req,) = receiver.requests
    assert req.path == "/bot9:Z/sendMessage" and req.json()["chat_id"] == 77
    assert req.json()["text"].startswith("Fleet test message")


def test_a_refusal_is_printed_and_fails_the_command(receiver):
    receiver.reply(200, {"errcode": 310000, "errmsg": "sign not match"})
    out = StringIO()
    with pytest.raises(CommandError, match="310000"):
        call_command(
            "notify_test", "--kind", "wecom", "--url", f"{receiver.url}/x?key=k", stdout=out
        )
    assert "sign not match" in out.getvalue()
