"""How many event contracts a trader would hold open at once (pure): the venue refuses more than
``VENUE_OPEN_LIMIT`` per account with 93420018 (docs/event_orders.md, "Open-order limit").

Every trader receives every order, so after a creation each trader will hold: the contracts
already placed and not yet settled (a contract runs for its time increment from its placement),
plus the live orders the trader has not reported yet (its client is about to place them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

VENUE_OPEN_LIMIT = 5  # Binance: open event contracts per account (captured 2026)
INCREMENT_S = {"TEN_MINUTE": 600, "THIRTY_MINUTE": 1800, "ONE_HOUR": 3600, "ONE_DAY": 86_400}


def still_open(placed_at: datetime, time_increment: str, now: datetime) -> bool:
    """Whether a contract placed at ``placed_at`` is still running (not settled) at ``now``."""
    return placed_at + timedelta(seconds=INCREMENT_S.get(time_increment, 0)) > now


def open_after_creation(
    placed: Iterable[tuple[datetime, str]], unreported_live: int, now: datetime
) -> int:
    """Open contracts of one trader once it placed every live order: the placed ones still
    running at ``now`` (``(placed_at, time_increment)`` each) plus ``unreported_live``."""
    return sum(1 for at, increment in placed if still_open(at, increment, now)) + unreported_live
