"""QR login end to end against the simulator: get a code, the operator scans and confirms it
through the control API, the tokens come back and work; driven through the state machine."""

from __future__ import annotations

import httpx
import pytest

from trading.exchanges.binance_web.client import EventContractClient
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.binance_web.qr_login import QrLoginClient, expiration_from, set_cookies
from trading.exchanges.binance_web.qr_machine import (
    CodeIssued,
    FetchCode,
    Phase,
    Polled,
    PollLater,
    QrState,
    SaveSession,
    ShowCode,
    Start,
    step,
)

pytestmark = pytest.mark.integration


async def test_qr_flow_end_to_end(sim) -> None:
    qr = QrLoginClient(base_url=sim.url)
    code = await qr.qr_get()
    assert code.code in code.render_text
    assert (await qr.qr_query(code.code)).status is QrStatus.NEW
    sim.control.ok("POST", f"/sim/web/qr/{code.code}/scan")
    assert (await qr.qr_query(code.code)).status is QrStatus.SCAN
    confirmed = sim.control.ok("POST", f"/sim/web/qr/{code.code}/confirm", json={})
    poll = await qr.qr_query(code.code)
    await qr.close()
    assert poll.status is QrStatus.CONFIRM and poll.session is not None
    session = poll.session
    assert (session.csrftoken, session.p20t) == (confirmed["csrftoken"], confirmed["p20t"])
    assert session.expiration_timestamp == confirmed["expirationTimestamp"]
    async with EventContractClient(session, base_url=sim.url) as events:
        assert await events.open_orders() == []


async def test_expired_code(sim) -> None:
    sim.control.ok("POST", "/sim/web/config", json={"qr_ttl_s": 0})
    qr = QrLoginClient(base_url=sim.url)
    try:
        code = await qr.qr_get()
        assert (await qr.qr_query(code.code)).status is QrStatus.EXPIRED
    finally:
        sim.control.ok("POST", "/sim/web/config", json={"qr_ttl_s": 60})
        await qr.close()


async def test_state_machine_driven_against_the_sim(sim) -> None:
    """A minimal driver, as the desktop client runs it (without sleeping between polls)."""
    qr = QrLoginClient(base_url=sim.url)
    state, actions = step(QrState(), Start())
    saved = []
    for _ in range(20):
        events = []
        for action in actions:
            if isinstance(action, FetchCode):
                got = await qr.qr_get()
                events.append(CodeIssued(got.code, got.render_text))
            elif isinstance(action, ShowCode):
                sim.control.ok("POST", f"/sim/web/qr/{state.code}/confirm", json={})
            elif isinstance(action, PollLater):
                poll = await qr.qr_query(action.code)
                events.append(Polled(action.code, poll.status, poll.session))
            elif isinstance(action, SaveSession):
                saved.append(action.session)
        if not events:
            break
        for event in events:
            state, actions = step(state, event)
    await qr.close()
    assert state.phase is Phase.CONFIRMED and saved == [state.session]


def test_cookie_and_expiry_parsing() -> None:
    response = httpx.Response(
        200,
        headers=[
            ("set-cookie", "p20t=web.1.ABC; Max-Age=3600; Path=/; HttpOnly"),
            ("set-cookie", "csrftoken=xyz; Max-Age=3600; Path=/"),
            ("date", "Thu, 01 Jan 2026 00:00:00 GMT"),
        ],
    )
    assert set_cookies(response) == {"p20t": ("web.1.ABC", 3600), "csrftoken": ("xyz", 3600)}
    assert expiration_from(response) == 1_767_225_600 + 3600
    assert expiration_from(httpx.Response(200)) == -1
    two_dates = httpx.Response(
        200,
        headers=[
            ("date", "Thu, 01 Jan 2026 00:00:05 GMT"),
            ("set-cookie", "p20t=a; Max-Age=10"),
            ("date", "Thu, 01 Jan 2026 00:00:00 GMT"),
        ],
    )
    assert expiration_from(two_dates) == 1_767_225_600 + 10
