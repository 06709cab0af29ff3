"""The rules of an event order's fields, in one place: every create path in ``orders.services``
(single, batch, template) and every admin form checks through :func:`order_fields_validate`, so a
form refuses exactly what the service would and shows why next to the field."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.refusals import Refused
from kernel.runtime_config import config_get
from orders.choices import Direction, TimeIncrement
from orders.errors import INVALID_ORDER
from orders.models import EventSymbol, validate_symbol

MAX_VALIDITY_S = 7 * 86400

# The one statement of each order rule; the admin forms show it next to the field it refuses.
ORDER_FIELD_RULES = {
    "symbols": _("交易对不在允许列表中或未启用"),
    "directions": _("方向只能是 LONG 或 SHORT"),
    "time_increment": _("周期无效"),
    "validity_seconds": _("有效期须在 1 到 604800 秒之间"),
    "payout_ratio": _("赔率须大于 0 且小于 10"),
}


@dataclass(frozen=True)
class OrderFields:
    """Validated order fields: symbols × directions, knob defaults filled in."""

    symbols: list[str]
    directions: list[str]
    time_increment: str
    validity_seconds: int
    payout_ratio: Decimal


def order_fields_validate(
    *,
    symbols: list[str],
    directions: list[str],
    time_increment: str,
    validity_seconds: int | None = None,
    payout_ratio: Decimal | None = None,
    active_symbols_only: bool = True,
) -> OrderFields:
    """Check the fields of one order or a batch (``None`` = the knob default), creating nothing.

    Every create path (single, batch, template) and every admin form goes through this, so a form
    refuses exactly what the service would. Raises ``Refused(INVALID_ORDER, {field: value})``
    naming every refused field (keys of ``ORDER_FIELD_RULES``). Templates pass
    ``active_symbols_only=False``: a symbol may be switched off and on again after it is saved.
    Symbols must be in Binance's form (:func:`symbol_is_valid`) either way."""
    symbols = [s.strip().upper() for s in symbols if s and s.strip()]
    directions = [d.strip().upper() for d in directions if d and d.strip()]
    validity = _validity(
        validity_seconds if validity_seconds is not None else config_get("event_default_validity_s")
    )
    ratio = _ratio(payout_ratio if payout_ratio is not None else config_get("event_payout_ratio"))
    bad: dict[str, object] = {}
    refused = [s for s in symbols if not symbol_is_valid(s)]
    if active_symbols_only:
        refused += [s for s in _inactive(symbols) if s not in refused]
    if not symbols or refused:
        bad["symbols"] = refused
    if not directions or any(d not in Direction.values for d in directions):
        bad["directions"] = directions
    if time_increment not in TimeIncrement.values:
        bad["time_increment"] = time_increment
    if validity is None:
        bad["validity_seconds"] = validity_seconds
    if ratio is None:
        bad["payout_ratio"] = str(payout_ratio)
    if bad:
        raise Refused(INVALID_ORDER, bad)
    return OrderFields(symbols, directions, time_increment, validity, ratio)  # type: ignore[arg-type]


def symbol_is_valid(symbol: str) -> bool:
    """Binance's form: 2–20 uppercase letters or digits (``orders.models.validate_symbol``)."""
    try:
        validate_symbol(symbol)
    except ValidationError:
        return False
    return True


def _inactive(symbols: list[str]) -> list[str]:
    active = set(
        EventSymbol.objects.filter(symbol__in=symbols, is_active=True).values_list(
            "symbol", flat=True
        )
    )
    return [s for s in symbols if s not in active]


def _validity(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_VALIDITY_S else None


def _ratio(raw) -> Decimal | None:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and Decimal("0") < value < Decimal("10") else None


def order_field_errors(exc: Refused) -> dict[str, str]:
    """field → the rule it broke, from an ``INVALID_ORDER`` error (``""`` when no field is named)."""
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    out = {}
    for field, value in detail.items():
        if field in ORDER_FIELD_RULES:
            rule = str(ORDER_FIELD_RULES[field])
            named = field == "symbols" and value and isinstance(value, list)
            out[field] = f"{rule}: {', '.join(value)}" if named else rule
    return out or {"": str(exc.refusal.message)}
