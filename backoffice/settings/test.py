"""Test settings: real MariaDB/Redis when TEST_DATABASE_URL / REDIS_URL point at them, else SQLite
and the embedded Redis that tests/conftest.py starts."""

from backoffice.settings.base import *  # noqa: F403
from backoffice.settings.base import VAR_DIR, database_from_url, env

DEBUG = False
TEST_DATABASE_URL = env.str("TEST_DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'test.sqlite3'}")
DATABASES = {"default": database_from_url(TEST_DATABASE_URL)}
if DATABASES["default"]["ENGINE"].endswith("mysql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"]["NAME"] = env.str(
        "TEST_DATABASE_NAME", default="test_" + DATABASES["default"]["NAME"]
    )
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; argon2 in prod
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["cfGmNnUP4bN5HzUJm7cv8lRzHgwTmwXJHrRk8OAc7xE="]
)
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's default in-memory test database: the live server's request threads
    # would otherwise share the test thread's one connection (sqlite3 InterfaceError, "table is
    # locked" under concurrent requests). Each thread gets its own connection to the file.
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}
