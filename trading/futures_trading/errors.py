"""Refusal codes of the futures trading API, declared once in the one catalogue
(``kernel.refusals``). The venue's and the services' own refusals pass their words through as the
``reason`` (already in the trader's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import refusal

NO_FUTURES_KEY = refusal("no_futures_key", 409, _("请先绑定合约 API Key"))
TRADE_NOT_FOUND = refusal("not_found", 404, _("交易不存在"))
KEY_CAN_WITHDRAW = refusal("key_can_withdraw", 400, "%(reason)s")
VENUE_ERROR = refusal("venue_error", 502, "%(reason)s")
BUSY = refusal("busy", 409, "%(reason)s")
