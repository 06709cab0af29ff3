"""The demo's web process serves the admin's CSS and JS itself: ``make demo`` runs gunicorn with the
base settings and nothing else serves ``/static/`` (the admin was raw HTML before). The test starts
the exact argv of the launcher's ``web`` process on a free loopback port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from backoffice import launcher

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _demo_web_argv(port: int) -> list[str]:
    web = next(proc for proc in launcher.demo_processes() if proc.name == "web")
    argv = list(web.argv)
    argv[argv.index("-b") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("-w") + 1] = "1"
    argv[argv.index("--access-logfile") + 1] = "/dev/null"
    return argv


def _wait_listening(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else "exited"
            time.sleep(0.1)
    raise AssertionError("the demo web process did not start listening")


@pytest.fixture
def demo_web(tmp_path):
    port = _free_port()
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "backoffice.settings.base"
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    proc = subprocess.Popen(
        _demo_web_argv(port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_listening(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/admin/css/base.css", "text/css"),
        ("/static/admin/js/theme.js", "text/javascript"),
    ],
)
def test_the_demo_web_process_serves_admin_static_files(demo_web, path, content_type):
    with urllib.request.urlopen(demo_web + path, timeout=10) as reply:
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith(content_type)
        assert len(reply.read()) > 500


def test_the_demo_admin_is_chinese_for_an_english_browser(demo_web):
    asked = urllib.request.Request(
        demo_web + "/admin/login/", headers={"Accept-Language": "en-US,en;q=0.9"}
    )
    with urllib.request.urlopen(asked, timeout=10) as reply:
        page = reply.read().decode()
    assert '<html lang="zh-hans"' in page and "用户名" in page
    assert "/static/admin/css/base.css" in page


def test_the_api_docs_page_needs_no_internet(demo_web):
    """Swagger UI's assets come from the web process itself (drf-spectacular-sidecar), not a CDN."""
    with urllib.request.urlopen(demo_web + "/api/v1/docs/", timeout=10) as reply:
        page = reply.read().decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', page)
    assert assets and not [a for a in assets if not a.startswith("/static/")], assets
    assert "cdn.jsdelivr.net" not in page
    for asset in assets:
        with urllib.request.urlopen(demo_web + asset, timeout=10) as reply:
            assert reply.status == 200 and len(reply.read()) > 100, asset
