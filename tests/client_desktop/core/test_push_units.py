"""The client side of push without a network: where the socket is, and how refusals map."""

from __future__ import annotations

import pytest

from client_desktop.core.push import error_of, push_url_for
from client_desktop.core.server_http import ApiError, NetworkError, SessionEnded
from client_desktop.core.settings import Settings


@pytest.mark.parametrize(
    ("server", "url"),
    [
        ("http://127.0.0.1:8000", "ws://127.0.0.1:8000/api/v1/push"),
        ("https://fleet.example.com/", "wss://fleet.example.com/api/v1/push"),
        ("https://fleet.example.com/base", "wss://fleet.example.com/base/api/v1/push"),
    ],
)
def test_push_url_for(server, url):
    assert push_url_for(server) == url


@pytest.mark.parametrize(
    ("push", "url"),
    [
        ("auto", "wss://f.example/api/v1/push"),
        ("", "wss://f.example/api/v1/push"),
        ("off", ""),
        ("ws://127.0.0.1:8001/api/v1/push", "ws://127.0.0.1:8001/api/v1/push"),
    ],
)
def test_settings_push_url(push, url):
    assert Settings(server="https://f.example", push=push).push_url() == url


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (401, {"code": "invalid_token"}, SessionEnded, "invalid_token"),
        (403, {"code": "account_disabled"}, SessionEnded, "account_disabled"),
        (409, {"code": "not_delivered"}, ApiError, "not_delivered"),
        (404, {}, ApiError, "http_404"),
        (503, {"code": "service_unavailable"}, NetworkError, "server"),
    ],
)
def test_error_of(status, body, kind, code):
    error = error_of(status, body)
    assert type(error) is kind and error.code == code and error.status == status


def order_row(order_id: int, trader_id: int = 7) -> dict:
    return {
        "id": order_id,
        "symbol": "BTCUSDT",
        "direction": "LONG",
        "time_increment": "TEN_MINUTE",
        "payout_ratio": "0.80",
        "amount": "10.00",
        "created_at": "2026-12-07T00:00:00.000Z",
        "valid_until": "2026-12-07T00:01:00.000Z",
        "delivery_id": f"{order_id}-{trader_id}",
    }


def test_frames_queue_orders_once_and_answer_waiters():
    from client_desktop.core.push import PushChannel

    woke = []
    channel = PushChannel(
        "ws://127.0.0.1:1/api/v1/push", lambda: "t", on_change=lambda: woke.append(1)
    )
    for _ in range(3):  # re-sent while nobody takes them: one copy waits
        channel._frame(
            {"type": "orders", "server_time": "x", "orders": [order_row(5), order_row(6)]}
        )
    assert [o.delivery_id for o in channel.take()] == ["5-7", "6-7"]
    assert channel.take() == [] and len(woke) == 3
    channel._frame({"type": "acked", "ids": ["5-7", "6-7"], "states": [1, 0]})
    assert channel.confirmed() == {"5-7", "6-7"}  # answered: confirmed whatever the state
    channel._frame({"type": "error", "ref": "", "status": 401, "code": "session_expired"})
    assert isinstance(channel.refusal, SessionEnded) and channel.refusal.code == "session_expired"
    assert channel.ack(["5-7"]) is False  # not connected: the pull carries it
    with pytest.raises(NetworkError):
        channel.report(5, {"outcome": "placed"}, timeout=0.1)
