"""Pure scheduling decisions of channel delivery (functions of values, tested with tables):
subscription matching, quiet hours, rate limits, burst collapsing into digests, retry backoff.
The services feed them what the database says and act on the answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from notifications.channels.base import RateLimit
from notifications.choices import SEVERITY_RANK

MAX_ATTEMPTS = 6  # first try + 5 retries: 15 s, 30 s, 1 min, 2 min, 4 min
BACKOFF_BASE_S = 15.0
BACKOFF_CAP_S = 30 * 60.0
BURST_SAME_KIND = 3  # this many messages of one kind per BURST_WINDOW_S go out one by one …
BURST_WINDOW_S = 60.0
DIGEST_DELAY_S = 30.0  # … the rest wait this long and leave together as one digest
DIGEST_MAX_LINES = 10


# --- who gets what --------------------------------------------------------------------------------
def kind_matches(kind: str, patterns: Iterable[str]) -> bool:
    """``patterns`` empty = every kind; ``copytrade.*`` (or ``copytrade.``) = a product's kinds."""
    wanted = [p.strip() for p in patterns if p.strip()]
    if not wanted:
        return True
    return any(
        kind.startswith(p.rstrip("*")) if p.endswith(("*", ".")) else kind == p for p in wanted
    )


def severity_at_least(severity: str, minimum: str) -> bool:
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(minimum, 0)  # type: ignore[call-overload]


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    """Whether ``local`` falls in [start, end) — a window may wrap midnight (22:00–07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_until(local_now: datetime, start: time | None, end: time | None) -> datetime | None:
    """When the quiet window that ``local_now`` is in ends (``None`` when not in one)."""
    if not in_quiet_hours(local_now.timetz().replace(tzinfo=None), start, end):
        return None
    assert end is not None
    candidate = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return candidate if candidate > local_now else candidate + timedelta(days=1)


# --- rate limits and bursts ----------------------------------------------------------------------
def next_free_slot(now: float, sent_at: Sequence[float], limit: RateLimit) -> float:
    """The earliest time a message fits ``limit`` given earlier sends (``now`` if it fits now)."""
    inside = sorted(t for t in sent_at if t > now - limit.window_s)
    if len(inside) < limit.count:
        return now
    return inside[len(inside) - limit.count] + limit.window_s


def free_slots(now: float, sent_at: Sequence[float], limits: Sequence[RateLimit]) -> int:
    """How many messages may go out right now under every limit."""
    return min(
        (max(0, lim.count - sum(1 for t in sent_at if t > now - lim.window_s)) for lim in limits),
        default=1,
    )


@dataclass(frozen=True)
class Decision:
    """Send now, or hold until ``hold_until`` (then leave with the channel's next digest)."""

    send: bool
    hold_until: float | None = None
    reason: str = ""


def decide(
    now: float,
    recent: Sequence[tuple[float, str]],
    kind: str,
    limits: Sequence[RateLimit],
    *,
    burst: int = BURST_SAME_KIND,
) -> Decision:
    """One new message of ``kind`` for a channel whose recent sends are ``(at, kind)`` pairs."""
    times = [at for at, _ in recent]
    ready = max((next_free_slot(now, times, lim) for lim in limits), default=now)
    if ready > now:
        return Decision(False, ready, "rate_limit")
    same = sum(1 for at, k in recent if k == kind and at > now - BURST_WINDOW_S)
    if same >= burst:
        return Decision(False, now + DIGEST_DELAY_S, "burst")
    return Decision(True)


def digest_groups(held: Sequence[tuple[int, str]], slots: int) -> list[list[int]]:
    """Held ``(id, kind)`` items → the messages to send now: one per kind when the free slots
    allow, else everything in one digest; nothing when no slot is free. Order is kept."""
    if slots <= 0 or not held:
        return []
    groups: dict[str, list[int]] = {}
    for pk, kind in held:
        groups.setdefault(kind, []).append(pk)
    if len(groups) <= slots:
        return list(groups.values())
    return [[pk for pk, _ in held]]


# --- retries -------------------------------------------------------------------------------------
def backoff_s(attempt: int, *, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> float:
    """Wait after failed attempt number ``attempt`` (1-based): base · 2^(attempt-1), capped."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


def retry_plan(attempt: int, retry_after: float | None) -> float | None:
    """Seconds until the next try after a retryable failure of attempt ``attempt``, or ``None``
    when the attempts are used up. A platform's own ``retry_after`` wins when it is longer."""
    if attempt >= MAX_ATTEMPTS:
        return None
    return max(backoff_s(attempt), retry_after or 0.0)
