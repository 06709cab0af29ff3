"""Decimal parsing and the venues' number formats (Binance 8-dp strings, Bitget plain strings)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

ZERO = Decimal(0)
_EIGHT = Decimal("0.00000001")


def parse_decimal(text: str) -> Decimal | None:
    """A finite, plain decimal from a wire string (``"1.5"``), else None (no exponents, no NaN)."""
    if not text or len(text) > 40 or "e" in text or "E" in text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def decimals_of(value: Decimal) -> int:
    """How many fractional digits a parsed value carries (``"1.50"`` → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def fmt8(value: Decimal) -> str:
    """Binance style: always 8 decimals (``"0.00100000"``)."""
    return f"{value.quantize(_EIGHT, ROUND_DOWN):f}"


def plain(value: Decimal) -> str:
    """Bitget style: no exponent, no trailing zeros (``"0.001"``, ``"65000"``)."""
    if value == 0:
        return "0"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of ``step`` (step 0 = no rounding)."""
    if step == 0:
        return value
    return (value // step) * step
