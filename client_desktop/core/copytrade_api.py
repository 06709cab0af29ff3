"""The copy-trading operator API (``/api/v1``, docs/products.md copy-trading §5) as plain
synchronous calls — Qt-free, run them off the GUI thread. Money arrives as decimal strings and
becomes ``Decimal``; requests and typed errors are the one HTTP client's
(:mod:`client_desktop.core.server_http`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from client_desktop.core import routes
from client_desktop.core.server_http import DEFAULT_SERVER, ServerHttp, dec


@dataclass(frozen=True)
class LastCopy:
    """A follower's newest copy (side, size, outcome) as the status API shows it."""

    side: str
    ratio: Decimal
    requested: Decimal
    status: str
    latency_ms: int | None
    error: str
    skip_reason: str
    event_id: int = 0

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> LastCopy:
        return cls(
            side=str(row["side"]),
            ratio=Decimal(str(row["ratio"])),
            requested=Decimal(str(row["requested"])),
            status=str(row["status"]),
            latency_ms=row.get("latency_ms"),
            error=str(row.get("error") or ""),
            skip_reason=str(row.get("skip_reason") or ""),
            event_id=int(row.get("event_id") or 0),
        )


@dataclass(frozen=True)
class FollowerView:
    """One follower as the status / accounts API shows it."""

    id: int
    name: str
    exchange: str
    env: str
    state: str
    free_usdt: Decimal | None
    free_btc: Decimal | None
    last_error: str
    last_copy: LastCopy | None
    api_key_masked: str = ""

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> FollowerView:
        last = row.get("last_copy")
        return cls(
            id=int(row["id"]),
            name=str(row["name"]),
            exchange=str(row["exchange"]),
            env=str(row["env"]),
            state=str(row["state"]),
            free_usdt=dec(row.get("freeUSDT")),
            free_btc=dec(row.get("freeBTC")),
            last_error=str(row.get("last_error") or ""),
            last_copy=LastCopy.from_json(last) if last else None,
            api_key_masked=str(row.get("api_key_masked") or ""),
        )


@dataclass(frozen=True)
class EventView:
    """One leader market order and its fan-out result."""

    id: int
    t: str
    type: str
    leader_order_id: str
    x_percent: Decimal
    fanout: int
    ok: int
    fail: int
    skipped: int
    latency_ms: int | None
    not_copied_reason: str

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> EventView:
        return cls(
            id=int(row["id"]),
            t=str(row["t"]),
            type=str(row["type"]),
            leader_order_id=str(row["leader_order_id"]),
            x_percent=Decimal(str(row["x_percent"])),
            fanout=int(row["fanout"]),
            ok=int(row["ok"]),
            fail=int(row["fail"]),
            skipped=int(row.get("skipped", 0)),
            latency_ms=row.get("latency_ms"),
            not_copied_reason=str(row.get("not_copied_reason") or ""),
        )


@dataclass(frozen=True)
class LeaderView:
    exchange: str
    env: str
    connected: bool
    connection: str
    api_key_masked: str

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> LeaderView:
        return cls(
            exchange=str(row["exchange"]),
            env=str(row["env"]),
            connected=bool(row["connected"]),
            connection=str(row.get("connection") or ""),
            api_key_masked=str(row.get("api_key_masked") or ""),
        )


@dataclass(frozen=True)
class CopyStatus:
    """``GET /status``: the whole dashboard in one reply."""

    running: bool
    leader: LeaderView | None
    followers: list[FollowerView]
    events: list[EventView]
    p50_ms: int | None
    p95_ms: int | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CopyStatus:
        latency = data.get("latency") or {}
        leader = data.get("leader")
        return cls(
            running=bool(data["running"]),
            leader=LeaderView.from_json(leader) if leader else None,
            followers=[FollowerView.from_json(r) for r in data.get("followers") or []],
            events=[EventView.from_json(r) for r in data.get("recent_events") or []],
            p50_ms=latency.get("p50_ms"),
            p95_ms=latency.get("p95_ms"),
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    free_usdt: Decimal | None
    free_btc: Decimal | None
    error: str
    state: str


class CopyTradeApi(ServerHttp):
    """The operator's calls on one server with one operator token (``login`` sets it)."""

    def __init__(
        self,
        server: str = DEFAULT_SERVER,
        *,
        token: str | None = None,
        timeout: float = 25.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(server, token=token, timeout=timeout, transport=transport)

    # --- session ---
    def login(self, username: str, password: str) -> str:
        data = self.request(
            "POST", routes.OPERATOR_LOGIN, {"username": username, "password": password}
        )
        self.token = str(data["token"])
        return self.token

    def logout(self) -> None:
        try:
            self.request("POST", routes.OPERATOR_LOGOUT)
        finally:
            self.token = None

    # --- dashboard and global switch ---
    def status(self) -> CopyStatus:
        return CopyStatus.from_json(self.request("GET", routes.COPY_STATUS))

    def start(self) -> bool:
        return bool(self.request("POST", "/api/v1/copy/start")["running"])

    def stop(self) -> bool:
        return bool(self.request("POST", "/api/v1/copy/stop")["running"])

    # --- followers ---
    def accounts(self) -> list[FollowerView]:
        return [FollowerView.from_json(r) for r in self.request("GET", routes.COPY_ACCOUNTS)]

    def create_account(
        self,
        *,
        name: str,
        exchange: str,
        env: str,
        api_key: str,
        api_secret: str,
        passphrase: str = "",
    ) -> FollowerView:
        body = {
            "name": name,
            "exchange": exchange,
            "env": env,
            "api_key": api_key,
            "api_secret": api_secret,
            "passphrase": passphrase,
        }
        return FollowerView.from_json(self.request("POST", routes.COPY_ACCOUNTS, body))

    def update_account(self, account_id: int, **fields: str) -> FollowerView:
        return FollowerView.from_json(
            self.request("PATCH", routes.COPY_ACCOUNT.format(id=account_id), dict(fields))
        )

    def delete_account(self, account_id: int) -> None:
        self.request("DELETE", routes.COPY_ACCOUNT.format(id=account_id))

    def pause(self, account_id: int) -> FollowerView:
        return FollowerView.from_json(
            self.request("POST", routes.COPY_ACCOUNT.format(id=account_id) + "/pause")
        )

    def resume(self, account_id: int) -> FollowerView:
        return FollowerView.from_json(
            self.request("POST", routes.COPY_ACCOUNT.format(id=account_id) + "/resume")
        )

    def verify(self, account_id: int) -> VerifyResult:
        data = self.request("POST", routes.COPY_ACCOUNT.format(id=account_id) + "/verify")
        return VerifyResult(
            ok=bool(data["ok"]),
            free_usdt=dec(data.get("freeUSDT")),
            free_btc=dec(data.get("freeBTC")),
            error=str(data.get("error") or ""),
            state=str(data.get("state") or ""),
        )

    # --- leader ---
    def set_leader(self, *, env: str, api_key: str, api_secret: str) -> LeaderView:
        body = {"exchange": "binance", "env": env, "api_key": api_key, "api_secret": api_secret}
        return LeaderView.from_json(self.request("PUT", routes.COPY_LEADER, body)["leader"])
