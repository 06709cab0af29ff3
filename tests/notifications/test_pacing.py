"""The pure delivery decisions, as tables: subscriptions, quiet hours, rate limits, bursts →
digests, retry backoff."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from notifications import pacing
from notifications.channels.base import RateLimit

DING = (RateLimit(20, 60.0),)
FEISHU = (RateLimit(100, 60.0), RateLimit(5, 1.0))


@pytest.mark.parametrize(
    ("kind", "patterns", "match"),
    [
        ("copytrade.copy_failed", [], True),
        ("copytrade.copy_failed", ["copytrade.*"], True),
        ("copytrade.copy_failed", ["copytrade."], True),
        ("copytrade.copy_failed", ["copytrade.copy_failed"], True),
        ("copytrade.copy_failed", ["copytrade.copy"], False),
        ("orders.binding_expiring", ["copytrade.*", "system.*"], False),
        ("system.health_failing", ["copytrade.*", "system.*"], True),
    ],
)
def test_kind_matches(kind, patterns, match):
    assert pacing.kind_matches(kind, patterns) is match


@pytest.mark.parametrize(
    ("severity", "minimum", "ok"),
    [
        ("info", "info", True),
        ("info", "warning", False),
        ("critical", "warning", True),
        ("warning", "critical", False),
    ],
)
def test_severity_at_least(severity, minimum, ok):
    assert pacing.severity_at_least(severity, minimum) is ok


@pytest.mark.parametrize(
    ("local", "start", "end", "quiet"),
    [
        (time(23, 0), time(22, 0), time(7, 0), True),  # wraps midnight
        (time(6, 59), time(22, 0), time(7, 0), True),
        (time(7, 0), time(22, 0), time(7, 0), False),
        (time(12, 0), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(3, 0), None, time(7, 0), False),
        (time(3, 0), time(7, 0), time(7, 0), False),  # empty window
    ],
)
def test_in_quiet_hours(local, start, end, quiet):
    assert pacing.in_quiet_hours(local, start, end) is quiet


def test_quiet_until_is_the_next_end():
    tz = ZoneInfo("Asia/Shanghai")
    late = datetime(2026, 1, 1, 23, 30, tzinfo=tz)
    assert pacing.quiet_until(late, time(22), time(7)) == datetime(2026, 1, 2, 7, 0, tzinfo=tz)
    early = datetime(2026, 1, 2, 5, 0, tzinfo=tz)
    assert pacing.quiet_until(early, time(22), time(7)) == datetime(2026, 1, 2, 7, 0, tzinfo=tz)
    assert pacing.quiet_until(datetime(2026, 1, 2, 9, 0, tzinfo=tz), time(22), time(7)) is None


@pytest.mark.parametrize(
    ("sent", "limits", "now", "ready"),
    [
        ([], DING, 100.0, 100.0),
        ([float(t) for t in range(19)], DING, 30.0, 30.0),  # 19 in the minute: one more fits
        ([float(t) for t in range(20)], DING, 30.0, 60.0),  # 20: wait for the oldest to age out
        ([float(t) for t in range(20)], DING, 61.0, 61.0),
        ([99.5, 99.6, 99.7, 99.8, 99.9], FEISHU, 100.0, 100.5),  # Feishu's 5 per second
    ],
)
def test_next_free_slot(sent, limits, now, ready):
    assert max(pacing.next_free_slot(now, sent, lim) for lim in limits) == ready


@pytest.mark.parametrize(
    ("recent", "kind", "send", "reason"),
    [
        ([], "a", True, ""),
        ([(95.0, "a"), (96.0, "a")], "a", True, ""),
        ([(95.0, "a"), (96.0, "a"), (97.0, "a")], "a", False, "burst"),  # 4th of a kind in a minute
        ([(95.0, "a"), (96.0, "a"), (97.0, "a")], "b", True, ""),  # other kinds are not a burst
        ([(30.0, "a"), (31.0, "a"), (32.0, "a")], "a", True, ""),  # burst window passed
        ([(float(i), f"k{i}") for i in range(80, 100)], "z", False, "rate_limit"),  # 20/min used
    ],
)
def test_decide(recent, kind, send, reason):
    decision = pacing.decide(100.0, recent, kind, DING)
    assert (decision.send, decision.reason) == (send, reason)
    if not send:
        assert decision.hold_until is not None and decision.hold_until > 100.0


@pytest.mark.parametrize(
    ("held", "slots", "groups"),
    [
        ([], 5, []),
        ([(1, "a"), (2, "a"), (3, "a")], 0, []),
        ([(1, "a"), (2, "a"), (3, "a")], 1, [[1, 2, 3]]),  # a burst of one kind → one digest
        ([(1, "a"), (2, "b"), (3, "a")], 2, [[1, 3], [2]]),  # one message per kind
        ([(1, "a"), (2, "b"), (3, "c")], 2, [[1, 2, 3]]),  # too few slots → one digest of all
    ],
)
def test_digest_groups(held, slots, groups):
    assert pacing.digest_groups(held, slots) == groups


@pytest.mark.parametrize(
    ("attempt", "retry_after", "wait"),
    [
        (1, None, 15.0),
        (2, None, 30.0),
        (3, None, 60.0),
        (5, None, 240.0),
        (6, None, None),  # attempts used up
        (1, 34.0, 34.0),  # Telegram's retry_after is longer than our backoff
        (3, 5.0, 60.0),
    ],
)
def test_retry_plan(attempt, retry_after, wait):
    assert pacing.retry_plan(attempt, retry_after) == wait


def test_backoff_is_capped():
    assert pacing.backoff_s(30) == pacing.BACKOFF_CAP_S
