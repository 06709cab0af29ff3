"""Every periodic schedule, declared once. ``manage.py sync_schedules`` installs them into
django-celery-beat's tables (where operators can then edit intervals or disable them in the admin);
existing rows are left as the operator set them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    every_seconds: int


SCHEDULES: list[Schedule] = [
    Schedule("beat tick (health)", "backoffice.beat_tick", 30),
    Schedule("expire client sessions", "accounts.sweep_expired_sessions", 300),
    Schedule("expire event orders", "orders.sweep_expired_orders", 30),
    Schedule("copy trading: follower balances", "copytrade.poll_balances", 3),
    Schedule("notifications: held messages and digests", "notifications.flush", 10),
    Schedule("notifications: watched conditions", "notifications.watch", 30),
    Schedule("futures signals: klines backfill + decide", "futures.sync_market", 60),
    Schedule("futures signals: funding + mark price", "futures.sync_funding", 600),
    Schedule("futures signals: grade", "futures.grade_signals", 60),
    Schedule("futures signals: live scorecards", "futures.update_scorecards", 300),
    Schedule("futures signals: backtest scorecards", "futures.update_backtest_scorecards", 3600),
    Schedule("futures signals: prune old klines", "futures.prune_klines", 86400),
    Schedule("alpha: timeouts and expired sessions", "alpha.timers", 5),
    Schedule("alpha: token catalogue", "alpha.refresh_tokens", 86_400),
]
