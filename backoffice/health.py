"""``GET /api/v1/health``: database, Redis, broker and the last beat tick; 200 or 503 naming the part."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from kombu import Connection

from backoffice.tasks import BEAT_TICK_KEY
from kernel.redis import get_redis

BEAT_STALE_AFTER_S = 120


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _check_redis() -> dict:
    get_redis().ping()
    return {"ok": True}


def _check_broker() -> dict:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
    return {"ok": True}


def _check_beat() -> dict:
    raw = get_redis().get(BEAT_TICK_KEY)
    if raw is None:
        return {"ok": False, "error": "no beat tick recorded yet"}
    age = time.time() - float(raw)
    return {"ok": age < BEAT_STALE_AFTER_S, "age_s": round(age, 1)}


CHECKS = {
    "database": _check_database,
    "redis": _check_redis,
    "broker": _check_broker,
    "beat": _check_beat,
}


def health(request):
    """Run every check; any exception is that part's failure, never a 500."""
    parts = {}
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception as exc:
            parts[name] = {"ok": False, "error": type(exc).__name__}
    ok = all(p["ok"] for p in parts.values())
    failing = [n for n, p in parts.items() if not p["ok"]]
    body = {"status": "ok" if ok else "fail", "failing": failing, "checks": parts}
    return JsonResponse(body, status=200 if ok else 503)
