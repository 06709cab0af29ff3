"""Why a bot paused (pure: no Django). The admin and the client show the label; each pause sends
one notification of kind ``alpha.paused`` naming the reason."""

from __future__ import annotations

from enum import StrEnum


class PauseReason(StrEnum):
    STREAM_DISCONNECTED = "stream_disconnected"
    STREAM_SILENT = "stream_silent"
    PRICE_SWING = "price_swing"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    AUTH_EXPIRED = "auth_expired"
    RATE_LIMITED = "rate_limited"
    OPEN_ORDER_LIMIT = "open_order_limit"
    TOKEN_UNAVAILABLE = "token_unavailable"
    PRECISION_FAILED = "precision_failed"
    WEAR_CAP = "wear_cap"
    ORDER_REFUSED = "order_refused"
    LEFTOVER_UNSOLD = "leftover_unsold"
    MANUAL = "manual"


# zh first (the default), en second: the admin, the API and the notification all use these.
LABELS: dict[PauseReason, tuple[str, str]] = {
    PauseReason.STREAM_DISCONNECTED: ("行情或订单推送断开", "price or order stream disconnected"),
    PauseReason.STREAM_SILENT: ("行情或订单推送无响应", "price or order stream silent"),
    PauseReason.PRICE_SWING: (
        "1 分钟内价格波动超过上限",
        "price moved past the threshold in 1 min",
    ),
    PauseReason.INSUFFICIENT_BALANCE: ("余额不足以按设定金额下单", "balance below the order size"),
    PauseReason.AUTH_EXPIRED: (
        "登录已过期，请重新扫码绑定",
        "login expired, please bind by QR again",
    ),
    PauseReason.RATE_LIMITED: ("请求过于频繁（429）", "rate limited (429)"),
    PauseReason.OPEN_ORDER_LIMIT: (
        "挂单数量已达上限（93420018）",
        "open-order limit reached (93420018)",
    ),
    PauseReason.TOKEN_UNAVAILABLE: ("代币已下线或暂停交易", "token offline or not tradable"),
    PauseReason.PRECISION_FAILED: ("无法获取交易精度", "precision lookup failed"),
    PauseReason.WEAR_CAP: ("累计磨损已达上限", "wear cap reached"),
    PauseReason.ORDER_REFUSED: ("订单被拒绝", "order refused"),
    PauseReason.LEFTOVER_UNSOLD: ("剩余代币未能卖出", "leftover tokens not sold"),
    PauseReason.MANUAL: ("手动暂停", "paused by hand"),
}


def label(reason: PauseReason | str, lang: str = "zh") -> str:
    zh, en = LABELS[PauseReason(reason)]
    return en if lang == "en" else zh
