"""``{% load venue_words %}``: ``{{ code|report_error:message }}`` and ``{{ raw|stored_error }}``."""

from django import template

from backoffice.venue_words import report_error_html, stored_error_html

register = template.Library()


@register.filter
def report_error(error_code: str, error_message: str = ""):
    return report_error_html(error_code or "", error_message or "")


@register.filter
def stored_error(raw: str):
    return stored_error_html(raw or "")
