"""Log lines carry UTC times, whatever the process's display time zone is."""

import logging
import time

from django.conf import settings

from kernel.logging import UtcFormatter


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("fleet", logging.INFO, __file__, 1, "hello", None, None)
    record.created = created
    record.msecs = (created - int(created)) * 1000
    return record


def test_utc_formatter_writes_iso_utc_with_z():
    formatter = UtcFormatter("%(asctime)s %(message)s")
    # 2026-11-22 23:59:55.250 UTC = 2026-11-23 07:59:55 in Asia/Shanghai
    assert formatter.format(_record(1795391995.25)) == "2026-11-22T23:59:55.250Z hello"


def test_utc_formatter_ignores_the_process_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert UtcFormatter("%(asctime)s").format(_record(0.5)) == "1970-01-01T00:00:00.500Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_console_handler_uses_it():
    formatter = settings.LOGGING["formatters"]["plain"]
    assert formatter["()"] == "kernel.logging.UtcFormatter"
