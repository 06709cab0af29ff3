"""One Redis connection pool per process (settings.REDIS_URL). ``decode_responses`` is on: every
value Fleet keeps in Redis is text."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)


def get_redis() -> redis.Redis:
    return _client(settings.REDIS_URL)


def reset_redis_pool() -> None:
    """Forget pooled connections (tests that restart Redis, forked workers)."""
    _client.cache_clear()
