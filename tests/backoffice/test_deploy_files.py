"""docker-compose.yml and the Dockerfile, checked without Docker (no images can be pulled here).

The compose file is interpolated the way ``docker compose`` does it (``${X:-default}``,
``${X:?error}``, ``$$``) with the values of ``.env.example`` and validated against the Compose
Specification JSON schema (``compose_spec.json``, Apache-2.0, from github.com/compose-spec,
as shipped with docker-compose 1.29). Then: the services the issue names exist, share one image,
run commands that exist in this code base, publish nothing beyond 127.0.0.1, and have health
checks. No database needed (the beat check runs against the test Redis).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat", "streams", "sim", "push"]
LONG_RUNNING = ["mariadb", "redis", "web", "worker", "beat", "streams", "sim", "push"]
# Services without a health check, and why (asserted, so a new one has to be justified here).
NO_HEALTHCHECK = {
    "migrate": "one-shot; the app services wait for it to complete successfully",
    "streams": "no heartbeat to probe yet; restart policy + its own reconnect loop",
}


def example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name] = value
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution (the subset this file uses)."""

    def sub(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        value = env.get(name, "")
        if op == ":?" and not value:
            raise AssertionError(f"{name} is required: {arg}")
        if op == ":-" and not value:
            return arg
        return value

    text = re.sub(r"\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}", sub, text)
    assert not re.search(r"(?<!\$)\$(?!\$)[A-Za-z{]", text), "unsupported substitution"
    return text.replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    raw = (ROOT / "docker-compose.yml").read_text()
    return yaml.safe_load(interpolate(raw, example_env()))


def spec_validator() -> jsonschema.Draft201909Validator:
    schema = json.loads((Path(__file__).parent / "compose_spec.json").read_text())
    return jsonschema.Draft201909Validator(schema)


def test_compose_matches_the_compose_specification(compose):
    spec_validator().validate(compose)


@pytest.mark.parametrize(
    "mistake",
    [
        {"servics": {}},
        {"services": {"web": {"image": "x", "healthcheck": {"test": "x", "intervall": "5s"}}}},
        {"services": {"web": {"image": "x", "depends_on": {"db": {"condition": "healthy"}}}}},
    ],
)
def test_the_specification_check_catches_mistakes(mistake):
    """Guards the check above: a misspelt key or a wrong value is refused."""
    assert list(spec_validator().iter_errors(mistake))


def test_required_variables_fail_loudly_when_missing():
    env = example_env()
    del env["MARIADB_PASSWORD"]
    with pytest.raises(AssertionError, match="MARIADB_PASSWORD"):
        interpolate((ROOT / "docker-compose.yml").read_text(), env)


def test_services_share_one_image_built_from_the_dockerfile(compose):
    services = compose["services"]
    assert {*LONG_RUNNING, "migrate"} <= set(services)
    for name in APP_SERVICES:
        svc = services[name]
        assert (svc["image"], svc["build"], svc["env_file"]) == ("fleet:latest", ".", ".env")
        env = svc["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "backoffice.settings.production"
        assert (
            env["DATABASE_URL"].startswith("mysql://fleet:")
            and "@mariadb:3306/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert services["mariadb"]["image"].startswith("mariadb:")
    assert "--character-set-server=utf8mb4" in services["mariadb"]["command"]
    assert services["redis"]["image"].startswith("redis:")


def test_app_services_wait_for_healthy_stores_and_migrations(compose):
    for name in APP_SERVICES:
        deps = compose["services"][name]["depends_on"]
        assert deps["mariadb"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
        if name != "migrate":
            assert deps["migrate"]["condition"] == "service_completed_successfully"


def test_nothing_is_published_beyond_loopback(compose):
    published = {}
    for name, svc in compose["services"].items():
        for port in svc.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
            published[name] = port
    assert set(published) == {"web", "sim"}
    assert compose["services"]["sim"]["profiles"] == ["sim"]  # not started by default


def test_health_checks(compose):
    from backoffice.tasks import BEAT_TICK_KEY

    services = compose["services"]
    for name in [*LONG_RUNNING, "migrate"]:
        assert ("healthcheck" in services[name]) != (name in NO_HEALTHCHECK), name
    assert "/api/v1/health" in " ".join(services["web"]["healthcheck"]["test"])
    assert BEAT_TICK_KEY in " ".join(services["beat"]["healthcheck"]["test"])
    assert "/sim/health" in " ".join(services["sim"]["healthcheck"]["test"])
    assert "8001/health" in " ".join(services["push"]["healthcheck"]["test"])


def _argv(command) -> list[str]:
    if isinstance(command, str):
        return shlex.split(command)
    if command[:2] == ["sh", "-c"]:
        return shlex.split(command[2])
    return list(command)


def _management_commands(argv: list[str]) -> list[str]:
    """Every ``manage.py <command>`` in an argv (``&&`` chains included)."""
    return [argv[i + 1] for i, word in enumerate(argv) if word == "manage.py"]


def test_every_command_exists_in_this_code_base(compose):
    from django.core.management import get_commands

    commands = get_commands()
    seen = set()
    for name in APP_SERVICES:
        argv = _argv(compose["services"][name]["command"])
        for cmd in _management_commands(argv):
            assert cmd in commands, (name, cmd)
            seen.add(cmd)
        if argv[0] == "gunicorn":
            config = argv[argv.index("-c") + 1].removeprefix("python:")
            assert importlib.util.find_spec(config) and importlib.util.find_spec(argv[-1])
            seen.add("gunicorn")
        if argv[0] == "celery":
            app = argv[argv.index("-A") + 1]
            assert importlib.util.find_spec(f"{app}.celery"), app
            seen.add(f"celery {argv[3]}")
    assert seen == {
        "migrate",
        "sync_schedules",
        "gunicorn",
        "celery worker",
        "celery beat",
        "run_streams",
        "runsim",
        "run_push",
    }


def test_the_worker_uses_late_ack_settings_the_compose_file_relies_on():
    """The worker's grace period assumes late ack: a stopped task is redelivered, not lost."""
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert froms and all(f == "python:3.12-slim" for f in froms)
    assert "libmariadb-dev" in text and "libmariadb3" in text  # mysqlclient: build / run time
    assert re.search(r"pip wheel .* \.$", text, re.M)  # the project itself, from pyproject.toml
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "collectstatic" in text
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (ROOT / source).exists(), source
    gunicorn = json.loads(re.search(r"^CMD (.*)$", text, re.M).group(1))
    assert gunicorn[0] == "gunicorn"


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", "var", ".venv", ".git"):
        assert entry in ignored, entry


@pytest.mark.integration
def test_the_beat_health_check_reads_the_tick_health_reads(compose):
    """The beat container's check, run as written against the test Redis: no tick or a stale one
    fails, a fresh one passes."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings

    from backoffice.tasks import BEAT_TICK_KEY, beat_tick
    from kernel.redis import get_redis

    script = compose["services"]["beat"]["healthcheck"]["test"][3]
    env = {**os.environ, "REDIS_URL": settings.REDIS_URL}

    def check() -> int:
        return subprocess.run([sys.executable, "-c", script], env=env, timeout=30).returncode

    redis = get_redis()
    try:
        redis.delete(BEAT_TICK_KEY)
        assert check() == 1
        redis.set(BEAT_TICK_KEY, str(time.time() - 300))
        assert check() == 1
        beat_tick()  # what the beat-scheduled task writes
        assert check() == 0
    finally:
        redis.delete(BEAT_TICK_KEY)
