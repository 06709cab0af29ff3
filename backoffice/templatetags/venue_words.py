"""``{% load venue_words %}``: ``{{ code|report_error:message }}`` and ``{{ raw|stored_error }}``."""

from django import template

from kernel.venue_words import report_error_html, stored_error_html

register = template.Library()


@register.filter
def report_error(error_code: str, error_message: str = ""):
    return report_error_html(error_code or "", error_message or "")


@register.filter
def stored_error(raw: str):
    return stored_error_html(raw or "")


@register.filter
def skip_words(code: str):
    """A copy's skip reason in words (the code stays on hover)."""
    from django.utils.html import format_html

    from trading.copytrade.choices import SKIP_REASON_LABELS

    if not code:
        return "-"
    label = SKIP_REASON_LABELS.get(code)
    return format_html('<span title="{}">{}</span>', code, label) if label else code
