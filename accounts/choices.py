"""Enumerations of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TraderStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    EXPIRED = "expired", _("已过期")
    DISABLED = "disabled", _("已禁用")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("登出")
    LOGIN_REFUSED = "login_refused", _("登录被拒")
    TRADER_CREATED = "trader_created", _("创建交易员")
    TRADER_CHANGED = "trader_changed", _("修改交易员")
    TRADER_EXTENDED = "trader_extended", _("延长有效期")
    TRADER_DISABLED = "trader_disabled", _("禁用交易员")
    TRADER_ENABLED = "trader_enabled", _("启用交易员")
    DEVICE_CHANGED = "device_changed", _("设备变更")
    LOCK_CLEARED = "lock_cleared", _("解除登录锁定")
    SESSION_REVOKED = "session_revoked", _("撤销会话")
    CREDENTIAL_CHANGED = "credential_changed", _("交易所密钥变更")
    ALPHA_RISK_ACCEPTED = "alpha_risk_accepted", _("接受 Alpha 刷量风险提示")


class SessionEndReason(models.TextChoices):
    LOGOUT = "logout", _("主动登出")
    EXPIRED = "expired", _("会话到期")
    REVOKED = "revoked", _("被管理员撤销")
    PASSWORD_CHANGED = "password_changed", _("密码已修改")
    DISABLED = "disabled", _("账号被禁用")
    ACCOUNT_EXPIRED = "account_expired", _("账号到期")
    DEVICE_REVOKED = "device_revoked", _("设备被撤销")


class Venue(models.TextChoices):
    BINANCE = "binance", "Binance"
    BITGET = "bitget", "Bitget"


class Environment(models.TextChoices):
    PROD = "prod", _("主网")
    TEST = "test", _("测试网")
    DEMO = "demo", _("模拟盘")
    SIM = "sim", _("模拟器")
