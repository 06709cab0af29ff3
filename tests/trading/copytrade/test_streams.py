"""The stream process: job registry, supervision (restart on crash, clean stop) and the
``run_streams`` command stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trading.streams.registry import JOBS, Job, JobNotFound, jobs_named
from trading.streams.supervisor import RestartPolicy, keep_running, supervise

ROOT = Path(__file__).resolve().parents[3]
FAST = RestartPolicy(base_delay=0.01, max_delay=0.05, healthy_after_s=60)


async def quiet_job(stop: asyncio.Event) -> None:
    """A well-behaved job for the command test: prints, waits for stop, prints."""
    print("quiet job started", flush=True)
    await stop.wait()
    print("quiet job stopped cleanly", flush=True)


def test_registry_names_the_leader_watcher_and_the_optional_balance_poller():
    assert [j.name for j in jobs_named(None)] == [j.name for j in JOBS]
    assert jobs_named(["leader_watcher"])[0].target == "trading.copytrade.streams.watcher:run"
    assert {j.name: j.optional for j in JOBS}["follower_balances"] is True
    with pytest.raises(KeyError, match="nope"):
        jobs_named(["nope"])


def test_job_resolution():
    assert Job("q", "tests.trading.copytrade.test_streams:quiet_job").resolve() is quiet_job
    with pytest.raises(JobNotFound):
        Job("x", "trading.no_such_module:run").resolve()
    with pytest.raises(JobNotFound):
        Job("x", "tests.trading.copytrade.test_streams:no_such_function").resolve()


async def test_a_crashing_job_is_restarted_until_stop():
    calls: list[float] = []
    stop, third_call = asyncio.Event(), asyncio.Event()

    async def flaky(stop_: asyncio.Event) -> None:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise RuntimeError("boom")
        third_call.set()
        await stop_.wait()

    task = asyncio.create_task(keep_running(Job("flaky", "-"), flaky, stop, FAST))
    async with asyncio.timeout(2):
        await third_call.wait()
    stop.set()
    await asyncio.wait_for(task, 1)
    assert len(calls) == 3


async def test_supervise_skips_a_missing_optional_job_and_fails_on_a_missing_required_one():
    stop = asyncio.Event()
    stop.set()
    jobs = [
        Job("q", "tests.trading.copytrade.test_streams:quiet_job"),
        Job("later", "trading.copytrade.not_built_yet:run", optional=True),
    ]
    assert await supervise(jobs, stop, policy=FAST) == ["q"]
    with pytest.raises(JobNotFound):
        await supervise([Job("req", "trading.copytrade.not_built_yet:run")], stop)


FINISHED: list[str] = []


async def polite_job(stop: asyncio.Event) -> None:
    await stop.wait()
    FINISHED.append("polite")


async def stubborn_job(stop: asyncio.Event) -> None:
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        FINISHED.append("stubborn cancelled")
        raise


async def test_stop_waits_for_jobs_then_cancels_the_ones_that_ignore_it():
    FINISHED.clear()
    stop = asyncio.Event()
    here = "tests.trading.copytrade.test_streams"
    jobs = [Job("polite", f"{here}:polite_job"), Job("stubborn", f"{here}:stubborn_job")]
    run = asyncio.create_task(supervise(jobs, stop, policy=FAST, grace_s=0.2))
    await asyncio.sleep(0.05)
    stop.set()
    started = time.monotonic()
    assert await asyncio.wait_for(run, 2) == ["polite", "stubborn"]
    assert time.monotonic() - started < 1
    assert sorted(FINISHED) == ["polite", "stubborn cancelled"]


def test_run_streams_command_stops_cleanly_on_sigterm():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backoffice.settings.test"}
    argv = [sys.executable, "manage.py", "run_streams", "--job"]
    argv.append("tests.trading.copytrade.test_streams:quiet_job")
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        lines: list[str] = []
        while "quiet job started" not in "".join(lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert "quiet job stopped cleanly" in out
    assert "SIGTERM received" in out and "stream process stopped" in out
