"""Refusal codes of the orders API, declared once in the one catalogue (``kernel.refusals``);
services raise them as ``Refused``, views answer them, the admin shows their message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.refusals import UNAVAILABLE, refusal

NOT_FOUND = refusal("not_found", 404, _("订单不存在"))
NOT_DELIVERED = refusal("not_delivered", 409, _("该订单未分配给您，不能上报"))
AMOUNT_OUT_OF_RANGE = refusal("amount_out_of_range", 400, _("下单金额超出允许范围"))
INVALID_ORDER = refusal("invalid_order", 400, _("订单参数无效"))

__all__ = ["AMOUNT_OUT_OF_RANGE", "INVALID_ORDER", "NOT_DELIVERED", "NOT_FOUND", "UNAVAILABLE"]
