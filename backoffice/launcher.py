"""The two commands behind ``make demo`` and ``make test``.

``demo``: embedded Redis (unless REDIS_URL is set), migrate SQLite, seed demo data, start web,
worker, beat, the simulator, the stream process and the demo scenarios; print the admin URL and
credentials; on Ctrl-C stop every child by PID. ``test``: embedded Redis when REDIS_URL is unset,
then pytest; pytest's "no tests collected" (exit 5) counts as a failure.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from backoffice.embedded_redis import EmbeddedRedis

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WEB_PORT = int(os.environ.get("FLEET_WEB_PORT", "8000"))
SIM_PORT = int(os.environ.get("FLEET_SIM_PORT", "8900"))
ACCESS_LOG = ROOT / "var" / "run" / "web-access.log"


@dataclass(frozen=True)
class Proc:
    name: str
    argv: list[str]


def demo_processes() -> list[Proc]:
    """Every long-running process of the demo; later features add theirs here."""
    manage = [PY, "manage.py"]
    return [
        Proc("sim", [*manage, "runsim", "--port", str(SIM_PORT), "--demo"]),
        Proc(
            "web",
            [
                PY,
                "-m",
                "gunicorn",
                "backoffice.wsgi",
                "-k",
                "gthread",
                "--threads",
                "8",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{WEB_PORT}",
                # To a file: the demo's headless clients pull 3 times a second, which would bury
                # every other line of the terminal.
                "--access-logfile",
                str(ACCESS_LOG),
                "--log-level",
                "warning",
            ],
        ),
        Proc(
            "worker",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "backoffice",
                "worker",
                "-l",
                "warning",
                "-c",
                "2",
                "-P",
                "threads",
            ],
        ),
        Proc(
            "beat",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "backoffice",
                "beat",
                "-l",
                "warning",
                "-s",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
        ),
        Proc("streams", [*manage, "run_streams"]),
        Proc("demo", [*manage, "run_demo_scenarios"]),
    ]


class StopRequested(Exception):
    """SIGINT or SIGTERM reached the launcher."""


def handle_stop_signals() -> None:
    """SIGINT and SIGTERM alike raise :class:`StopRequested` once; later ones are ignored so the
    shutdown itself is not interrupted. Installed explicitly: a launcher started from a script
    inherits SIGINT *ignored* and Python then leaves it ignored (nothing stopped on Ctrl-C)."""

    def stop(signum: int, _frame: object) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        raise StopRequested(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)


class Supervisor:
    """Starts children in their own process groups and stops them all (TERM, then KILL)."""

    def __init__(self, redis: EmbeddedRedis | None = None) -> None:
        self.children: list[tuple[Proc, subprocess.Popen]] = []
        self.redis = redis

    def start(self, proc: Proc, env: dict[str, str]) -> None:
        child = subprocess.Popen(proc.argv, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        self.children.append((proc, child))
        print(f"  started {proc.name:8s} pid {child.pid}", flush=True)

    def stop_all(self) -> None:
        """Every child (newest first), then the embedded Redis they all use."""
        for _proc, child in reversed(self.children):
            if child.poll() is None:
                _killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc, child in reversed(self.children):
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _killpg(child.pid, signal.SIGKILL)
                child.wait()
            print(f"  stopped {proc.name:8s} pid {child.pid}", flush=True)
        if self.redis is not None:
            self.redis.stop()
            print("  stopped redis", flush=True)

    def watch(self, poll_s: float = 0.5) -> str:
        """Block until a child or Redis dies; returns the one line that says which."""
        while True:
            if self.redis is not None and not self.redis.alive():
                return "embedded Redis exited"
            for proc, child in self.children:
                if child.poll() is not None:
                    return f"{proc.name} (pid {child.pid}) exited with {child.returncode}"
            time.sleep(poll_s)


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def supervise(
    sup: Supervisor,
    procs: list[Proc],
    env: dict[str, str],
    before: Iterable[Callable[[], object]] = (),
    started: Callable[[], object] = lambda: None,
) -> int:
    """Run ``before`` steps, start ``procs``, and stop everything on SIGINT / SIGTERM or when any
    child (or Redis) dies. 0 when a signal stopped it, 1 when something died."""
    handle_stop_signals()
    code = 0
    try:
        for step in before:
            step()
        for proc in procs:
            sup.start(proc, env)
        started()
        died = sup.watch()
        print(f"\n!! {died} — stopping everything", flush=True)
        code = 1
    except StopRequested as why:
        print(f"\nStopping ({why})…", flush=True)
    finally:
        sup.stop_all()
    return code


def with_redis(env: dict[str, str], workdir: Path) -> EmbeddedRedis | None:
    """Start an embedded Redis when REDIS_URL is not configured; export its URL."""
    if env.get("REDIS_URL"):
        return None
    redis = EmbeddedRedis(workdir).start()
    env["REDIS_URL"] = redis.url
    env["FLEET_EMBEDDED_REDIS"] = "1"
    print(f"  embedded Redis at {redis.url}")
    return redis


def run_demo() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.base")
    env.setdefault("FLEET_SIM_URL", f"http://127.0.0.1:{SIM_PORT}")
    env.setdefault("FLEET_SERVER_URL", f"http://127.0.0.1:{WEB_PORT}")
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(fresh_metrics_dir()))
    print("Fleet demo — starting (Ctrl-C stops everything)")
    ACCESS_LOG.parent.mkdir(parents=True, exist_ok=True)
    redis = with_redis(env, ROOT / "var" / "run" / "redis")
    sup = Supervisor(redis)

    def manage(*step: str):
        return lambda: subprocess.run([PY, "manage.py", *step], cwd=ROOT, env=env, check=True)  # noqa: S603

    before = [
        manage("migrate", "--noinput", "-v", "0"),
        manage("sync_schedules"),
        manage("seed_demo"),
    ]
    return supervise(sup, demo_processes(), env, before, lambda: _banner(env))


METRICS_DIR = ROOT / "var" / "run" / "prometheus"


def fresh_metrics_dir() -> Path:
    """An empty directory for prometheus-client's multiprocess files (stale ones would add old
    processes' counts to the new run's)."""
    import shutil

    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    METRICS_DIR.mkdir(parents=True)
    return METRICS_DIR


def _banner(env: dict[str, str]) -> None:
    creds = ROOT / "var" / "demo_credentials.txt"
    print("\n" + "=" * 72)
    print(f"  Admin (后台):   http://127.0.0.1:{WEB_PORT}/admin/")
    print(f"  API docs:       http://127.0.0.1:{WEB_PORT}/api/v1/docs/")
    print(f"  Simulator:      {env['FLEET_SIM_URL']}/sim/health")
    print(f"  Web access log: {ACCESS_LOG.relative_to(ROOT)}")
    if creds.exists():
        print(creds.read_text().rstrip())
    print(f"  Desktop client: {PY} -m client_desktop --server http://127.0.0.1:{WEB_PORT}")
    print("=" * 72 + "\n")


def run_tests(pytest_args: list[str]) -> int:
    env = dict(os.environ)
    # Always the test settings: importing the ``backoffice`` package (the Celery app) has already
    # defaulted DJANGO_SETTINGS_MODULE to the demo settings in this process's environment.
    env["DJANGO_SETTINGS_MODULE"] = "backoffice.settings.test"
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    redis = with_redis(env, ROOT / "var" / "run" / "redis-test")
    db = env.get("TEST_DATABASE_URL", "sqlite (var/test.sqlite3)")
    print(f"  database: {db.split('@')[-1]}   redis: {env['REDIS_URL']}")
    try:
        code = subprocess.call([PY, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)  # noqa: S603
    finally:
        if redis:
            redis.stop()
    if code == 5:
        print("ERROR: pytest collected no tests — that is a failure here.")
        return 1
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="launcher")
    parser.add_argument("command", choices=["demo", "test"])
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = [a for a in args.rest if a != "--"]
    return run_demo() if args.command == "demo" else run_tests(rest)


if __name__ == "__main__":
    sys.exit(main())
