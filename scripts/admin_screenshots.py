"""Screenshot admin pages with headless Chromium (for docs/screenshots/).

Needs a running web server with data (e.g. ``make demo`` after a few minutes) and a superuser;
Chromium from the OS (``apt-get install -y chromium``). Logs in over HTTP, hands the session cookie
to Chromium through the DevTools protocol, and saves one PNG per page:

    .venv/bin/python scripts/admin_screenshots.py --server http://127.0.0.1:8000 \\
        --user admin --password ... --width 2250 \\
        /admin/futures/signal/=docs/screenshots/admin_futures_signals.png \\
        "/admin/futures/scorecard/?window_days__exact=7=docs/screenshots/admin_futures_scorecards.png"
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import websockets


def session_cookies(server: str, user: str, password: str) -> dict[str, str]:
    with httpx.Client(base_url=server) as http:
        http.get("/admin/login/")
        form = {
            "username": user,
            "password": password,
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        }
        http.post(
            "/admin/login/?next=/admin/", data=form, headers={"Referer": f"{server}/admin/login/"}
        )
        if "sessionid" not in http.cookies:
            raise SystemExit("admin login failed: check --user / --password")
        return {**dict(http.cookies), "django_language": "zh-hans"}


class DevTools:
    def __init__(self, ws: Any) -> None:
        self.ws, self.next_id = ws, 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.ws.recv())
            if message.get("id") == self.next_id:
                return dict(message.get("result", {}))


def page_socket(port: int) -> str:
    for _ in range(50):
        with contextlib.suppress(httpx.HTTPError):
            targets = httpx.get(f"http://127.0.0.1:{port}/json").json()
            return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        time.sleep(0.2)
    raise SystemExit("chromium did not start")


async def shoot(args: argparse.Namespace, cookies: dict[str, str]) -> None:
    browser = await asyncio.create_subprocess_exec(
        "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
        f"--remote-debugging-port={args.debug_port}", f"--window-size={args.width},{args.height}",
        "about:blank",
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        async with websockets.connect(page_socket(args.debug_port), max_size=2**26) as ws:
            tools = DevTools(ws)
            await tools.call("Network.enable")
            for name, value in cookies.items():
                await tools.call("Network.setCookie", name=name, value=value, url=args.server)
            await tools.call("Emulation.setDeviceMetricsOverride", width=args.width,
                             height=args.height, deviceScaleFactor=1, mobile=False)  # fmt: skip
            for spec in args.pages:
                path, out = spec.rsplit("=", 1)
                await tools.call("Page.navigate", url=args.server + path)
                await asyncio.sleep(3)
                shot = await tools.call("Page.captureScreenshot", format="png")
                await asyncio.to_thread(Path(out).write_bytes, base64.b64decode(shot["data"]))
                print(out)
    finally:
        browser.terminate()
        await browser.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--width", type=int, default=1900)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--debug-port", type=int, default=9333, help="Chromium DevTools (loopback)")
    parser.add_argument("pages", nargs="+", help="PATH=OUT.png")
    args = parser.parse_args()
    asyncio.run(shoot(args, session_cookies(args.server, args.user, args.password)))


if __name__ == "__main__":
    main()
