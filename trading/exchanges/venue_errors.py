"""Venue errors in words a person can act on — the ONE catalogue the admin, the API and the desktop
client use (pure Python, no Django, so the client imports it too).

A venue answers with a code and an English message (``[binance_web 93420002] Insufficient
balance``); operators and traders read Chinese or English and need to know what to do. Each entry
maps (venue, code) to that text in both languages; the raw code and message stay available as
``Explained.detail`` (shown on hover or in a detail view). Codes missing from the table fall back
to the text of their error class (``InsufficientBalance`` → 余额不足), else to a generic line that
keeps the venue's own message.

Codes come from the venues' public docs: Binance spot https://developers.binance.com/docs/binance-spot-api-docs/errors
Bitget https://www.bitget.com/api-doc/common/error-code/restapi ; Binance web (event contracts)
codes are the ones our connector maps (``binance_web/constants.py``, docs/connectors.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from trading.exchanges import errors as e


@dataclass(frozen=True)
class Words:
    """One message in Chinese and English."""

    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if language(lang) == "en" else self.zh


@dataclass(frozen=True)
class Explained:
    """A venue error for people: ``text`` in the asked language, the raw venue facts beside it."""

    text: str
    venue: str = ""
    code: str = ""
    message: str = ""

    @property
    def detail(self) -> str:
        """The raw venue code and message, e.g. ``[binance_web 93420002] Insufficient balance``."""
        if self.code:
            return f"[{self.venue} {self.code}] {self.message}".strip()
        return f"[{self.venue}] {self.message}" if self.venue else self.message


def language(lang: str | None) -> str:
    """``en``/``en-us`` → "en"; anything else (zh, zh-hans, None) → "zh" (the default)."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


INSUFFICIENT = Words("余额不足", "Insufficient balance")
BAD_KEY = Words(
    "API 密钥无效、IP 未加白或权限不足",
    "Invalid API key, IP not whitelisted, or missing permission",
)
CLOCK = Words(
    "时间不同步：请求时间戳超出交易所允许的范围，请校准时钟",
    "Clock out of sync: the request's timestamp is outside the venue's window; sync the clock",
)
RATE = Words("请求过于频繁，已被交易所限速，请稍后", "Too many requests: rate-limited, try later")
UNKNOWN_OUTCOME = Words(
    "交易所未答复，订单结果待核对（不会重复下单）",
    "No reply from the venue: the order's outcome is being checked (never re-sent)",
)
FILTER = Words(
    "订单不满足交易规则（最小数量、最小金额或精度）",
    "The order breaks the symbol's rules (minimum quantity, minimum amount or precision)",
)
NOT_FOUND = Words("交易所找不到该订单", "The venue does not know this order")

