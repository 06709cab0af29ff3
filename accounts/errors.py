"""Refusal codes of login and session checks: machine code, HTTP status, message in the trader's
language (the client shows the message; it branches on the code). Declared once in the one
catalogue (``kernel.refusals``); services raise them as ``Refused``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import INVALID_TOKEN, NOT_AUTHENTICATED, refusal

INVALID_CREDENTIALS = refusal("invalid_credentials", 401, _("用户名或密码错误"))
ACCOUNT_EXPIRED = refusal("account_expired", 403, _("账号已过期，请联系管理员"))
ACCOUNT_DISABLED = refusal("account_disabled", 403, _("账号已被禁用，请联系管理员"))
DEVICE_NOT_ALLOWED = refusal("device_not_allowed", 403, _("此设备未获授权，请将设备ID发给管理员"))
LOGIN_LOCKED = refusal("login_locked", 429, _("登录失败次数过多，请稍后再试"))
SESSION_EXPIRED = refusal("session_expired", 401, _("登录已超过24小时，请重新登录"))

# Staff logins (``accounts.staff_login``) as the copy operators' API answers them.
NOT_OPERATOR = refusal("not_operator", 403, _("该用户没有跟单操作权限"))
OTP_REQUIRED = refusal("otp_required", 401, _("请输入两步验证的动态验证码"))
OTP_INVALID = refusal("otp_invalid", 401, _("动态验证码错误"))
OTP_SETUP_REQUIRED = refusal("otp_setup_required", 403, _("请先在后台设置两步验证"))
STAFF_REFUSALS = {
    "login_locked": LOGIN_LOCKED,
    "invalid_credentials": INVALID_CREDENTIALS,
    "not_staff": NOT_OPERATOR,
    "otp_required": OTP_REQUIRED,
    "otp_invalid": OTP_INVALID,
    "otp_setup_required": OTP_SETUP_REQUIRED,
}

__all__ = [
    "ACCOUNT_DISABLED",
    "ACCOUNT_EXPIRED",
    "DEVICE_NOT_ALLOWED",
    "INVALID_CREDENTIALS",
    "INVALID_TOKEN",
    "LOGIN_LOCKED",
    "NOT_AUTHENTICATED",
    "SESSION_EXPIRED",
    "STAFF_REFUSALS",
]
