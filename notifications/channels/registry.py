"""The platforms by channel kind: their request builder, reply reader and published limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from notifications.channels import dingtalk, feishu, telegram, webhook, wecom
from notifications.channels.base import Message, OutboundRequest, RateLimit, Target, Verdict


@dataclass(frozen=True)
class Platform:
    kind: str
    build: Callable[[Target, Message, float], OutboundRequest]
    classify: Callable[[int, bytes], Verdict]
    limits: tuple[RateLimit, ...]


def _platform(kind: str, module: ModuleType) -> Platform:
    return Platform(kind, module.build, module.classify, module.LIMITS)


PLATFORMS: dict[str, Platform] = {
    "dingtalk": _platform("dingtalk", dingtalk),
    "wecom": _platform("wecom", wecom),
    "feishu": _platform("feishu", feishu),
    "telegram": _platform("telegram", telegram),
    "webhook": _platform("webhook", webhook),
}


def platform(kind: str) -> Platform:
    try:
        return PLATFORMS[kind]
    except KeyError:
        raise KeyError(f"unknown channel kind {kind!r}") from None