# (venue, code) → words. Venue names are the connectors' ``VENUE`` constants.
CATALOGUE: Final[dict[tuple[str, str], Words]] = {
    # Binance web (event contracts; the client's QR-bound session)
    ("binance_web", "93420002"): INSUFFICIENT,
    ("binance_web", "93420004"): Words(
        "币安账户暂不可交易事件合约（未开通或受限）",
        "This Binance account cannot trade event contracts (not enabled or restricted)",
    ),
    ("binance_web", "93420018"): Words(
        "未结束的事件合约订单已达上限，请稍后", "Open event-contract order limit reached, wait"
    ),
    ("binance_web", "100002001"): Words(
        "币安登录已失效，请在客户端重新扫码绑定",
        "Binance login expired: bind again by QR code in the client",
    ),
    ("binance_web", "100001001"): Words(
        "币安系统错误，订单结果待核对", "Binance system error: the order's outcome is being checked"
    ),
    ("binance_web", "1021110"): Words("币安暂时繁忙，请重试", "Binance is busy, try again"),
    # Binance spot (copy trading)
    ("binance_spot", "-1000"): UNKNOWN_OUTCOME,
    ("binance_spot", "-1006"): UNKNOWN_OUTCOME,
    ("binance_spot", "-1007"): UNKNOWN_OUTCOME,
    ("binance_spot", "-1002"): BAD_KEY,
    ("binance_spot", "-1003"): RATE,
    ("binance_spot", "-1015"): Words("下单过于频繁，请稍后", "Too many new orders, try later"),
    ("binance_spot", "-1021"): CLOCK,
    ("binance_spot", "-1022"): Words(
        "签名无效：API Secret 不正确", "Invalid signature: the API secret is wrong"
    ),
    ("binance_spot", "-1013"): FILTER,
    ("binance_spot", "-1111"): FILTER,
    ("binance_spot", "-1121"): Words("交易对无效", "Invalid symbol"),
    ("binance_spot", "-2010"): Words("币安拒绝了订单", "Binance rejected the order"),
    ("binance_spot", "-2011"): NOT_FOUND,
    ("binance_spot", "-2013"): NOT_FOUND,
    ("binance_spot", "-2014"): Words("API Key 格式错误", "The API key's format is invalid"),
    ("binance_spot", "-2015"): BAD_KEY,
    # Bitget spot (copy trading)
    ("bitget", "40001"): BAD_KEY,
    ("bitget", "40002"): BAD_KEY,
    ("bitget", "40003"): BAD_KEY,
    ("bitget", "40006"): Words("API Key 无效", "Invalid API key"),
    ("bitget", "40009"): Words(
        "签名错误：API Secret 不正确", "Signature error: the API secret is wrong"
    ),
    ("bitget", "40011"): BAD_KEY,
    ("bitget", "40012"): Words("Bitget API 口令错误", "Wrong Bitget API passphrase"),
    ("bitget", "40014"): Words(
        "API Key 权限不足（需要现货交易权限）",
        "The API key lacks permission (spot trading needed)",
    ),
    ("bitget", "40018"): Words("IP 未加入 API Key 白名单", "IP not in the API key's whitelist"),
    ("bitget", "40037"): Words("API Key 不存在", "The API key does not exist"),
    ("bitget", "40099"): Words(
        "环境不符：模拟盘密钥用于实盘或相反，请检查环境设置",
        "Wrong environment: a demo key used live or the reverse; check the environment",
    ),
    ("bitget", "40005"): CLOCK,
    ("bitget", "40008"): CLOCK,
    ("bitget", "43012"): INSUFFICIENT,
    ("bitget", "40762"): INSUFFICIENT,
    ("bitget", "43006"): FILTER,
    ("bitget", "45110"): Words(
        "下单金额低于最小限额（Bitget 最少 1 USDT）",
        "The amount is below the minimum (Bitget: 1 USDT)",
    ),
    ("bitget", "40808"): FILTER,
    ("bitget", "41103"): FILTER,
    ("bitget", "40786"): UNKNOWN_OUTCOME,
    ("bitget", "43001"): NOT_FOUND,
    ("bitget", "429"): RATE,
    # Checks we make before asking the venue (same words on every surface)
    ("bitget", "passphrase_missing"): Words(
        "需要填写 Bitget API 口令", "Bitget API keys need their passphrase"
    ),
}
# Binance spot codes mean the same on the futures API.
CATALOGUE.update(
    {
        ("binance_futures", code): words
        for (v, code), words in list(CATALOGUE.items())
        if v == "binance_spot"
    }
)

# (venue, code, fragment of the message) → words: one code, several meanings.
BY_MESSAGE: Final[tuple[tuple[str, str, str, Words], ...]] = (
    ("binance_spot", "-2010", "insufficient balance", INSUFFICIENT),
    ("binance_spot", "-2010", "duplicate order", UNKNOWN_OUTCOME),
)

# Error class → words, for codes the catalogue does not list (most specific class first).
BY_KIND: Final[tuple[tuple[type[e.ExchangeError], Words], ...]] = (
    (e.SessionExpired, CATALOGUE[("binance_web", "100002001")]),
    (e.AuthError, BAD_KEY),
    (e.RateLimited, RATE),
    (e.ClockSkew, CLOCK),
    (
        e.TemporaryError,
        Words("交易所暂时不可用，请稍后重试", "The venue is unavailable, try later"),
    ),
    (e.OutcomeUnknown, UNKNOWN_OUTCOME),
    (e.InsufficientBalance, INSUFFICIENT),
    (e.FilterRejected, FILTER),
    (e.OrderNotFound, NOT_FOUND),
    (e.NotPlaced, Words("订单未下到交易所", "The order was not placed")),
    (e.OrderRejected, Words("交易所拒绝了订单", "The venue rejected the order")),
    (e.ProtocolError, Words("交易所的回复无法识别", "The venue's reply could not be read")),
)
OTHER = Words("交易所返回错误", "The venue returned an error")

VENUE_NAMES: Final[dict[str, Words]] = {
    "binance_web": Words("币安", "Binance"),
    "binance_spot": Words("币安现货", "Binance spot"),
    "binance_futures": Words("币安合约", "Binance futures"),
    "binance_alpha": Words("币安 Alpha", "Binance Alpha"),
    "bitget": Words("Bitget", "Bitget"),
}


