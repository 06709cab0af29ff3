"""DB-backed runtime knobs (NetBox-style): declared once here with type and default, overridden in the
admin (``RuntimeSetting`` rows), read through ``config_get`` with a short per-process cache.

The rows are the back office's model; the kernel imports no app, so it finds the model through
Django's app registry (``apps.get_model``) instead of importing ``backoffice.models``.

Every knob of every product is declared in this one table so an operator sees them all in one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def _bool(v: str) -> bool:
    if v.lower() in ("1", "true", "yes", "on"):
        return True
    if v.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(v)


def _settlement_period(v: str) -> str:
    if v not in ("daily", "weekly", "monthly"):
        raise ValueError(v)
    return v


@dataclass(frozen=True)
class Knob:
    """A runtime setting: its parser, default and a description for the admin."""

    key: str
    parse: Callable[[str], Any]
    default: str
    help: Any


KNOBS: dict[str, Knob] = {
    k.key: k
    for k in [
        Knob("event_payout_ratio", Decimal, "0.80", _("事件合约默认赔率")),
        Knob("event_amount_min", Decimal, "5", _("单笔下单金额下限 (USDT)")),
        Knob("event_amount_max", Decimal, "200", _("单笔下单金额上限 (USDT)")),
        Knob("event_default_validity_s", int, "60", _("事件订单默认有效期（秒）")),
        Knob("login_max_failures", int, "5", _("锁定前允许的连续登录失败次数")),
        Knob("login_lock_minutes", int, "15", _("登录锁定时长（分钟）")),
        Knob("copy_running", _bool, "false", _("跟单总开关")),
        Knob("online_window_s", int, "10", _("多少秒内拉单视为在线")),
        Knob("copy_fanout_chunk", int, "100", _("跟单扇出每个任务的跟单账户数")),
        Knob("notify_leader_down_s", int, "60", _("主账户数据流断开多少秒后通知")),
        Knob("notify_health_down_s", int, "120", _("健康检查失败多少秒后通知")),
        Knob("notify_expiry_days", int, "3", _("账户到期前多少天通知")),
        Knob("notify_binding_hours", int, "24", _("币安绑定到期前多少小时通知")),
        Knob("notify_fail_rate", Decimal, "0.30", _("近 10 分钟下单失败率超过多少时通知")),
        Knob("notify_fail_min_reports", int, "10", _("计算失败率所需的最少回报数")),
        Knob("signals_fee_bps", Decimal, "5", _("合约信号评分：每边吃单手续费（基点）")),
        Knob("signals_market_env", str, "prod", _("合约信号行情来源环境 (prod/test/demo/sim)")),
        Knob("futures_isolated_margin", _bool, "true", _("合约：新开仓使用逐仓保证金")),
        Knob(
            "futures_max_position_notional",
            Decimal,
            "5000",
            _("合约：单币种最大持仓名义价值 (USDT)"),
        ),
        Knob("futures_max_leverage", int, "20", _("合约：杠杆上限")),
        Knob("futures_max_trades_per_day", int, "10", _("合约：每日最多开仓笔数")),
        Knob("futures_require_stop_loss", _bool, "true", _("合约：必须设置止损")),
        Knob("futures_max_loss_per_trade_pct", Decimal, "2", _("合约：单笔止损亏损上限（钱包 %）")),
        Knob("futures_daily_loss_limit_pct", Decimal, "5", _("合约：每日亏损上限（钱包 %）")),
        Knob("futures_sl_streak_limit", int, "3", _("合约：连续止损几次后冷却")),
        Knob("futures_sl_cooldown_minutes", int, "240", _("合约：连续止损后冷却分钟数")),
        Knob("futures_min_order_notional", Decimal, "50", _("合约：非只减仓单最低名义价值 (USDT)")),
        Knob("futures_min_order_interval_s", int, "5", _("合约：同一合约两次下单最短间隔（秒）")),
        Knob(
            "futures_settlement_period",
            _settlement_period,
            "weekly",
            _("合约分成：结算周期 daily/weekly/monthly"),
        ),
        Knob("futures_share_ratio_default", Decimal, "0.70", _("合约分成：无历史记录时的平台比例")),
        Knob("futures_loss_carry_forward", _bool, "true", _("合约分成：亏损结转至下期")),
    ]
}

_CACHE_TTL = 2.0
_cache: dict[str, tuple[float, Any]] = {}


def validate(key: str, raw: str) -> Any:
    """Parse ``raw`` for ``key``; raises ``ValidationError`` with a readable message."""
    knob = KNOBS.get(key)
    if knob is None:
        raise ValidationError(_("未知参数：%(key)s"), params={"key": key})
    try:
        return knob.parse(raw)
    except (ValueError, InvalidOperation) as exc:
        raise ValidationError(
            _("参数 %(key)s 的值无效：%(raw)s"), params={"key": key, "raw": raw}
        ) from exc


def config_get(key: str) -> Any:
    """The current value of a knob (DB override or default), cached for 2 seconds per process."""
    hit = _cache.get(key)
    now = time.monotonic()
    if hit and now - hit[0] < _CACHE_TTL:
        return hit[1]
    value = config_stored(key)
    _cache[key] = (now, value)
    return value


def config_stored(key: str) -> Any:
    """The knob's value as stored right now (no cache): for a service that must compare before it
    writes, inside its own transaction."""
    row = _rows().filter(key=key).values_list("value", flat=True).first()
    return validate(key, row if row is not None else KNOBS[key].default)


def config_set(key: str, raw: str) -> Any:
    """Service: validate and store an override (used by the admin and by tests)."""
    value = validate(key, raw)
    _rows().update_or_create(key=key, defaults={"value": raw})
    _cache.pop(key, None)
    return value


def clear_cache() -> None:
    _cache.clear()


def _rows() -> models.QuerySet:
    """The ``RuntimeSetting`` rows (``backoffice.models``), looked up by name: see the module doc."""
    return apps.get_model("backoffice", "RuntimeSetting")._default_manager.all()
