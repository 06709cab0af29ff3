"""Conditions notified by watching rather than by an event, checked every 30 s by beat
(``notifications.watch``). Each product owns its check; this table names them by import path so
this app imports no product. One failing check never stops the others."""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger("fleet.notifications.watch")

WATCHERS: tuple[str, ...] = (
    "trading.copytrade.notices:leader_stream_check",
    "accounts.notices:traders_notify_expiring",
    "orders.notices:bindings_notify_expiring",
    "orders.notices:placement_failures_check",
)


def watch_all() -> int:
    """Run every watcher; returns how many raised (logged)."""
    failed = 0
    for target in WATCHERS:
        module, _, name = target.partition(":")
        try:
            getattr(importlib.import_module(module), name)()
        except Exception:
            failed += 1
            log.exception("notification watcher %s failed", target)
    return failed
