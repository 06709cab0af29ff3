"""The venue-error catalogue (``trading.exchanges.venue_errors``) on the back office's pages: the
words in the operator's language, the raw venue code and message on hover."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from trading.exchanges.venue_errors import Explained, explain_report, explain_text


def _html(said: Explained) -> SafeString | str:
    if not said.text:
        return "-"
    if not said.detail or said.detail == said.text:
        return said.text
    return format_html(
        '<span class="venue-error" title="{}" style="border-bottom:1px dotted">{}</span>',
        said.detail,
        said.text,
    )


def stored_error_html(raw: str) -> SafeString | str:
    """A stored ``str(ExchangeError)`` (copy executions, followers) for the operator."""
    return _html(explain_text(raw or "", get_language()))


def report_error_html(error_code: str, error_message: str = "") -> SafeString | str:
    """An event-order execution report's failure for the operator."""
    if not error_code and not error_message:
        return "-"
    return _html(explain_report(error_code, error_message, get_language()))
