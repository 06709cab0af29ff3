"""System notifications: a health check part (database, Redis, broker, beat) failing for longer
than the knob ``notify_health_down_s``. The watcher runs in the stream process (``run_streams``
job ``health_watch``) so it does not depend on the broker or beat it watches; the failure start
times live in the job's memory. A database outage cannot be written to the database: it is
logged at ERROR, and notified if it is still failing once the database answers the notify."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from asgiref.sync import sync_to_async

from notifications.choices import Severity
from notifications.kinds import Kind, register
from notifications.recipients import Recipient

log = logging.getLogger("fleet.health")
SYSTEM_ALERTS = "notifications.receive_system_alerts"
CHECK_EVERY_S = 15.0

HEALTH_FAILING = register(
    Kind(
        code="system.health_failing",
        severity=Severity.CRITICAL,
        title_zh="系统健康检查失败：{part}",
        title_en="Health check failing: {part}",
        body_zh="健康检查项「{part}」已连续失败 {seconds} 秒：{error}。请检查该服务。",
        body_en="Health check “{part}” has been failing for {seconds} s: {error}. Check that service.",
    )
)


class HealthWatch:
    """Remembers since when each part fails; says which parts crossed the threshold (pure)."""

    def __init__(self) -> None:
        self.since: dict[str, float] = {}

    def observe(
        self, now: float, failing: dict[str, str], after_s: float
    ) -> list[tuple[str, float, str]]:
        """``failing`` = part → error of this round. Returns (part, since, error) past ``after_s``."""
        for part in list(self.since):
            if part not in failing:
                del self.since[part]
        due = []
        for part, error in failing.items():
            since = self.since.setdefault(part, now)
            if now - since >= after_s:
                due.append((part, since, error))
        return due


def run_checks() -> dict[str, str]:
    """The failing parts of ``backoffice.health`` right now (part → short error)."""
    from backoffice.health import CHECKS

    failing = {}
    for name, check in CHECKS.items():
        try:
            result = check()
        except Exception as exc:
            failing[name] = type(exc).__name__
            continue
        if not result.get("ok"):
            failing[name] = str(result.get("error") or f"age {result.get('age_s')} s")
    return failing


def health_notify(*, part: str, since: float, error: str, now: float) -> None:
    from notifications.services import notify

    notify(
        kind=HEALTH_FAILING.code,
        key=f"health:{part}:{int(since)}",
        recipients=[Recipient.permission(SYSTEM_ALERTS)],
        context={"part": part, "seconds": int(now - since), "error": error},
    )


def health_round(
    watch: HealthWatch,
    now: float,
    after_s: float,
    checks: Callable[[], dict[str, str]] = run_checks,
) -> int:
    """One round: check, remember, notify the parts past the threshold (once per outage: the
    key is the outage's start). Returns how many parts are due."""
    due = watch.observe(now, checks(), after_s)
    for part, since, error in due:
        try:
            health_notify(part=part, since=since, error=error, now=now)
        except Exception:
            log.error(
                "health check %s failing for %.0f s (%s); could not notify",
                part,
                now - since,
                error,
            )
    return len(due)


def _after_s() -> float:
    from kernel.runtime_config import config_get

    try:
        return float(config_get("notify_health_down_s"))
    except Exception:  # the database may be the failing part
        return 120.0


def _round(watch: HealthWatch) -> int:
    from django.db import close_old_connections

    try:
        return health_round(watch, time.time(), _after_s())
    finally:
        close_old_connections()


async def run(stop: asyncio.Event) -> None:
    """Stream-process job: a health round every 15 s until ``stop``."""
    watch = HealthWatch()
    do_round = sync_to_async(_round, thread_sensitive=True)
    while not stop.is_set():
        await do_round(watch)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_EVERY_S)
