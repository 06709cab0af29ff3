"""The one venue-error catalogue: (venue, code) → words a person can act on, in Chinese and English,
the raw code and message kept as detail. Tables of plain values: no Django, no network."""

from __future__ import annotations

import pytest

from trading.exchanges import errors as e
from trading.exchanges.venue_errors import (
    explain,
    explain_error,
    explain_report,
    explain_text,
    split_detail,
    with_detail,
)

CASES = [
    # venue, code, message, zh, en
    ("binance_web", "93420002", "Insufficient balance", "余额不足", "Insufficient balance"),
    (
        "binance_spot",
        "-2015",
        "Invalid API-key, IP, or permissions for action.",
        "API 密钥无效、IP 未加白或权限不足",
        "Invalid API key, IP not whitelisted, or missing permission",
    ),
    (
        "binance_spot",
        "-2010",
        "Account has insufficient balance for requested action.",
        "余额不足",
        "Insufficient balance",
    ),
    ("binance_spot", "-2010", "Market is closed.", "币安拒绝了订单", "Binance rejected the order"),
    (
        "bitget",
        "passphrase_missing",
        "",
        "需要填写 Bitget API 口令",
        "Bitget API keys need their passphrase",
    ),
    ("bitget", "43012", "Insufficient balance", "余额不足", "Insufficient balance"),
    ("bitget", "40099", "exchange environment is incorrect", "环境不符", "Wrong environment"),
    ("binance_futures", "-2015", "Invalid API-key", "API 密钥无效", "Invalid API key"),
]


@pytest.mark.parametrize(("venue", "code", "message", "zh", "en"), CASES)
def test_codes_read_as_words_in_both_languages(venue, code, message, zh, en):
    assert explain(venue, code, message, "zh-hans").text.startswith(zh)
    assert explain(venue, code, message, "en").text.startswith(en)
    said = explain(venue, code, message, "zh")
    assert said.code == code and said.message == message  # the raw facts stay


def test_an_unknown_code_keeps_the_venues_message():
    said = explain("bitget", "49999", "something new", "zh")
    assert said.text == "交易所返回错误：something new"
    assert said.detail == "[bitget 49999] something new"


@pytest.mark.parametrize(
    ("exc", "zh"),
    [
        (e.InsufficientBalance("x", code="99", venue="bitget"), "余额不足"),
        (e.AuthError("x", code="40999", venue="bitget"), "API 密钥无效、IP 未加白或权限不足"),
        (e.RateLimited("x", venue="binance_spot"), "请求过于频繁，已被交易所限速，请稍后"),
        (
            e.OutcomeUnknown("timed out", venue="binance_spot"),
            "交易所未答复，订单结果待核对（不会重复下单）",
        ),
        (
            e.SessionExpired("x", code="100002001", venue="binance_web"),
            "币安登录已失效，请在客户端重新扫码绑定",
        ),
    ],
)
def test_an_unlisted_code_falls_back_to_its_error_class(exc, zh):
    assert explain_error(exc, "zh").text == zh


def test_stored_exception_text_is_parsed_back():
    raw = str(
        e.AuthError(
            "Invalid API-key, IP, or permissions for action.", code="-2015", venue="binance_spot"
        )
    )
    said = explain_text(raw, "en")
    assert said.text == "Invalid API key, IP not whitelisted, or missing permission"
    assert said.detail == raw
    assert (
        explain_text("验证失败：网络中断", "en").text == "验证失败：网络中断"
    )  # not a venue error


@pytest.mark.parametrize(
    ("code", "message", "zh", "en"),
    [
        (
            "binance_93420002",
            "余额不足 — [binance_web 93420002] Insufficient balance",
            "余额不足",
            "Insufficient balance",
        ),
        (
            "binance_93420002",
            "币安拒绝了下单：[binance_web 93420002] Insufficient balance",
            "余额不足",
            "Insufficient balance",
        ),
        (
            "binance_93420018",
            "Open order number has reached maximum limit",
            "未结束的事件合约订单已达上限，请稍后",
            "Open event-contract order limit reached, wait",
        ),
        (
            "binance_session_expired",
            "",
            "币安登录已失效，请在客户端重新扫码绑定",
            "Binance login expired: bind again by QR code in the client",
        ),
        (
            "binance_OutcomeUnknown",
            "timeout",
            "交易所未答复，订单结果待核对（不会重复下单）",
            "No reply from the venue: the order's outcome is being checked (never re-sent)",
        ),
    ],
)
def test_event_order_report_codes(code, message, zh, en):
    assert explain_report(code, message, "zh").text == zh
    assert explain_report(code, message, "en").text == en


@pytest.mark.parametrize(
    "code", ["binance_open_order_limit", "payout_below_floor", "payout_changed", "binance_network"]
)
def test_every_client_reason_has_words_in_both_languages(code):
    zh, en = explain_report(code, "", "zh").text, explain_report(code, "", "en").text
    assert zh != code and en != code and zh != en


def test_detail_line_round_trip():
    said = explain("binance_web", "93420002", "Insufficient balance", "zh")
    line = with_detail(said)
    assert line == "余额不足 — [binance_web 93420002] Insufficient balance"
    assert split_detail(line) == ("余额不足", "[binance_web 93420002] Insufficient balance")
    assert split_detail("plain") == ("plain", "")
