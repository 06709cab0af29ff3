"""Refusal codes of login and session checks: machine code, HTTP status, message in the trader's
language (the client shows the message; it branches on the code)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from backoffice.api.errors import ApiError


@dataclass(frozen=True)
class Refusal:
    code: str
    status: int
    message: object

    def error(self, detail: object = None) -> ApiError:
        return ApiError(self.code, self.message, self.status, detail)


INVALID_CREDENTIALS = Refusal("invalid_credentials", 401, _("用户名或密码错误"))
ACCOUNT_EXPIRED = Refusal("account_expired", 403, _("账号已过期，请联系管理员"))
ACCOUNT_DISABLED = Refusal("account_disabled", 403, _("账号已被禁用，请联系管理员"))
DEVICE_NOT_ALLOWED = Refusal("device_not_allowed", 403, _("此设备未获授权，请将设备ID发给管理员"))
LOGIN_LOCKED = Refusal("login_locked", 429, _("登录失败次数过多，请稍后再试"))
INVALID_TOKEN = Refusal("invalid_token", 401, _("登录凭证无效，请重新登录"))
SESSION_EXPIRED = Refusal("session_expired", 401, _("登录已超过24小时，请重新登录"))
NOT_AUTHENTICATED = Refusal("not_authenticated", 401, _("请先登录"))


class RefusedError(Exception):
    """Raised by services; views turn it into the API error shape."""

    def __init__(self, refusal: Refusal, detail: object = None, lang: str | None = None) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal
        self.detail = detail
        self.lang = lang  # the trader's language, when known: the message is shown in it
