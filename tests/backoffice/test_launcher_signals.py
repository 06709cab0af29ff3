"""``make demo`` stops cleanly: SIGINT and SIGTERM alike (also when started from a script that
ignores SIGINT), the embedded Redis outside the launcher's process group and stopped last, and
everything stopped with one line when Redis or any child dies. The launcher runs for real in a
subprocess with small stand-in children (the demo's own processes take a minute to start)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from backoffice import launcher
    from backoffice.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(Path(sys.argv[1])).start()
    print("redis-pid", redis.pid, flush=True)
    py = sys.executable
    procs = [
        launcher.Proc("first", [py, "-c", "import time; time.sleep(600)"]),
        launcher.Proc("second", [py, "-c", f"import time; time.sleep({sys.argv[2]})"]),
    ]
    sup = launcher.Supervisor(redis)
    code = launcher.supervise(sup, procs, dict(os.environ), started=lambda: print("ready", flush=True))
    sys.exit(code)
    """
)


def _start(tmp_path, second_lives: str = "600", ignore_sigint: bool = False):
    def child_setup():
        if ignore_sigint:  # what a shell does to a background job started from a script
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "redis"), second_lives],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=child_setup,
    )
    redis_pid = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("redis-pid"):
            redis_pid = int(line.split()[1])
        if line.strip() == "ready":
            return proc, redis_pid
    proc.kill()
    raise AssertionError("the launcher did not start")


def _finish(proc) -> tuple[int, list[str]]:
    out, _ = proc.communicate(timeout=30)
    return proc.returncode, [line.strip() for line in out.splitlines() if line.strip()]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie of an exited child counts as gone
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


@pytest.mark.parametrize(
    ("sig", "ignore_sigint"),
    [(signal.SIGINT, False), (signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["sigint", "sigint-ignored-by-the-script", "sigterm"],
)
def test_a_signal_stops_every_child_then_redis(tmp_path, sig, ignore_sigint):
    proc, redis_pid = _start(tmp_path, ignore_sigint=ignore_sigint)
    assert os.getpgid(redis_pid) != os.getpgid(proc.pid)  # a terminal's Ctrl-C misses Redis
    proc.send_signal(sig)
    code, lines = _finish(proc)
    assert code == 0, lines
    stops = [line for line in lines if line.startswith("stopped")]
    assert [s.split()[1] for s in stops] == ["second", "first", "redis"], lines
    assert not [line for line in lines if "Traceback" in line], lines
    assert _gone(redis_pid)


def test_a_child_that_dies_stops_everything_with_one_line(tmp_path):
    proc, redis_pid = _start(tmp_path, second_lives="1")
    code, lines = _finish(proc)
    assert code == 1
    said = [line for line in lines if line.startswith("!!")]
    assert len(said) == 1 and "second" in said[0] and "stopping everything" in said[0], lines
    assert lines[-1] == "stopped redis" and _gone(redis_pid)


def test_redis_dying_stops_everything(tmp_path):
    proc, redis_pid = _start(tmp_path)
    os.kill(redis_pid, signal.SIGKILL)
    code, lines = _finish(proc)
    assert code == 1
    assert any(line.startswith("!! embedded Redis exited") for line in lines), lines
    assert [line.split()[1] for line in lines if line.startswith("stopped")][:2] == [
        "second",
        "first",
    ]
