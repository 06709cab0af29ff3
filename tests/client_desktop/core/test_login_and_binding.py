"""Login refusals, the 24 h session, the encrypted vault, the QR binding flow and binding
expiry — the desktop core against a live server and the simulator."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from client_desktop.core.api_client import ApiClient
from client_desktop.core.binding import (
    Binding,
    BindingPhase,
    QrLogin,
    bind_by_qr,
)
from client_desktop.core.i18n import error_text
from client_desktop.core.server_http import ApiError, SessionEnded
from client_desktop.core.session import check, login
from client_desktop.core.vault import Vault
from tests.client_desktop.core.conftest import PASSWORD, wait_for
from trading.exchanges.binance_web.auth import WebSession
from trading.exchanges.environments import Env

pytestmark = pytest.mark.django_db(transaction=True)


# --- login ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("setup", "password", "code", "words"),
    [
        ("ok", "wrong-password", "invalid_credentials", "用户名或密码错误"),
        ("expired", PASSWORD, "account_expired", "账号已过期，请联系管理员"),
        ("disabled", PASSWORD, "account_disabled", "账号已被禁用，请联系管理员"),
    ],
)
def test_login_refusals_carry_codes_and_words(server, make_trader, setup, password, code, words):
    from accounts.models import Trader
    from accounts.services import trader_set_disabled

    make_trader("bob", days=-1 if setup == "expired" else 5)
    if setup == "disabled":
        trader_set_disabled(trader=Trader.objects.get(username="bob"), disabled=True)
    api = ApiClient(server.url)
    with pytest.raises(ApiError) as caught:
        login(api, "bob", password, "dev-x")
    assert caught.value.code == code
    assert error_text(caught.value.code, "zh") == words
    assert api.token is None
    api.close()


def test_device_not_allowed_shows_the_device_id(server, make_trader, settings):
    settings.APP_MODE = "device_whitelist"
    make_trader("carol")
    api = ApiClient(server.url)
    with pytest.raises(ApiError) as caught:
        login(api, "carol", PASSWORD, "dev-unknown-42")
    assert caught.value.code == "device_not_allowed"
    assert "dev-unknown-42" in error_text("device_not_allowed", "zh", device_id="dev-unknown-42")
    api.close()


def test_login_opens_a_24h_session(server, make_trader):
    make_trader("dave")
    api = ApiClient(server.url)
    session = login(api, "dave", PASSWORD, "dev-1")
    left = session.seconds_left(api.clock.now())
    assert 24 * 3600 - 60 < left <= 24 * 3600
    assert session.trader.username == "dave"
    assert check(api, session) is session
    api.close()


def _age_session(token: str, hours: float) -> None:
    from accounts.models import ClientSession
    from accounts.session_cache import session_cache_put, token_hash

    row = ClientSession.objects.get(token_hash=token_hash(token))
    row.created_at -= timedelta(hours=hours)
    row.expires_at -= timedelta(hours=hours)
    row.save()
    session_cache_put(row.token_hash, row.trader_id, row.expires_at.timestamp())


def test_session_older_than_24h_is_refused_and_trading_stops(make_trader, make_client):
    make_trader("erin")
    client = make_client("erin")
    client.login()
    client.bind()
    stopped: list[str] = []
    trader = client.start()
    trader.subscribe(on_stopped=stopped.append)
    _age_session(client.api.token or "", 24.01)
    wait_for(lambda: stopped, what="trading to stop")
    assert stopped == ["session_expired"]
    assert trader.state().stopped_reason == "session_expired"
    assert trader.state().last_error == error_text("session_expired", "zh")
    wait_for(lambda: not trader.alive, what="worker exit")
    with pytest.raises(SessionEnded):
        client.api.pull()


def test_client_clock_ends_the_session_without_asking(make_trader, make_client):
    make_trader("fay")
    client = make_client("fay")
    session = client.login()
    client.bind()
    session.expires_at = timezone.now() - timedelta(seconds=1)  # 24 h passed on the client
    stopped: list[str] = []
    trader = client.start()
    trader.subscribe(on_stopped=stopped.append)
    wait_for(lambda: not trader.alive, what="worker exit")
    assert trader.state().stopped_reason == "session_expired"


def test_account_expired_mid_session_stops_trading(make_trader, make_client):
    from accounts.models import Trader
    from accounts.services import trader_update

    make_trader("gus")
    client = make_client("gus")
    client.login()
    client.bind()
    trader = client.start()
    trader_update(
        trader=Trader.objects.get(username="gus"), expires_at=timezone.now() - timedelta(seconds=1)
    )
    wait_for(lambda: not trader.alive, what="worker exit")
    assert trader.state().stopped_reason == "account_expired"
    assert trader.state().last_error == "账号已过期，请联系管理员"


# --- vault ------------------------------------------------------------------------------------
def test_vault_encrypts_per_device_and_per_trader(tmp_path):
    web = WebSession("csrf-secret-123", "web.p20t-secret-456", 2_000_000_000)
    vault = Vault(tmp_path, "dev-1")
    vault.save("alice", web)
    raw = vault.path_for("alice").read_bytes()
    assert b"csrf-secret-123" not in raw and b"p20t-secret-456" not in raw
    assert oct(vault.path_for("alice").stat().st_mode & 0o777) == "0o600"
    assert Vault(tmp_path, "dev-1").load("alice") == web
    assert Vault(tmp_path, "dev-2").load("alice") is None  # another device id: another key
    other = tmp_path / "other"
    other.mkdir()
    (other / vault.path_for("alice").name).write_bytes(raw)
    assert Vault(other, "dev-1").load("alice") is None  # another salt: another key
    vault.path_for("bob").write_bytes(raw)  # swapped between traders: refused
    assert vault.load("bob") is None
    assert "secret" not in repr(web)


# --- QR binding -------------------------------------------------------------------------------
def test_qr_flow_binds_and_stores_the_session_encrypted(make_trader, make_client, web_sim):
    make_trader("hal")
    client = make_client("hal")
    client.login()
    seen: list[str] = []
    source = QrLogin(env=Env.SIM, base_url=web_sim.url)

    def confirm(code: str, render_text: str) -> None:
        seen.append(code)
        assert code in render_text
        web_sim.control.ok("POST", f"/sim/web/qr/{code}/scan")
        web_sim.control.ok("POST", f"/sim/web/qr/{code}/confirm", json={"user_id": "u-hal"})

    web = bind_by_qr(source, client.binding, on_code=confirm, timeout_s=20)
    source.close()
    assert web is not None and len(seen) == 1
    status = client.binding.status()
    assert status.phase is BindingPhase.BOUND
    assert status.seconds_left is not None and status.seconds_left > 4 * 86_400
    reloaded = Binding(Vault(client.data_dir, client.device_id), "hal")
    assert reloaded.session() == web
    assert web.p20t.encode() not in client.vault.path_for("hal").read_bytes()


def test_expired_qr_code_is_replaced_by_a_fresh_one(make_trader, make_client, web_sim):
    web_sim.control.ok("POST", "/sim/web/config", json={"qr_ttl_s": 1})
    make_trader("ida")
    client = make_client("ida")
    seen: list[str] = []
    source = QrLogin(env=Env.SIM, base_url=web_sim.url)

    def on_code(code: str, render_text: str) -> None:
        seen.append(code)
        if len(seen) == 2:  # let the first code expire; confirm the refreshed one
            web_sim.control.ok("POST", f"/sim/web/qr/{code}/confirm", json={})

    web = bind_by_qr(source, client.binding, on_code=on_code, timeout_s=20)
    source.close()
    assert web is not None
    assert len(seen) == 2 and seen[0] != seen[1]


def test_qr_flow_stops_when_asked(make_trader, make_client, web_sim):
    make_trader("jon")
    client = make_client("jon")
    stop = threading.Event()
    source = QrLogin(env=Env.SIM, base_url=web_sim.url)
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(bind_by_qr(source, client.binding, stop=stop))
    )
    worker.start()
    time.sleep(1.5)
    stop.set()
    worker.join(5)
    source.close()
    assert result == [None]
    assert client.binding.status().phase is BindingPhase.NONE


# --- binding expiry ---------------------------------------------------------------------------
def test_binding_past_its_expiry_stops_trading_and_asks_for_the_qr(make_trader, make_client):
    make_trader("kim")
    client = make_client("kim")
    client.login()
    # a session Binance says ends in 31 s: with the 30 s margin it is over in about a second
    near = WebSession("c", "p", int(time.time()) + 31)
    client.binding.store(near)
    assert client.binding.status().phase is BindingPhase.BOUND
    stopped: list[str] = []
    trader = client.start()
    trader.subscribe(on_stopped=stopped.append)
    wait_for(lambda: stopped, timeout=10, what="binding expiry")
    assert stopped == ["binance_session_expired"]
    assert client.binding.status().phase is BindingPhase.EXPIRED
    assert not client.vault.path_for("kim").exists()
    assert client.session is not None and client.session.ended_reason is None  # login still ok


def test_binance_login_expired_answer_invalidates_the_binding(
    make_trader, make_client, make_order, web_sim
):
    from orders.models import ExecutionReport

    make_trader("leo")
    client = make_client("leo")
    client.login()
    client.bind()
    web_sim.control.fault("session_expired", account=client.sim_session_id)
    stopped: list[str] = []
    trader = client.start()
    trader.subscribe(on_stopped=stopped.append)
    order = make_order()
    wait_for(lambda: stopped, what="trading to stop")
    assert stopped == ["binance_session_expired"]
    assert client.binding.status().phase is BindingPhase.EXPIRED
    report = wait_for(
        lambda: ExecutionReport.objects.filter(order_id=order.pk).first(), what="the report"
    )
    assert report.outcome == "failed" and report.error_code == "binance_session_expired"
