"""Refusal codes of the orders API (same shape as accounts.errors: code, HTTP status, message)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.errors import Refusal

NOT_FOUND = Refusal("not_found", 404, _("订单不存在"))
NOT_DELIVERED = Refusal("not_delivered", 409, _("该订单未分配给您，不能上报"))
AMOUNT_OUT_OF_RANGE = Refusal("amount_out_of_range", 400, _("下单金额超出允许范围"))
INVALID_ORDER = Refusal("invalid_order", 400, _("订单参数无效"))
UNAVAILABLE = Refusal("service_unavailable", 503, _("服务暂不可用，请稍后重试"))


class OrderError(Exception):
    """Raised by orders services; views turn it into the API error shape, the admin into a
    message."""

    def __init__(self, refusal: Refusal, detail: object = None) -> None:
        super().__init__(f"{refusal.code}: {detail}" if detail else refusal.code)
        self.refusal = refusal
        self.detail = detail
