"""``make demo`` fixtures of copy trading: a sim Binance leader, three Binance and three Bitget sim
followers (stored as Leader / Followers with environment ``sim``), copying switched on, and an
operator login for the desktop copy-trading tab.

``seed_demo`` runs *before* the simulator process starts (and the simulator keeps its accounts in
memory), so the simulator accounts are created by ``ensure_sim_accounts`` — called here when the
simulator already answers, and again by the demo scenario (``demo_scenario``) at its start. Keys are
the simulator's fixed demo keys (``exchange_sim.demo.credentials``: public on purpose, loopback only).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from exchange_sim.demo import credentials
from trading.copytrade.models import Follower, Leader
from trading.copytrade.services import followers as services
from trading.exchanges.environments import sim_url


@dataclass(frozen=True)
class SimAccount:
    venue: str  # binance | bitget
    name: str
    balances: dict[str, str]


LEADER = SimAccount("binance", "leader", {"USDT": "10000", "BTC": "0.5"})
FOLLOWERS = [
    SimAccount("binance", "follower-1", {"USDT": "2000"}),
    SimAccount("binance", "follower-2", {"USDT": "500", "BTC": "0.01"}),
    SimAccount("binance", "copy-binance-3", {"USDT": "3000", "BTC": "0.05"}),
    SimAccount("bitget", "bitget-follower", {"USDT": "1000"}),
    SimAccount("bitget", "copy-bitget-2", {"USDT": "1500", "BTC": "0.02"}),
    SimAccount("bitget", "copy-bitget-3", {"USDT": "800"}),
]
OPERATOR = ("operator1", "demo-operate-123")


def ensure_sim_accounts(http: httpx.Client) -> int:
    """Create the demo accounts the simulator does not know yet (idempotent); returns how many
    were created. Raises ``httpx.HTTPError`` when the simulator is not reachable."""
    created = 0
    for acct in [LEADER, *FOLLOWERS]:
        base = f"/sim/{acct.venue}/accounts"
        if http.get(f"{base}/{acct.name}").status_code == 200:
            continue
        creds = credentials(acct.name)
        body: dict[str, object] = {
            "name": acct.name,
            "api_key": creds["api_key"],
            "api_secret": creds["api_secret"],
            "balances": acct.balances,
        }
        if acct.venue == "bitget":
            body["passphrase"] = creds["passphrase"]
        http.post(base, json=body).raise_for_status()
        created += 1
    return created


def seed(stdout) -> list[str]:
    """Store the demo leader and followers (idempotent), switch copying on, create the operator;
    return the banner lines."""
    sim_note = _try_sim(stdout)
    _leader()
    for acct in FOLLOWERS:
        _follower(acct)
    services.copy_set_running(running=True)
    _operator()
    names = ", ".join(a.name for a in FOLLOWERS)
    return [
        f"  Copy trading:   sim leader 'leader' (demo-leader-key) trades every few seconds; "
        f"followers {names}{sim_note}",
        f"  Copy operator:  {OPERATOR[0]} / {OPERATOR[1]} (desktop copy-trading tab, "
        "POST /api/v1/copy/operator-login)",
    ]


def _try_sim(stdout) -> str:
    try:
        with httpx.Client(base_url=sim_url(), timeout=2) as http:
            ensure_sim_accounts(http)
    except httpx.HTTPError:
        return " (simulator accounts are created when the demo scenario starts)"
    return ""


def _leader() -> Leader:
    key = credentials(LEADER.name)["api_key"]
    current = Leader.objects.select_related("credential").filter(is_active=True).first()
    if current is not None and current.credential.api_key == key:
        return current
    creds = credentials(LEADER.name)
    return services.leader_set(
        environment="sim", api_key=key, api_secret=creds["api_secret"], label="demo leader"
    )


def _follower(acct: SimAccount) -> Follower:
    found = Follower.objects.filter(name=acct.name).select_related("credential").first()
    if found is not None:
        return found
    creds = credentials(acct.name)
    return services.follower_create(
        name=acct.name,
        venue=acct.venue,
        environment="sim",
        api_key=creds["api_key"],
        api_secret=creds["api_secret"],
        passphrase=creds["passphrase"] if acct.venue == "bitget" else "",
    )


def _operator() -> None:
    username, password = OPERATOR
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    perm = Permission.objects.get(codename="operate", content_type__app_label="copytrade")
    user.user_permissions.add(perm)
