"""The precision of a ``DecimalField`` as a typed mapping, so ``DecimalField(**AMOUNT)`` type-checks.

Each trading models module names its precision once (``AMOUNT``, ``MONEY``, ``PRICE``) and unpacks it
into every field; annotated with ``Digits`` the unpacked keys are checked against
``DecimalField.__init__`` instead of being read as arbitrary keyword arguments of type ``int``.
"""

from typing import TypedDict


class Digits(TypedDict):
    """``max_digits`` and ``decimal_places`` of a ``DecimalField``."""

    max_digits: int
    decimal_places: int
