"""Reconcile an order whose placement outcome is unknown, by looking it up by client order id.

docs/protocols.md §10: after a timeout / 5xx / -1007 / duplicate-id answer the order may or may not
exist, and a fresh order can be briefly "not found". So we retry the LOOKUP (never the placement)
with backoff. Outcomes:

- the venue knows the order → its :class:`OrderResult`;
- every lookup answered "not found" for the whole window → :class:`NotPlaced` is raised (nothing
  executed; the caller may place again with the same id);
- lookups kept failing without a definite answer → :class:`OutcomeUnknown` is raised again: we
  still do not know, and must not pretend we do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from trading.exchanges.errors import (
    NotPlaced,
    OrderNotFound,
    OutcomeUnknown,
    RateLimited,
    TemporaryError,
)
from trading.exchanges.types import OrderResult

Lookup = Callable[[str], Awaitable[OrderResult]]

DEFAULT_ATTEMPTS = 6
DEFAULT_BACKOFF = 0.25


def lookup_delays(
    attempts: int, backoff: float, factor: float = 2.0, cap: float = 4.0
) -> list[float]:
    """Waits before lookup 2..attempts: ``backoff, backoff*factor, …`` capped at ``cap``."""
    return [min(cap, backoff * factor**i) for i in range(max(0, attempts - 1))]


async def reconcile_order(
    lookup: Lookup,
    client_order_id: str,
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> OrderResult:
    """Find the order ``client_order_id``; see the module docstring for the three outcomes."""
    delays = lookup_delays(attempts, backoff)
    last_unknown: Exception | None = None
    for i in range(attempts):
        try:
            return await lookup(client_order_id)
        except OrderNotFound:
            pass  # not visible (yet); keep looking until the window closes
        except RateLimited as exc:
            last_unknown = exc
            await sleep(exc.retry_after)
        except TemporaryError as exc:
            last_unknown = exc  # no answer at all: this attempt says nothing
        if i < len(delays):
            await sleep(delays[i])
    if last_unknown is not None:
        raise OutcomeUnknown(
            f"could not confirm order {client_order_id}: {last_unknown}",
            client_order_id=client_order_id,
        ) from last_unknown
    raise NotPlaced(
        f"order {client_order_id} not found after {attempts} lookups",
        client_order_id=client_order_id,
    )
