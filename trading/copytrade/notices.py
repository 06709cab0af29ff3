"""Copy trading's notifications: the kinds (registered at app start) and the calls the copy path
makes. Operators (staff holding ``copytrade.operate``) receive them. Each key names one occurrence,
so a replayed fan-out or a retried task notifies once."""

from __future__ import annotations

import time
from collections.abc import Iterable

from notifications.choices import Severity
from notifications.kinds import Kind, register
from notifications.recipients import Recipient
from notifications.services import notify
from trading.copytrade.core.sizing import SkipReason
from trading.copytrade.models import OPERATE_PERMISSION

OPERATORS = [Recipient.permission(OPERATE_PERMISSION)]
# Skips an operator must act on (a stale balance cache means the poller/stream is not working;
# missing symbol rules mean the venue is unreachable). Too-small balances are normal, not news.
ACTIONABLE_SKIPS = frozenset({SkipReason.BALANCE_UNKNOWN, "rules_unavailable"})

FOLLOWER_DISABLED = register(
    Kind(
        code="copytrade.follower_disabled",
        severity=Severity.CRITICAL,
        title_zh="跟单账户已停用：{follower}",
        title_en="Follower disabled: {follower}",
        body_zh="{venue} 拒绝了跟单账户「{follower}」的 API 密钥，该账户已停用，不再跟单。错误：{error}。请更新密钥并点“验证”。",
        body_en="{venue} refused the API key of follower “{follower}”; it is disabled and no longer copies. Error: {error}. Update the key and verify it.",
    )
)
COPY_FAILED = register(
    Kind(
        code="copytrade.copy_failed",
        severity=Severity.WARNING,
        title_zh="跟单失败：{follower}",
        title_en="Copy failed: {follower}",
        body_zh="主单 {leader_order}（{side}）复制到「{follower}」失败（状态 {status}）：{error}",
        body_en="Copying leader order {leader_order} ({side}) to “{follower}” failed (status {status}): {error}",
    )
)
COPY_SKIPPED = register(
    Kind(
        code="copytrade.copy_skipped",
        severity=Severity.WARNING,
        title_zh="跟单被跳过：{count} 个账户（{reason}）",
        title_en="Copies skipped: {count} followers ({reason})",
        body_zh="主单 {leader_order}（{side}）有 {count} 个跟单账户被跳过，原因 {reason}：{followers}。{hint}",
        body_en="Leader order {leader_order} ({side}) was not copied to {count} followers, reason {reason}: {followers}. {hint}",
    )
)
LEADER_DISCONNECTED = register(
    Kind(
        code="copytrade.leader_disconnected",
        severity=Severity.CRITICAL,
        title_zh="主账户数据流断开超过 {seconds} 秒",
        title_en="Leader stream down for over {seconds} s",
        body_zh="主账户的用户数据流状态为 {state}（{detail}），已持续 {seconds} 秒；此期间主单不会被复制。请检查 run_streams 进程与主账户密钥。",
        body_en="The leader's user-data stream is {state} ({detail}) for {seconds} s; leader orders are not copied meanwhile. Check the run_streams process and the leader's key.",
    )
)
COPY_STOPPED = register(
    Kind(
        code="copytrade.copy_stopped",
        severity=Severity.WARNING,
        title_zh="跟单已停止",
        title_en="Copy trading stopped",
        body_zh="跟单总开关已关闭：主单仍会记录，但不再复制给跟单账户。",
        body_en="The copy-trading switch is off: leader orders are still recorded but no longer copied.",
    )
)
COPY_STARTED = register(
    Kind(
        code="copytrade.copy_started",
        severity=Severity.INFO,
        title_zh="跟单已开始",
        title_en="Copy trading started",
        body_zh="跟单总开关已打开：主单将复制给所有跟单中的账户。",
        body_en="The copy-trading switch is on: leader orders are copied to every active follower.",
    )
)
SKIP_HINTS = {
    SkipReason.BALANCE_UNKNOWN: (
        "余额缓存过期：请检查余额轮询/数据流。",
        "The balance cache is stale: check the balance poller / stream.",
    ),
    "rules_unavailable": (
        "无法获取交易规则：交易所可能不可达。",
        "Symbol rules unavailable: the venue may be unreachable.",
    ),
}


def follower_disabled(*, follower_id: int, name: str, venue: str, error: str, cause: str) -> None:
    """A follower went DISABLED because its key was refused (``cause`` names the occurrence:
    ``ev<event id>`` from the fan-out, ``verify<ms>`` from a key check)."""
    notify(
        kind=FOLLOWER_DISABLED.code,
        key=f"follower:{follower_id}:disabled:{cause}",
        recipients=OPERATORS,
        context={"follower": name, "venue": venue, "error": error[:300]},
    )


def copy_failed(
    *, execution_id: int, follower: str, leader_order: str, side: str, status: str, error: str
) -> None:
    notify(
        kind=COPY_FAILED.code,
        key=f"copy:{execution_id}:{status}",
        recipients=OPERATORS,
        context={
            "follower": follower,
            "leader_order": leader_order,
            "side": side,
            "status": status,
            "error": error[:300],
        },
    )


def copies_skipped(
    *, event_id: int, leader_order: str, side: str, skipped: Iterable[tuple[str, str]]
) -> None:
    """One notification per (event, actionable reason) with the followers it hit."""
    by_reason: dict[str, list[str]] = {}
    for name, reason in skipped:
        if reason in ACTIONABLE_SKIPS:
            by_reason.setdefault(reason, []).append(name)
    for reason, names in by_reason.items():
        shown = "、".join(names[:5]) + (f" …(+{len(names) - 5})" if len(names) > 5 else "")
        hint_zh, _hint_en = SKIP_HINTS.get(reason, ("", ""))
        notify(
            kind=COPY_SKIPPED.code,
            key=f"event:{event_id}:skipped:{reason}",
            recipients=OPERATORS,
            context={
                "count": len(names),
                "reason": reason,
                "followers": shown,
                "leader_order": leader_order,
                "side": side,
                "hint": hint_zh,
            },
        )


def running_changed(*, running: bool) -> None:
    kind = COPY_STARTED if running else COPY_STOPPED
    notify(
        kind=kind.code,
        key=f"copy:running:{int(time.time() * 1000)}",
        recipients=OPERATORS,
        context={},
    )


def leader_stream_check(*, now: float | None = None, after_s: float | None = None) -> bool:
    """Watcher (every 30 s): the leader stream not ``connected`` for longer than the knob
    ``notify_leader_down_s`` → one notification per outage (keyed by when it began). Nothing
    while copying is stopped or no leader is configured."""
    from kernel.runtime_config import config_get
    from trading.copytrade.selectors import leader_active, leader_down_since
    from trading.copytrade.services.followers import copy_is_running

    now = now if now is not None else time.time()
    after_s = after_s if after_s is not None else float(config_get("notify_leader_down_s"))
    if not copy_is_running() or leader_active() is None:
        return False
    down = leader_down_since()
    if down is None or now - down.since < after_s:
        return False
    notify(
        kind=LEADER_DISCONNECTED.code,
        key=f"leader:down:{int(down.since)}",
        recipients=OPERATORS,
        context={
            "seconds": int(now - down.since),
            "state": down.state,
            "detail": down.detail or "-",
        },
    )
    return True
