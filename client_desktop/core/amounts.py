"""The order-amount range the server allows and the check of a typed amount against it. Qt-free.

The range is a runtime knob the admin changes (``event_amount_min`` / ``event_amount_max``); the
server sends it with the trader's settings (``amount_min`` / ``amount_max``) and with every
``amount_out_of_range`` refusal (detail ``{min, max}``). :data:`FALLBACK` (5–200 USDT, the knobs'
defaults) is only used until the server's first answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

OUT_OF_RANGE = "amount_out_of_range"


def _decimal(raw: Any) -> Decimal | None:
    """``raw`` as a finite Decimal, or None (missing, not a number, NaN, infinite)."""
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def bound_text(value: Decimal) -> str:
    """A bound as people write it: ``200.00`` → "200", ``0.50`` → "0.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class AmountRange:
    """The smallest and largest order amount (USDT) the server accepts, both included."""

    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, low: Any, high: Any) -> AmountRange | None:
        """The range from two raw bounds, or None when they are not a sensible range."""
        lo, hi = _decimal(low), _decimal(high)
        if lo is None or hi is None or lo < 0 or lo > hi:
            return None
        return cls(lo, hi)

    @classmethod
    def from_settings(cls, data: Any) -> AmountRange | None:
        """From the settings API's reply (``amount_min`` / ``amount_max``)."""
        if not isinstance(data, Mapping):
            return None
        return cls.of(data.get("amount_min"), data.get("amount_max"))

    @classmethod
    def from_refusal(cls, code: str, detail: Any) -> AmountRange | None:
        """From an ``amount_out_of_range`` refusal's detail ``{min, max}``; None for others."""
        if code != OUT_OF_RANGE or not isinstance(detail, Mapping):
            return None
        return cls.of(detail.get("min"), detail.get("max"))

    def parse(self, text: str) -> Decimal | None:
        """The typed amount if it is a number in this range with at most 2 decimals, else None."""
        value = _decimal(text.strip().replace("，", ".").replace(",", "."))
        if value is None or value.as_tuple().exponent < -2:  # type: ignore[operator]
            return None
        return value if self.low <= value <= self.high else None

    @property
    def low_text(self) -> str:
        return bound_text(self.low)

    @property
    def high_text(self) -> str:
        return bound_text(self.high)

    @property
    def max_length(self) -> int:
        """Characters the amount input needs: the largest amount with 2 decimals, plus room for
        surrounding spaces (never fewer than 8)."""
        return max(8, len(f"{self.high:.2f}") + 2)


FALLBACK = AmountRange(Decimal("5"), Decimal("200"))


@dataclass(frozen=True)
class AmountSettings:
    """The trader's settings as the server sends them: the saved amount and the allowed range."""

    order_amount: Decimal
    range: AmountRange

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AmountSettings:
        """Raises ``ValueError`` when the reply lacks a usable amount or range."""
        amount = _decimal(data.get("order_amount"))
        allowed = AmountRange.from_settings(data)
        if amount is None or allowed is None:
            raise ValueError(f"unexpected settings reply: {dict(data)!r}")
        return cls(amount, allowed)


__all__ = ["FALLBACK", "OUT_OF_RANGE", "AmountRange", "AmountSettings", "bound_text"]