def words_for(
    venue: str, code: str, message: str = "", kind: type[e.ExchangeError] | None = None
) -> Words | None:
    """The catalogue's words for a venue error, or None when neither code nor class is known."""
    for m_venue, m_code, fragment, words in BY_MESSAGE:
        if (venue, code) == (m_venue, m_code) and fragment in message.lower():
            return words
    if (venue, code) in CATALOGUE:
        return CATALOGUE[(venue, code)]
    if kind is not None:
        return next((w for cls, w in BY_KIND if issubclass(kind, cls)), None)
    return None


def explain(
    venue: str,
    code: str = "",
    message: str = "",
    lang: str = "zh",
    kind: type[e.ExchangeError] | None = None,
) -> Explained:
    """A venue's (code, message) for people; unknown codes keep the venue's message in ``text``."""
    words = words_for(venue, code, message, kind)
    if words is not None:
        text = words.in_(lang)
    else:
        text = (
            f"{OTHER.in_(lang)}：{message}" if language(lang) == "zh" else f"{OTHER.en}: {message}"
        )
    return Explained(text, venue, code, message)


def explain_error(exc: e.ExchangeError, lang: str = "zh") -> Explained:
    """A connector exception for people (the connector's class decides when the code is unknown)."""
    return explain(exc.venue, exc.code or "", exc.message, lang, kind=type(exc))


_RAW = re.compile(r"^\[(?P<venue>[a-z_]+)(?: (?P<code>[^\]\s]+))?\] ?(?P<message>.*)$", re.S)


def explain_text(raw: str, lang: str = "zh") -> Explained:
    """A stored ``str(ExchangeError)`` (``[venue code] message``) for people. Text that is not in
    that shape (our own messages, already in words) is returned as it is."""
    found = _RAW.match(raw.strip())
    if not found:
        return Explained(raw)
    return explain(found["venue"], found["code"] or "", found["message"], lang)


DETAIL_SEPARATOR: Final = " — "


def with_detail(said: Explained) -> str:
    """One line for a stored message: the words, then the raw venue facts."""
    return f"{said.text}{DETAIL_SEPARATOR}{said.detail}" if said.detail else said.text


def split_detail(message: str) -> tuple[str, str]:
    """``with_detail``'s line back into (words, raw detail); other text is all words."""
    words, _, detail = message.partition(DETAIL_SEPARATOR)
    return (words, detail) if detail else (message, "")


# The desktop client reports event-order failures as ``binance_<venue code>`` or its own reason
# codes; these are the client's reasons in words (the same as the client shows).
CLIENT_REASONS: Final[dict[str, Words]] = {
    "binance_session_expired": CATALOGUE[("binance_web", "100002001")],
    "binance_not_found": Words(
        "下单结果未知且挂单中未找到，按未成交处理",
        "Outcome unknown and not among open orders: not placed",
    ),
    "binance_network": Words("连接币安失败", "Cannot reach Binance"),
    "rate_limited": CATALOGUE[("binance_web", "93420018")],
    "binance_open_order_limit": Words(
        "币安未结订单已达上限，本单未下单", "Binance open-order limit reached: order not placed"
    ),
    "payout_below_floor": Words(
        "币安当前赔率低于订单的最低赔率，本单已跳过",
        "Binance's payout is below the order's floor: skipped",
    ),
    "payout_changed": Words(
        "币安赔率已变动，重新读取后仍未能下单",
        "Binance's payout changed and the order could not be placed",
    ),
}
REPORT_PREFIX: Final = "binance_"


def explain_report(error_code: str, error_message: str = "", lang: str = "zh") -> Explained:
    """An event-order execution report's failure for people: ``binance_93420002`` is Binance web
    code 93420002; the client's own reason codes have their words; the rest keep the message."""
    if error_code in CLIENT_REASONS:
        return Explained(CLIENT_REASONS[error_code].in_(lang), "client", error_code, error_message)
    error_message = split_detail(error_message)[1] or error_message
    if error_code.startswith(REPORT_PREFIX):
        code = error_code.removeprefix(REPORT_PREFIX)
        raw = explain_text(error_message, lang)
        message = raw.message if raw.venue else error_message
        if code.isdigit() or ("binance_web", code) in CATALOGUE:
            return explain("binance_web", code, message, lang)
        kind = getattr(e, code, None)
        if isinstance(kind, type) and issubclass(kind, e.ExchangeError):
            return explain("binance_web", "", message, lang, kind=kind)
    if not error_code:
        return explain_text(error_message, lang)
    return Explained(error_message or error_code, "", error_code, error_message)
