"""Which payout ratio to send for an event order (pure).

The operator's ratio on an order is a FLOOR: Binance offers a ratio per symbol and time increment
that changes without notice, and refuses any other (93420010). The client sends the venue's
current offer when it is at or above the floor, and skips the order (``payout_below_floor``)
when it is below. When the venue's offer cannot be read, the floor itself is sent (the venue then
accepts it or refuses it with 93420010; docs/event_orders.md, "Payout ratio").
"""

from __future__ import annotations

from decimal import Decimal

BELOW_FLOOR = "payout_below_floor"


def payout_to_send(offer: Decimal | None, floor: Decimal) -> Decimal | None:
    """The ratio to place with, or ``None``: skip the order (the offer is below the floor)."""
    if offer is None:
        return floor
    return offer if offer >= floor else None
