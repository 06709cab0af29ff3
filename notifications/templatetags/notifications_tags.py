"""``{% notifications_link %}``: the staff user's unread count in the admin header, linking to
their notification list (one COUNT query per admin page)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from notifications.selectors import unread_count, user_ref

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_link(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_active and user.is_staff):
        return ""
    count = unread_count(recipient=user_ref(user.pk))
    url = reverse("admin:notifications_notification_changelist") + "?read_at__isempty=1"
    style = "background:#c62828;color:#fff;border-radius:8px;padding:0 6px;margin-left:2px"
    if count:
        return format_html(
            '<a href="{}">{} <span id="notif-unread" style="{}">{}</span></a> / ',
            url,
            _("通知"),
            style,
            count,
        )
    return format_html('<a href="{}">{}</a> / ', url, _("通知"))
