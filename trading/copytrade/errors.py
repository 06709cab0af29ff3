"""Refusal codes of copy trading, declared once in the one catalogue (``kernel.refusals``);
services raise them as ``Refused``, the operator API answers them, the admin shows their message.
The operator login's codes are the staff login's (``accounts.errors``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import refusal

FOLLOWER_DISABLED = refusal("follower_disabled", 409, _("跟单账户已停用，请先验证密钥"))
FOLLOWER_PENDING = refusal(
    "follower_pending", 409, _("跟单账户的密钥正在验证，验证通过后自动开始跟单")
)
FOLLOWER_NOT_FOUND = refusal("not_found", 404, _("跟单账户不存在"))
NO_LEADER = refusal("no_leader", 404, _("尚未设置主账户"))
VENUE_TIMEOUT = refusal("venue_timeout", 504, _("交易所无响应，请稍后重试"))
