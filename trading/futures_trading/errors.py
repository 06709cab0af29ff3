"""Refusal codes of the futures trading API, declared once in the one catalogue
(``kernel.refusals``); services raise them as ``Refused``. A venue error passes the venue's own
words through as the ``reason``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import refusal

NO_FUTURES_KEY = refusal("no_futures_key", 409, _("请先绑定合约 API Key"))
TRADE_NOT_FOUND = refusal("not_found", 404, _("交易不存在"))
KEY_CAN_WITHDRAW = refusal(
    "key_can_withdraw",
    400,
    _(
        "此 API Key 开启了提现权限，请关闭提现、只开启读取和合约交易，并把服务器 IP 加入白名单后重新绑定。"
    ),
)
BUSY = refusal("busy", 409, _("该仓位正在处理中，请稍后再试。"))  # another worker holds the trade
VENUE_ERROR = refusal("venue_error", 502, "%(reason)s")  # the venue's own words
