"""Which accounts the balance poller reads in one pass — a pure function of what is cached.

Binance limits REST request weight per IP (6000 a minute, docs/protocols.md §1.6) and every
follower's ``GET /api/v3/account`` (weight 20) comes from Fleet's one IP; the copies themselves need
the same budget. So Binance reads are capped at ``BINANCE_WEIGHT_PER_MIN`` (40 % of the budget: 120
reads a minute) and spent where they matter most:

1. accounts with no reading at all;
2. accounts not covered by a live user-data subscription (``balance_stream``), oldest first —
   their reading is only as fresh as the last poll;
3. covered accounts whose last read is older than ``RECONCILE_S`` (a cheap cross-check of the
   stream), oldest first.

Covered accounts read within ``RECONCILE_S`` are skipped. Bitget limits per account (10 requests/s
per UID), so every Bitget account is read every pass.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

ACCOUNT_WEIGHT = 20
BINANCE_WEIGHT_PER_MIN = 2400
RECONCILE_S = 300.0
COVER_GRACE_S = 12.0  # a live mark older than this (the stream refreshes every 5 s) has lapsed


@dataclass(frozen=True)
class Seen:
    """One account as the cache knows it: venue, last reading (ms, None = never) and live mark."""

    key: Hashable
    venue: str
    at_ms: int | None = None
    live_ms: int = 0


def binance_reads_per_pass(interval_s: float) -> int:
    """How many Binance account reads one pass may spend (at least one)."""
    return max(1, int(BINANCE_WEIGHT_PER_MIN * interval_s / 60 / ACCOUNT_WEIGHT))


def plan(accounts: list[Seen], now_ms: int, interval_s: float) -> list[Hashable]:
    """The keys to read this pass: every non-Binance account, then the Binance accounts that
    need it most, within the pass's share of the IP weight budget."""
    out = [a.key for a in accounts if a.venue != "binance"]
    ranked: list[tuple[int, int, Hashable]] = []
    for a in accounts:
        if a.venue != "binance":
            continue
        if a.at_ms is None:
            ranked.append((0, 0, a.key))
        elif now_ms - a.live_ms > COVER_GRACE_S * 1000:
            ranked.append((1, a.at_ms, a.key))
        elif now_ms - a.at_ms > RECONCILE_S * 1000:
            ranked.append((2, a.at_ms, a.key))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return out + [key for _, _, key in ranked[: binance_reads_per_pass(interval_s)]]
