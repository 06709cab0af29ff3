"""Shared test setup: Redis isolation, runtime-config cache, and the simulator fixtures plugin.

Redis: tests use the server at REDIS_URL (the launcher starts an embedded one when unset). Each test
starts from an empty Redis database — so point REDIS_URL at a database index reserved for tests
(``.ci/run`` uses /15); database 0 of a shared server is never flushed.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.fixtures.sim", "tests.fixtures.push"]


def pytest_sessionstart(session):
    """Refuse to run on anything but the test settings (eager Celery, fast hashers, test DB)."""
    from django.conf import settings

    if settings.SETTINGS_MODULE != "backoffice.settings.test":
        raise pytest.UsageError(
            f"tests need backoffice.settings.test, not {settings.SETTINGS_MODULE}"
        )


@pytest.fixture(autouse=True)
def _clean_redis(request):
    """Empty the test Redis database before each test that touches Django."""
    if "django_db_setup" not in request.fixturenames and not _uses_db(request):
        yield
        return
    from kernel.redis import get_redis, reset_redis_pool
    from kernel.runtime_config import clear_cache

    reset_redis_pool()
    client = get_redis()
    if client.connection_pool.connection_kwargs.get("db", 0) != 0 or _embedded(client):
        client.flushdb()
    clear_cache()
    yield
    clear_cache()


def _uses_db(request) -> bool:
    return any(m.name == "django_db" for m in request.node.iter_markers())


def _embedded(client) -> bool:
    import os

    return os.environ.get("FLEET_EMBEDDED_REDIS") == "1"
