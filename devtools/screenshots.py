"""``make screenshots``, back-office part: render the real admin pages with headless Chromium.

    python -m devtools.screenshots docs/screenshots

Runs on its own throwaway SQLite database and embedded Redis (never the demo's) filled by
``devtools.demo.screenshot_data``, serves the real WSGI application on a free loopback port, and drives
Chromium through the DevTools protocol (a browser that asks for English, ``Accept-Language:
en-US``, to show the Chinese default). Needs ``chromium`` (``apt-get install chromium``).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from backoffice.embedded_redis import free_port

if TYPE_CHECKING:
    from backoffice.embedded_redis import EmbeddedRedis

WIDTH, MAX_HEIGHT = 1400, 1400
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def pages() -> list[tuple[str, str, bool]]:
    """(file name, path, logged in) of every page rendered; reverse() needs Django set up."""
    from django.urls import reverse

    from orders.models import EventOrder

    newest = EventOrder.objects.order_by("-created_at").first()
    order = reverse("admin:orders_eventorder_change", args=[newest.pk]) if newest else "/admin/"
    return [
        ("admin_login", "/admin/login/", False),
        ("admin_index", "/admin/", True),
        ("event_orders", "/admin/orders/eventorder/", True),
        ("event_order_detail", order, True),
        ("operations_dashboard", "/admin/orders/ordersdashboard/", True),
        ("order_report", "/admin/orders/ordersreport/?range=7d", True),
        ("execution_history", "/admin/orders/executionreporthistory/?outcome=failed", True),
        ("copytrade_dashboard", reverse("admin:copytrade_dashboard"), True),
        ("copytrade_followers", "/admin/copytrade/follower/", True),
        ("periodic_tasks", "/admin/django_celery_beat/periodictask/", True),
        ("api_docs_offline", "/api/v1/docs/", False),
    ]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:  # no access log on the terminal
        pass


def serve(app, port: int) -> _Server:
    server = make_server("127.0.0.1", port, app, server_class=_Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Browser:
    """Headless Chromium driven over the DevTools protocol (one page)."""

    def __init__(self, workdir: Path) -> None:
        binary = next((b for b in map(shutil.which, BROWSERS) if b), None)
        if binary is None:
            raise SystemExit("chromium not found: apt-get install -y chromium")
        self.port = free_port()
        self.proc = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--lang=en-US",
                "--accept-lang=en-US,en",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={workdir / 'chromium'}",
                f"--window-size={WIDTH},900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ws = self._connect()
        self.ids = itertools.count(1)
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Network.setExtraHTTPHeaders", headers={"Accept-Language": "en-US,en;q=0.9"})

    def _connect(self):
        from websockets.sync.client import connect

        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{self.port}/json/list"
                with urllib.request.urlopen(url, timeout=2) as reply:
                    targets = [t for t in json.load(reply) if t["type"] == "page"]
                if targets:
                    return connect(targets[0]["webSocketDebuggerUrl"], max_size=64 * 2**20)
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("chromium did not start its DevTools endpoint")
            time.sleep(0.2)

    def call(self, method: str, **params: object) -> dict:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def cookie(self, name: str, value: str, port: int) -> None:
        self.call("Network.setCookie", name=name, value=value, url=f"http://127.0.0.1:{port}/")

    def shoot(self, url: str, path: Path) -> Path:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", url=url)
        self._wait_loaded()
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        height = min(MAX_HEIGHT, max(600, int(size["height"])))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        time.sleep(0.3)
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def _wait_loaded(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = self.call("Runtime.evaluate", expression="document.readyState")
            if state.get("result", {}).get("value") == "complete":
                time.sleep(0.8)  # Swagger UI renders after load
                return
            time.sleep(0.1)
        raise RuntimeError("page did not load")

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)


def _prepare(workdir: Path) -> tuple[EmbeddedRedis, str]:
    """Database, Redis and data; returns (embedded Redis, operator password)."""
    from backoffice.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(workdir / "redis").start()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "backoffice.settings.base",
            "DATABASE_URL": f"sqlite:///{workdir / 'shots.sqlite3'}",
            "REDIS_URL": redis.url,
            "CELERY_BROKER_URL": redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "DEBUG": "false",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("sync_schedules", verbosity=0)
    password = secrets.token_urlsafe(12)
    from devtools.demo import screenshot_data

    screenshot_data.seed(password)
    return redis, password


def _session_cookie() -> tuple[str, str]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="operator"))
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def render(out_dir: Path, only: set[str] | None = None) -> list[Path]:
    """Every page of :func:`pages` (or those named in ``only``) as ``out_dir/<name>.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="fleet-shots-"))
    redis, _password = _prepare(workdir)
    from backoffice.wsgi import application

    port = free_port()
    server = serve(application, port)
    browser = Browser(workdir)
    made: list[Path] = []
    try:
        logged_in = False
        chosen = [p for p in pages() if only is None or p[0] in only]
        for name, path, needs_login in sorted(chosen, key=lambda p: p[2]):
            if needs_login and not logged_in:
                browser.cookie(*_session_cookie(), port)
                logged_in = True
            made.append(browser.shoot(f"http://127.0.0.1:{port}{path}", out_dir / f"{name}.png"))
            print(made[-1], flush=True)
        if only is None or "admin_index_en" in only:
            browser.cookie("django_language", "en", port)  # what the header switcher sets
            english = browser.shoot(
                f"http://127.0.0.1:{port}/admin/", out_dir / "admin_index_en.png"
            )
            made.append(english)
            print(english, flush=True)
    finally:
        browser.close()
        server.shutdown()
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return made


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    render(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
