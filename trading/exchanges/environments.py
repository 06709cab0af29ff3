"""Base URLs per venue API and environment — the one table. ``sim`` points at our simulator.

Environments: ``prod``, ``test`` (exchange testnet), ``demo`` (Bitget demo trading with header
``paptrading: 1``; Binance demo mode), ``sim`` (exchange_sim on loopback). Nothing else in the code
special-cases ``sim``: it is only a different row here. The sim base URL comes from the
``FLEET_SIM_URL`` environment variable (default ``http://127.0.0.1:8900``): tests use any port.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum


class Env(StrEnum):
    PROD = "prod"
    TEST = "test"
    DEMO = "demo"
    SIM = "sim"


@dataclass(frozen=True)
class Endpoints:
    """Where one venue API lives in one environment."""

    rest: str
    ws: str = ""  # WebSocket API / private stream base
    stream: str = ""  # public market streams base
    extra_headers: tuple[tuple[str, str], ...] = ()


def sim_url() -> str:
    return os.environ.get("FLEET_SIM_URL", "http://127.0.0.1:8900").rstrip("/")


def _sim(path_ws: str = "", path_stream: str = "") -> Endpoints:
    base = sim_url()
    ws_base = "ws" + base.removeprefix("http")
    return Endpoints(rest=base, ws=ws_base + path_ws, stream=ws_base + path_stream)


_TABLE: dict[tuple[str, Env], Endpoints] = {
    ("binance_spot", Env.PROD): Endpoints(
        "https://api.binance.com",
        "wss://ws-api.binance.com:443/ws-api/v3",
        "wss://stream.binance.com:9443",
    ),
    ("binance_spot", Env.TEST): Endpoints(
        "https://testnet.binance.vision",
        "wss://ws-api.testnet.binance.vision/ws-api/v3",
        "wss://stream.testnet.binance.vision",
    ),
    ("binance_spot", Env.DEMO): Endpoints(
        "https://demo-api.binance.com",
        "wss://demo-ws-api.binance.com/ws-api/v3",
        "wss://demo-stream.binance.com:9443",
    ),
    ("binance_futures", Env.PROD): Endpoints(
        "https://fapi.binance.com", "wss://fstream.binance.com", "wss://fstream.binance.com"
    ),
    ("binance_futures", Env.TEST): Endpoints(
        "https://testnet.binancefuture.com",
        "wss://fstream.binancefuture.com",
        "wss://fstream.binancefuture.com",
    ),
    ("binance_futures", Env.DEMO): Endpoints(
        "https://demo-fapi.binance.com",
        "wss://fstream.binancefuture.com",
        "wss://fstream.binancefuture.com",
    ),
    ("bitget", Env.PROD): Endpoints(
        "https://api.bitget.com",
        "wss://ws.bitget.com/v2/ws/private",
        "wss://ws.bitget.com/v2/ws/public",
    ),
    ("bitget", Env.DEMO): Endpoints(
        "https://api.bitget.com",
        "wss://wspap.bitget.com/v2/ws/private",
        "wss://wspap.bitget.com/v2/ws/public",
        extra_headers=(("paptrading", "1"),),
    ),
    ("binance_web", Env.PROD): Endpoints(
        "https://www.binance.com",
        "wss://nbstream.binance.com/w3w/stream",
        "wss://nbstream.binance.com/w3w/wsa/stream",
    ),
    ("binance_accounts", Env.PROD): Endpoints("https://accounts.binance.com"),
}

# Simulator paths for WebSockets (one port serves every venue; see exchange_sim/app.py).
_SIM_WS: dict[str, tuple[str, str]] = {
    "binance_spot": ("/ws-api/v3", "/stream"),
    "binance_futures": ("/fstream", "/fstream"),
    "bitget": ("/v2/ws/private", "/v2/ws/public"),
    "binance_web": ("/w3w/stream", "/w3w/wsa/stream"),
    "binance_accounts": ("", ""),
}


def endpoints(venue: str, env: Env | str) -> Endpoints:
    """The endpoints of ``venue`` in ``env``; ``KeyError`` for a pair that does not exist."""
    env = Env(env)
    if env is Env.SIM:
        ws_path, stream_path = _SIM_WS[venue]
        return _sim(ws_path, stream_path) if venue != "bitget" else _bitget_sim()
    return _TABLE[(venue, env)]


def _bitget_sim() -> Endpoints:
    ep = _sim(*_SIM_WS["bitget"])
    return Endpoints(ep.rest, ep.ws, ep.stream)
