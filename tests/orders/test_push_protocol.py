"""The push socket's messages as values (``orders.push.protocol``): a table of client frames and
what they parse to, and the server frames' shapes. No network, no database."""

from __future__ import annotations

import json

import pytest

from orders.push import protocol as p
from orders.push.hub import delivery_id_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"type": "ping", "ref": "a"}', p.Ping("a")),
        ('{"type": "ping"}', p.Ping("")),
        ('{"type": "ack", "ids": ["1-2", "3-4"]}', p.Ack(("1-2", "3-4"))),
        ('{"type": "ack", "ids": ["1-2", "x", 5, "1-2-3"]}', p.Ack(("1-2",))),
        ('{"type": "ack", "ids": "1-2"}', p.Malformed("", "ack needs ids: [delivery id, …]")),
        (
            '{"type": "report", "ref": "r", "order_id": 7, "report": {"outcome": "placed"}}',
            p.Report("r", "7", b'{"outcome": "placed"}'),
        ),
        (
            '{"type": "report", "order_id": true, "report": {}}',
            p.Malformed("", "report needs order_id"),
        ),
        (
            '{"type": "report", "ref": "r", "order_id": "7", "report": []}',
            p.Malformed("r", "report needs report: {outcome, …}"),
        ),
        ('{"type": "nope", "ref": 5}', p.Malformed("", "unknown type 'nope'")),
        ("[1, 2]", p.Malformed("", "not a JSON object")),
        ("{", p.Malformed("", "not JSON")),
        (b"\xff", p.Malformed("", "not JSON")),
    ],
)
def test_parse(raw, expected):
    assert p.parse(raw) == expected


def test_ack_ids_are_capped():
    ids = [f"{n}-1" for n in range(1, 500)]
    parsed = p.parse(json.dumps({"type": "ack", "ids": ids}))
    assert isinstance(parsed, p.Ack) and len(parsed.ids) == 200


def test_server_frames():
    fragment = '{"id":5,"symbol":"BTCUSDT","delivery_id":"5-9"'
    frame = json.loads(p.orders_frame("T", [fragment + ',"amount":"10.00"}']))
    assert frame == {
        "type": "orders",
        "server_time": "T",
        "orders": [{"id": 5, "symbol": "BTCUSDT", "delivery_id": "5-9", "amount": "10.00"}],
    }
    assert delivery_id_of(fragment) == "5-9"
    assert json.loads(p.acked_frame(("5-9",), [1])) == {
        "type": "acked",
        "ids": ["5-9"],
        "states": [1],
    }
    error = json.loads(p.error_frame("r", 409, {"code": "not_delivered", "message": "m"}))
    assert error == {
        "type": "error",
        "ref": "r",
        "status": 409,
        "code": "not_delivered",
        "message": "m",
    }
    assert [p.close_code(s) for s in (401, 403, 503)] == [4401, 4403, 4503]
