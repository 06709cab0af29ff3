"""Secret redaction for every log line.

Two layers: (1) any value registered with ``register_secret`` (every decrypted secret is registered
when it is decrypted, see ``kernel.crypto``) is replaced wherever it appears; (2) patterns that
look like credentials (``api_secret=...``, ``"passphrase": "..."``, ``p20t=...``, ``csrftoken: ...``,
``Authorization: Token ...``, ``signature=...``) are masked even when never registered.
"""

from __future__ import annotations

import logging
import re
import threading
import time

_lock = threading.Lock()
_secrets: set[str] = set()
MASK = "***"

_PATTERNS = [
    re.compile(
        r"(?i)((?:api[_-]?secret|secret[_-]?key|secret|passphrase|password|p20t|csrftoken|"
        r"signature|access-sign|x-mbx-apikey|api[_-]?key|token)['\"]?\s*[:=]\s*['\"]?)"
        r"([^\s'\",&;}]+)"
    ),
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:token|bearer)\s+)([^\s'\"]+)"),
]


def register_secret(value: str | None) -> None:
    """Remember a secret value so that it is masked in any later log line (min. 6 characters)."""
    if value and len(value) >= 6:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and credential-looking values masked."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Logging filter that renders the message, redacts it, and freezes the result in the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_root_filter() -> None:
    """Attach the filter to every handler of the root logger (for processes not using LOGGING)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecretsFilter) for f in handler.filters):
            handler.addFilter(RedactSecretsFilter())


def _all_loggers() -> list[logging.Logger]:
    manager = logging.Logger.manager
    named = [lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    return [logging.getLogger(), *named]


def install_everywhere(*_args: object, **_kwargs: object) -> None:
    """Attach the filter to every handler of every logger that exists now: the root handlers of
    LOGGING, Django's own ``django`` handlers, Celery's (called again from its logging signals,
    since the worker replaces the root handlers) and gunicorn's (see ``gunicorn_conf``)."""
    for logger in _all_loggers():
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecretsFilter) for f in handler.filters):
                handler.addFilter(RedactSecretsFilter())


class UtcFormatter(logging.Formatter):
    """Log times in UTC, ISO 8601 with milliseconds and a ``Z`` (``2026-11-22T23:59:55.123Z``).

    Django sets the process time zone to ``TIME_ZONE`` (the operators' Asia/Shanghai) for display;
    without this, log lines would carry local times with no offset while the database, the API and
    the exchanges speak UTC — and lines of different processes would not line up."""

    converter = staticmethod(time.gmtime)  # type: ignore[assignment]

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"
