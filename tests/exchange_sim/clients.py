"""Minimal signing clients for the simulator tests, written from the venue docs (not from
``exchange_sim`` or ``trading.exchanges``), so a signing bug in either cannot hide here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx


def now_ms() -> int:
    return int(time.time() * 1000)


class BinanceRest:
    """Signs like the official SDK: every param in the query string, signature last."""

    def __init__(self, base_url: str, api_key: str, secret: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.api_key, self.secret = api_key, secret

    def sign(self, query: str, body: str = "") -> str:
        return hmac.new(self.secret.encode(), (query + body).encode(), hashlib.sha256).hexdigest()

    def signed(
        self, method: str, path: str, ts: int | None = None, **params: Any
    ) -> httpx.Response:
        params["timestamp"] = ts if ts is not None else now_ms()
        query = urlencode(params)
        url = f"{path}?{query}&signature={self.sign(query)}"
        return self.http.request(method, url, headers={"X-MBX-APIKEY": self.api_key})

    def signed_body(self, method: str, path: str, query: str, body: str) -> httpx.Response:
        """ccxt / python-binance style: (some) params in a form body, signature at the end."""
        sig = self.sign(query, body)
        headers = {
            "X-MBX-APIKEY": self.api_key,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        url = f"{path}?{query}" if query else path
        return self.http.request(method, url, content=f"{body}&signature={sig}", headers=headers)

    def order(self, **params: Any) -> httpx.Response:
        return self.signed("POST", "/api/v3/order", **params)

    def account(self) -> dict[str, Any]:
        response = self.signed("GET", "/api/v3/account")
        response.raise_for_status()
        return response.json()

    def free(self, asset: str) -> str:
        rows = {b["asset"]: b for b in self.account()["balances"]}
        return rows[asset]["free"] if asset in rows else "0.00000000"

    def close(self) -> None:
        self.http.close()


def binance_ws_subscribe_params(api_key: str, secret: str, ts: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"apiKey": api_key, "timestamp": ts if ts is not None else now_ms()}
    payload = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    params["signature"] = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return params


class BitgetRest:
    """Signs like Bitget's docs: base64 HMAC over ts + METHOD + path[?query] + body."""

    def __init__(self, base_url: str, account: dict[str, Any], demo: bool = False) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.key, self.secret = account["api_key"], account["api_secret"]
        self.passphrase, self.demo = account["passphrase"], demo

    def headers(self, method: str, path: str, query: str, body: str, ts: str) -> dict[str, str]:
        prehash = ts + method + path + (f"?{query}" if query else "") + body
        digest = hmac.new(self.secret.encode(), prehash.encode(), hashlib.sha256).digest()
        out = {
            "ACCESS-KEY": self.key,
            "ACCESS-SIGN": base64.b64encode(digest).decode(),
            "ACCESS-TIMESTAMP": ts,
            "ACCESS-PASSPHRASE": self.passphrase,
            "Content-Type": "application/json",
            "locale": "en-US",
        }
        if self.demo:
            out["paptrading"] = "1"
        return out

    def request(
        self, method: str, path: str, body: Any = None, ts: str | None = None, **query: Any
    ) -> httpx.Response:
        raw = json.dumps(body, separators=(",", ":")) if body is not None else ""
        qs = urlencode(query)
        headers = self.headers(method, path, qs, raw, ts or str(now_ms()))
        url = f"{path}?{qs}" if qs else path
        return self.http.request(method, url, content=raw.encode() or None, headers=headers)

    def place(self, **body: Any) -> httpx.Response:
        return self.request("POST", "/api/v2/spot/trade/place-order", body)

    def data(self, response: httpx.Response) -> Any:
        payload = response.json()
        assert payload["code"] == "00000", payload
        return payload["data"]

    def available(self, coin: str) -> str:
        rows = self.data(self.request("GET", "/api/v2/spot/account/assets", coin=coin))
        return rows[0]["available"] if rows else "0"

    def close(self) -> None:
        self.http.close()
