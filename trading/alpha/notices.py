"""Notification kinds of the Alpha bot (registered from ``AlphaConfig.ready``)."""

from __future__ import annotations

from notifications.choices import Severity
from notifications.kinds import Kind, register

PAUSED = register(
    Kind(
        code="alpha.paused",
        severity=Severity.WARNING,
        title_zh="Alpha 刷量已暂停：{token}",
        title_en="Alpha bot paused: {token}",
        body_zh="{trader} 的 {token} 机器人已暂停（第 {cycle} 轮）：{reason_zh}。{detail}"
        "请检查后在客户端点击「继续」。",
        body_en="{trader}'s {token} bot paused (cycle {cycle}): {reason_en}. {detail}"
        "Check, then press Resume in the client.",
    )
)
AUTH_EXPIRED = register(
    Kind(
        code="alpha.auth_expired",
        severity=Severity.CRITICAL,
        title_zh="币安登录已过期：请重新扫码绑定",
        title_en="Binance login expired: please bind by QR again",
        body_zh="{trader} 的币安网页登录已过期，{token} 机器人已暂停。请在客户端重新扫码绑定并托管到服务器，"
        "然后点击「继续」。",
        body_en="{trader}'s Binance web login expired; the {token} bot is paused. Bind by QR "
        "again in the client, host the session on the server, then press Resume.",
    )
)
TARGET_REACHED = register(
    Kind(
        code="alpha.target_reached",
        severity=Severity.INFO,
        title_zh="Alpha 刷量已达目标：{token}",
        title_en="Alpha volume target reached: {token}",
        body_zh="{trader} 的 {token} 机器人已达目标：计量成交额 {counted} USDT，共 {cycles} 轮，"
        "磨损 {cost} USDT。",
        body_en="{trader}'s {token} bot reached its target: counted volume {counted} USDT in "
        "{cycles} cycles, wear {cost} USDT.",
    )
)
