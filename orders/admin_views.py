"""Custom admin pages: batch create and the operations dashboard (with an inline SVG chart —
nothing is loaded from the internet)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from kernel.refusals import Refused
from kernel.runtime_config import config_get
from orders import delivery, services
from orders.core.open_contracts import VENUE_OPEN_LIMIT
from orders.forms import BatchCreateForm
from orders.selectors import Dashboard, dashboard, open_contracts_over_limit
from orders.validation import order_field_errors


def batch_create_view(request):
    """Several symbols × directions in one submit; optionally saved as a template."""
    from django.contrib import admin

    if not request.user.has_perm("orders.add_eventorder"):
        raise PermissionDenied
    form = BatchCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _batch_create(request, form.cleaned_data):
            return redirect("admin:orders_eventorder_changelist")
    if request.method == "GET":
        warn_open_limit(request, extra=1)
    context = {
        **admin.site.each_context(request),
        "title": _("批量创建事件订单"),
        "form": form,
        "opts": _opts(),
    }
    return TemplateResponse(request, "admin/orders/batch_create.html", context)


OPEN_LIMIT_WARNING = _noop(
    "注意：%(n)d 名交易员将同时持有最多 %(max)d 个未结算的事件合约，超过币安每个账户 %(limit)d 个的"
    "上限；超出的订单会被币安拒绝（93420018 未结订单已达上限）：%(names)s"
)


OPEN_LIMIT_AHEAD = _noop(
    "注意：再创建订单会让 %(n)d 名交易员同时持有最多 %(max)d 个未结算的事件合约，超过币安每个账户 "
    "%(limit)d 个的上限；超出的订单会被币安拒绝（93420018 未结订单已达上限）：%(names)s"
)


def warn_open_limit(request, extra: int = 0) -> None:
    """Warn when traders would hold more open event contracts than the venue allows (given the
    increments and the orders still open; ``selectors``): after a creation (``extra`` 0), or on
    the creation forms before one more order (``extra`` 1)."""
    over = open_contracts_over_limit(extra=extra)
    if over:
        names = ", ".join(sorted(over)[:10]) + (" …" if len(over) > 10 else "")
        values = {"n": len(over), "max": max(over.values()), "limit": VENUE_OPEN_LIMIT}
        text = OPEN_LIMIT_AHEAD if extra else OPEN_LIMIT_WARNING
        messages.warning(request, _(text) % {**values, "names": names})


def _opts():
    from orders.models import EventOrder

    return EventOrder._meta


def _batch_create(request, data: dict) -> bool:
    """The orders and the optional template together, all or nothing."""
    try:
        with transaction.atomic():
            orders = services.orders_batch_create(
                symbols=data["symbols"],
                directions=data["directions"],
                time_increment=data["time_increment"],
                validity_seconds=data["validity_seconds"],
                payout_ratio=data["payout_ratio"],
                created_by=request.user,
            )
            if data.get("save_as_template"):
                services.template_save(
                    name=data["save_as_template"],
                    symbols=data["symbols"],
                    directions=data["directions"],
                    time_increment=data["time_increment"],
                    validity_seconds=data["validity_seconds"],
                    payout_ratio=data["payout_ratio"],
                )
    except Refused as exc:  # e.g. a symbol switched off since the form was checked
        messages.error(request, "；".join(order_field_errors(exc).values()))
        return False
    messages.success(request, _("已创建 %(n)d 个订单") % {"n": len(orders)})
    warn_open_limit(request)
    return True


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    colour: str
    label: str
    value: int


CHART_H = 120
DASHBOARD_REFRESH_S = 10  # the page reloads itself, like the copy-trading dashboard
SLOT_W = 28


def hourly_bars(board: Dashboard) -> tuple[list[Bar], int]:
    """Stacked bars (placed green, failed red) per hour for the SVG; returns (bars, width)."""
    peak = max((p + f for _h, p, f in board.hourly), default=0) or 1
    bars: list[Bar] = []
    for i, (hour, placed, failed) in enumerate(board.hourly):
        x = 30 + i * SLOT_W
        hp = round(CHART_H * placed / peak)
        hf = round(CHART_H * failed / peak)
        bars.append(Bar(x, 10 + CHART_H - hp, hp, "#2e7d32", hour, placed))
        bars.append(Bar(x, 10 + CHART_H - hp - hf, hf, "#c62828", hour, failed))
    return bars, 40 + len(board.hourly) * SLOT_W


def dashboard_view(request, admin_site):
    online = delivery.online_count(time.time(), int(config_get("online_window_s")))
    board = dashboard(online)
    bars, width = hourly_bars(board)
    context = {
        **admin_site.each_context(request),
        "title": _("事件合约运营看板"),
        "board": board,
        "bars": bars,
        "labels": [(b.x, b.label) for b in bars[::2]],
        "chart_width": width,
        "chart_height": CHART_H + 30,
        "baseline_y": CHART_H + 10,
        "online_window_s": config_get("online_window_s"),
        "refresh_s": DASHBOARD_REFRESH_S,
        "opts": _opts(),
    }
    return TemplateResponse(request, "admin/orders/dashboard.html", context)
