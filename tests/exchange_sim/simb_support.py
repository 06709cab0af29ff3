"""Test support for the futures and Binance-web simulator tests: an in-process app (no server).

``sim_app`` builds the real ``create_app`` with only the modules these tests need, so they do not
depend on other venues' state; ``BinanceSigner`` signs fapi requests independently of both the
simulator and ``trading.exchanges``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from starlette.testclient import TestClient

import exchange_sim.app as sim_app_module
from exchange_sim.world import World

MODULES = ["exchange_sim.control", "exchange_sim.futures", "exchange_sim.web"]


@contextmanager
def sim_client(world: World | None = None) -> Iterator[tuple[TestClient, World]]:
    world = world or World()
    saved = list(sim_app_module.VENUE_MODULES)
    sim_app_module.VENUE_MODULES[:] = [m for m in MODULES if _importable(m)]
    try:
        app = sim_app_module.create_app(world)
    finally:
        sim_app_module.VENUE_MODULES[:] = saved
    with TestClient(app) as client:
        yield client, world


def _importable(name: str) -> bool:
    try:
        module = __import__(name, fromlist=["install"])
    except ImportError:
        return False
    return hasattr(module, "install")


class BinanceSigner:
    """Signs like a Binance client: HMAC-SHA256 hex over the exact query string sent."""

    def __init__(self, client: TestClient, world: World, api_key: str, secret: str) -> None:
        self.client, self.world, self.api_key, self.secret = client, world, api_key, secret

    def sign(self, query: str) -> str:
        return hmac.new(self.secret.encode(), query.encode(), hashlib.sha256).hexdigest()

    def request(self, method: str, path: str, **params: Any) -> Any:
        params.setdefault("timestamp", self.world.clock_ms())
        query = urlencode(params)
        url = f"{path}?{query}&signature={self.sign(query)}"
        return self.client.request(method, url, headers={"X-MBX-APIKEY": self.api_key})

    def body_request(self, method: str, path: str, **params: Any) -> Any:
        """ccxt / python-binance style: every parameter in the form body."""
        params.setdefault("timestamp", self.world.clock_ms())
        body = urlencode(params)
        body += f"&signature={self.sign(body)}"
        headers = {
            "X-MBX-APIKEY": self.api_key,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.client.request(method, path, content=body, headers=headers)


class WebSession:
    """A Binance-web browser session against the simulator: csrftoken header + p20t cookie."""

    def __init__(self, client: TestClient, world: World, info: dict[str, Any]) -> None:
        self.client, self.world, self.info = client, world, info
        self.session_id = info["session_id"]

    @classmethod
    def create(cls, client: TestClient, world: World, **body: Any) -> WebSession:
        made = client.post("/sim/web/sessions", json=body)
        assert made.status_code == 200, made.text
        return cls(client, world, made.json())

    def headers(self, csrftoken: str | None = None, p20t: str | None = None) -> dict[str, str]:
        return {
            "clienttype": "web",
            "content-type": "application/json",
            "csrftoken": self.info["csrftoken"] if csrftoken is None else csrftoken,
            "cookie": f"p20t={self.info['p20t'] if p20t is None else p20t}",
        }

    def post(self, path: str, body: Any = None, **auth: str) -> Any:
        self.client.cookies.clear()
        return self.client.post(path, json=body or {}, headers=self.headers(**auth))

    def get(self, path: str, params: dict | None = None, **auth: str) -> Any:
        self.client.cookies.clear()
        return self.client.get(path, params=params, headers=self.headers(**auth))
