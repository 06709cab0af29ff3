"""Event contracts: place-order validation, stake debit, settlement, open-order list, faults."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.exchange_sim.simb_support import WebSession, sim_client

PLACE_V2 = "/bapi/futures/v2/private/future/event-contract/place-order"
PLACE_V1 = "/bapi/futures/v1/private/future/event-contract/place-order"
ONGOING = "/bapi/futures/v2/private/future/event-contract/ongoing-order-list"
ROW_FIELDS = {
    "orderId", "symbolName", "direction", "timeIncrements", "orderAmount", "payoutRatio",
    "openPrice", "closePrice", "createTime", "endTime", "status", "payoutAmount", "walletType",
}  # fmt: skip


def order(**over):
    body = {"orderAmount": "5", "timeIncrements": "TEN_MINUTE", "symbolName": "BTCUSDT",
            "payoutRatio": "0.80", "direction": "LONG"}  # fmt: skip
    body.update(over)
    return body


@pytest.fixture
def web():
    with sim_client() as (client, world):
        now = world.clock_ms()
        world.clock_ms = lambda: now  # pinned: settlement is driven by the test
        yield WebSession.create(client, world, balances={"USDT": "100"})


def balance(web) -> Decimal:
    return Decimal(web.client.get(f"/sim/web/sessions/{web.session_id}").json()["balances"]["USDT"])


def advance(web, ms):
    now = web.world.clock_ms() + ms
    web.world.clock_ms = lambda: now


def test_place_order_shape_and_debit(web):
    r = web.post(PLACE_V2, order(orderAmount=10, payoutRatio=0.8))  # numbers work too
    body = r.json()
    assert r.status_code == 200 and body["success"] is True and body["code"] == "000000"
    assert body["data"] == {}  # the real venue sends no order id
    (data,) = web.get(ONGOING, {"page": 1, "rows": 10}).json()["data"]
    assert set(data) == ROW_FIELDS and isinstance(data["orderId"], str)
    assert data["openPrice"] == "65000.00" and data["status"] == "ONGOING"
    assert data["endTime"] - data["createTime"] == 600_000
    assert balance(web) == Decimal(90)
    listed = web.get(ONGOING, {"page": 1, "rows": 10}).json()
    assert [o["orderId"] for o in listed["data"]] == [data["orderId"]] and listed["total"] == 1


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"orderAmount": "4.99"}, "000002"),
        ({"orderAmount": "251"}, "000002"),
        ({"orderAmount": "abc"}, "000002"),
        ({"timeIncrements": "TWO_MINUTE"}, "000002"),
        ({"symbolName": "DOGEUSDT"}, "000002"),
        ({"direction": "UP"}, "000002"),
        ({"payoutRatio": "0.85"}, "93420010"),
        ({"orderAmount": "150"}, "93420002"),  # more than the 100 USDT balance
    ],
)
def test_validation(web, over, code):
    body = web.post(PLACE_V1, order(**over)).json()
    assert body["success"] is False and body["code"] == code
    assert balance(web) == Decimal(100)


def test_configured_payout_must_match(web):
    web.client.post("/sim/web/config", json={"event_payout": {"ETHUSDT:ONE_HOUR": "0.85"}})
    assert web.post(PLACE_V2, order(symbolName="ETHUSDT", timeIncrements="ONE_HOUR",
                                     payoutRatio="0.80")).json()["code"] == "93420010"  # fmt: skip
    ok = web.post(PLACE_V2, order(symbolName="ETHUSDT", timeIncrements="ONE_HOUR",
                                  payoutRatio="0.85")).json()  # fmt: skip
    assert ok["success"] is True


def test_settlement_win_lose_draw(web):
    w = web.world
    web.post(PLACE_V2, order(orderAmount="10", direction="LONG"))
    web.post(PLACE_V2, order(orderAmount="20", direction="SHORT"))
    web.post(PLACE_V2, order(orderAmount="30", direction="LONG", timeIncrements="THIRTY_MINUTE"))
    assert balance(web) == Decimal(40)
    w.market.set_price("BTCUSDT", Decimal("65100"))
    advance(web, 599_999)
    assert web.get(ONGOING).json()["total"] == 3
    advance(web, 1)
    assert web.get(ONGOING).json()["total"] == 1
    assert balance(web) == Decimal(40) + Decimal(18)  # LONG won 10 × 1.8, SHORT lost
    w.market.set_price("BTCUSDT", Decimal("65000.00"))
    advance(web, 1_200_000)
    rows = web.client.get(f"/sim/web/sessions/{web.session_id}/event-orders").json()
    assert [r["status"] for r in rows] == ["WIN", "LOSE", "DRAW"]
    assert balance(web) == Decimal(88)  # the draw refunds its 30


def test_open_order_limit_and_unavailable(web):
    web.client.post("/sim/web/config", json={"event_max_open": 2})
    assert web.post(PLACE_V2, order()).json()["success"]
    assert web.post(PLACE_V2, order()).json()["success"]
    assert web.post(PLACE_V2, order()).json()["code"] == "93420018"
    web.client.post(f"/sim/web/users/{web.info['user_id']}", json={"unavailable": True})
    web.client.post("/sim/web/config", json={"event_max_open": 5})
    assert web.post(PLACE_V2, order()).json()["code"] == "93420004"


def test_dropped_reply_still_places_exactly_once(web):
    web.world.faults.arm("drop_reply", account=web.session_id)
    with pytest.raises(ConnectionAbortedError):
        web.post(PLACE_V2, order(orderAmount="7"))
    listed = web.get(ONGOING).json()["data"]
    assert [o["orderAmount"] for o in listed] == ["7"]  # the order exists: check before resending
    rows = web.client.get(f"/sim/web/sessions/{web.session_id}/event-orders").json()
    assert len(rows) == 1 and balance(web) == Decimal(93)


def test_error_after_exec(web):
    web.world.faults.arm("error_after_exec", account=web.session_id, status=502)
    r = web.post(PLACE_V2, order())
    assert r.status_code == 502 and r.json()["success"] is False
    assert web.get(ONGOING).json()["total"] == 1


def test_session_expired_on_place(web):
    web.world.faults.arm("session_expired", account=web.session_id)
    assert web.post(PLACE_V2, order()).json()["code"] == "100002001"
    assert balance(web) == Decimal(100)
