"""Production settings, each case in its own ``manage.py`` subprocess (a settings module cannot be
swapped inside the test process): ``check --deploy`` passes with no warning given a realistic
environment, and the process refuses to start when a required secret is missing or malformed.

The subprocess gets a clean environment (only what is listed here), so a developer's own variables
cannot make a case pass; ``.env`` is not read because every variable it could set is set here.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    """What an operator's .env holds in production (MariaDB, Redis, real keys)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "backoffice.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": os.environ.get(
            "TEST_DATABASE_URL", "mysql://fleet:password@127.0.0.1:3306/fleet"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "ALLOWED_HOSTS": "fleet.example.com,localhost",
        "CSRF_TRUSTED_ORIGINS": "https://fleet.example.com",
        "LOG_LEVEL": "WARNING",
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )


def test_check_deploy_passes_with_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_strict():
    """DEBUG off, HTTPS-only cookies, HSTS, MySQL with utf8mb4 and the secret redaction filter."""
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.conf import settings as s
        db = s.DATABASES["default"]
        print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,
              s.SECURE_HSTS_SECONDS, db["ENGINE"], db["OPTIONS"]["charset"],
              db["TEST"]["CHARSET"], s.LOGGING["handlers"]["console"]["filters"])
        """
    )
    result = run(["-c", script], production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "django.db.backends.mysql",
        "utf8mb4",
        "utf8mb4",
        "['redact']",
    ]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "CHANGE-ME"}, "SECRET_KEY"),  # the .env.example placeholder
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS"),
        ({"FIELD_ENCRYPTION_KEYS": "CHANGE-ME"}, "FIELD_ENCRYPTION_KEYS"),
    ],
)
def test_refuses_to_start_without_a_required_secret(overrides, message):
    result = run(["manage.py", "check"], production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_refuses_to_start_without_allowed_hosts():
    env = production_env()
    del env["ALLOWED_HOSTS"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_the_container_probes_and_static_files_work_under_production(tmp_path):
    """What docker-compose.yml's web health check sends (Host: localhost, X-Forwarded-Proto:
    https) reaches /api/v1/health (200 or 503, never the HTTPS redirect or a 400), a plain-HTTP
    request is redirected to HTTPS, and the admin's CSS is served by the web process (WhiteNoise)
    after collectstatic."""
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.core.management import call_command
        from django.test import Client, override_settings
        with override_settings(STATIC_ROOT={str(tmp_path)!r}):
            call_command("collectstatic", "--noinput", verbosity=0)
            client = Client(HTTP_HOST="localhost")
            probe = client.get("/api/v1/health", HTTP_X_FORWARDED_PROTO="https")
            plain = client.get("/api/v1/health")
            css = client.get("/static/admin/css/base.css", HTTP_X_FORWARDED_PROTO="https")
            print(probe.status_code, plain.status_code, plain.get("Location"), css.status_code)
        """
    )
    result = run(["-c", script], production_env())
    assert result.returncode == 0, result.stderr
    probe, plain, location, css = result.stdout.split()
    assert probe in ("200", "503")
    assert (plain, location) == ("301", "https://localhost/api/v1/health")
    assert css == "200"


def test_gunicorn_under_production_settings_passes_the_compose_web_health_check():
    """The web container for real, minus Docker: gunicorn with ``backoffice.gunicorn_conf`` and the
    production settings on a loopback port; then the exact health-check command of
    docker-compose.yml (port swapped) must succeed (static files: the test above)."""
    import socket
    import time

    import yaml

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = production_env(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:backoffice.gunicorn_conf"]
    gunicorn = subprocess.Popen(
        [*argv, "--threads", "2", "backoffice.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert gunicorn.poll() is None, gunicorn.stderr.read()
                time.sleep(0.1)
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
        check = compose["services"]["web"]["healthcheck"]["test"]
        assert check[:3] == ["CMD", "python", "-c"] and "8000" in check[3]
        probe = run(["-c", check[3].replace("8000", str(port))], env)
        assert probe.returncode == 0, probe.stdout + probe.stderr
    finally:
        gunicorn.terminate()
        gunicorn.wait(15)
