"""The Alpha volume bot's server API for the desktop client (Qt-free, blocking: run off the GUI
thread), and small pure helpers that turn its JSON into what the tab shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from client_desktop.core import routes
from client_desktop.core.api_client import ApiClient
from trading.exchanges.binance_web.auth import WebSession

ACTIONS: Final = ("start", "pause", "resume", "stop", "sweep")


class AlphaApi:
    """The trader's Alpha calls on a logged-in :class:`ApiClient`."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def host_session(self, env: str, session: WebSession, *, consent: bool) -> Any:
        """Upload the QR-bound web session to the server ("托管到服务器用于 Alpha")."""
        body = {"env": env, "consent": consent, **session.to_token_json()}
        return self.api.request("POST", routes.ALPHA_SESSION, body)

    def sessions(self) -> list[dict[str, Any]]:
        return list(self.api.request("GET", routes.ALPHA_SESSION))

    def risk_notice(self) -> dict[str, Any]:
        return dict(self.api.request("GET", routes.ALPHA_RISK_NOTICE))

    def accept_risk(self) -> Any:
        return self.api.request("POST", routes.ALPHA_RISK_NOTICE)

    def bots(self) -> list[dict[str, Any]]:
        return list(self.api.request("GET", routes.ALPHA_BOTS))

    def configure(self, config: dict[str, Any]) -> dict[str, Any]:
        return dict(self.api.request("PUT", routes.ALPHA_BOTS, config))

    def act(self, bot_id: int, action: str) -> dict[str, Any]:
        if action not in ACTIONS:
            raise ValueError(action)
        return dict(self.api.request("POST", f"{routes.ALPHA_BOTS}/{bot_id}/{action}"))

    def cycles(self, bot_id: int, limit: int = 50) -> list[dict[str, Any]]:
        return list(self.api.request("GET", f"{routes.ALPHA_BOTS}/{bot_id}/cycles?limit={limit}"))

    def balances(self, bot_id: int) -> dict[str, dict[str, str]]:
        return dict(self.api.request("GET", f"{routes.ALPHA_BOTS}/{bot_id}/balances"))


@dataclass(frozen=True)
class Snapshot:
    """Everything the tab shows at one moment (one refresh)."""

    bot: dict[str, Any] | None
    cycles: list[dict[str, Any]]
    balances: dict[str, dict[str, str]]


def fetch_snapshot(alpha: AlphaApi) -> Snapshot:
    """The trader's first bot, its recent cycles and balances (balances may be unavailable)."""
    bots = alpha.bots()
    if not bots:
        return Snapshot(None, [], {})
    bot = bots[0]
    cycles = alpha.cycles(bot["id"])
    try:
        balances = alpha.balances(bot["id"])
    except Exception:  # the venue being slow must not blank the rest of the tab
        balances = {}
    return Snapshot(bot, cycles, balances)


def wear_series(cycles: list[dict[str, Any]]) -> tuple[list[int], list[float]]:
    """(cycle numbers, cumulative wear in bps) in cycle order, for the chart."""
    rows = sorted(cycles, key=lambda c: c["number"])
    xs, ys = [], []
    cost = counted = Decimal(0)
    for row in rows:
        cost += Decimal(row["cost"])
        counted += Decimal(row["counted"])
        xs.append(int(row["number"]))
        ys.append(float(cost / counted * 10000) if counted else 0.0)
    return xs, ys


BUTTONS_BY_PHASE: Final = {
    "idle": {"start"}, "stopped": {"start", "sweep"}, "target_reached": {"start", "sweep"},
    "paused": {"resume", "stop", "sweep"},
}  # fmt: skip
RUNNING_BUTTONS: Final = {"pause", "stop"}


def enabled_actions(phase: str | None) -> set[str]:
    """Which of start / pause / resume / stop / sweep make sense in ``phase``."""
    if phase is None:
        return set()
    return set(BUTTONS_BY_PHASE.get(phase, RUNNING_BUTTONS))
