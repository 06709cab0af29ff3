"""The body of an execution report, checked without DRF (the report answers ~1,000 clients in the
second after an order goes out, so it is served in front of Django, see ``orders.hotpath``).

``report_fields(body)`` returns the service's keyword arguments or raises ``Refused`` with the
API's validation shape: ``malformed_request`` for a body that is not a JSON object, else
``invalid_input`` with ``detail = {field: [message, …]}``. The rules are those of
``orders.serializers.ExecutionIn`` (which documents the same body in the OpenAPI schema).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from kernel.refusals import INVALID_INPUT, MALFORMED, Refused
from orders.choices import Outcome

TEXT_LIMITS = {"binance_order_id": 64, "error_code": 64, "error_message": 2000}
MAX_LATENCY_MS = 86_400_000
AMOUNT_DIGITS, AMOUNT_PLACES = 12, 2


def report_fields(body: bytes) -> dict[str, Any]:
    """Parse and check a report body (see the module docstring)."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Refused(MALFORMED) from None
    if not isinstance(data, dict):
        raise Refused(MALFORMED)
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, check in _CHECKS.items():
        try:
            out[name] = check(data.get(name))
        except ValueError as exc:
            errors[name] = [str(exc.args[0])]
    if errors:
        raise Refused(INVALID_INPUT, errors)
    return out


def is_json_media(content_type: str) -> bool:
    """``application/json`` (any parameters, e.g. ``; charset=utf-8``): a report is JSON."""
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def _outcome(value: Any) -> str:
    if value is None:
        raise ValueError(_("必填项"))
    if value not in Outcome.values:
        raise ValueError(_("无效的结果，可选：placed、failed、skipped_expired"))
    return str(value)


def _text(name: str):
    limit = TEXT_LIMITS[name]

    def check(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(_("必须是文本"))
        if len(value) > limit:
            raise ValueError(_("最多 %(n)d 个字符") % {"n": limit})
        if not _encodable(value):
            raise ValueError(_("包含无效字符"))
        return value

    return check


def _encodable(value: str) -> bool:
    """Text the database can store: a lone surrogate (``"\\ud800"``) is valid JSON, not UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(_("必须是数字"))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("必须是数字")) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("必须是数字"))
    exponent = amount.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > AMOUNT_PLACES or amount.adjusted() + 1 > AMOUNT_DIGITS - AMOUNT_PLACES:
        raise ValueError(_("金额最多两位小数，且不超过 10 位整数"))
    return amount


def _latency(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("必须是整数"))
    if not 0 <= value <= MAX_LATENCY_MS:
        raise ValueError(_("必须在 0 到 86400000 之间"))
    return value


_CHECKS = {
    "outcome": _outcome,
    "binance_order_id": _text("binance_order_id"),
    "error_code": _text("error_code"),
    "error_message": _text("error_message"),
    "amount": _amount,
    "latency_ms": _latency,
}
