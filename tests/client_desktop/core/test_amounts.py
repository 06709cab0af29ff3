"""The order-amount range: the server's (settings reply, ``amount_out_of_range`` detail) checks the
typed amount, 5–200 USDT only until the first answer. Tables of plain values, a mocked transport,
then the admin knob changed on a live server."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from client_desktop.core.amounts import FALLBACK, AmountRange, AmountSettings, bound_text
from client_desktop.core.api_client import ApiClient
from client_desktop.core.server_http import ApiError
from client_desktop.core.session import login
from tests.client_desktop.core.conftest import PASSWORD

D = Decimal
WIDE = AmountRange(D("0.5"), D("1000"))


# --- pure -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "fallback", "wide"),
    [
        ("5", D("5"), D("5")),
        ("200", D("200"), D("200")),
        (" 12.50 ", D("12.50"), D("12.50")),
        ("12,5", D("12.5"), D("12.5")),
        ("12，5", D("12.5"), D("12.5")),
        ("4.99", None, D("4.99")),
        ("0.5", None, D("0.5")),
        ("0.49", None, None),
        ("200.01", None, D("200.01")),
        ("1000", None, D("1000")),
        ("1000.01", None, None),
        ("0", None, None),
        ("-10", None, None),
        ("10.123", None, None),
        ("abc", None, None),
        ("", None, None),
        ("NaN", None, None),
        ("Infinity", None, None),
    ],
)
def test_a_typed_amount_is_checked_against_the_range(text, fallback, wide):
    assert FALLBACK.parse(text) == fallback
    assert WIDE.parse(text) == wide


def test_the_fallback_is_the_knobs_default():
    assert FALLBACK == AmountRange(D("5"), D("200"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"order_amount": "10.00", "amount_min": "1.00", "amount_max": "500.00"}, (1, 500)),
        ({"amount_min": "5", "amount_max": "5"}, (5, 5)),
        ({"amount_min": 2, "amount_max": 20.5}, (2, D("20.5"))),
        ({"amount_min": "50", "amount_max": "10"}, None),  # upside down
        ({"amount_min": "-1", "amount_max": "10"}, None),
        ({"amount_min": "NaN", "amount_max": "10"}, None),
        ({"amount_min": "abc", "amount_max": "10"}, None),
        ({"amount_min": True, "amount_max": "10"}, None),
        ({"amount_max": "10"}, None),
        ({}, None),
        (None, None),
        ("5-200", None),
    ],
)
def test_range_from_the_settings_reply(data, expected):
    allowed = AmountRange.from_settings(data)
    assert allowed == (None if expected is None else AmountRange(D(expected[0]), D(expected[1])))


@pytest.mark.parametrize(
    ("code", "detail", "expected"),
    [
        ("amount_out_of_range", {"min": "1", "max": "300"}, AmountRange(D("1"), D("300"))),
        ("amount_out_of_range", {"min": "1"}, None),
        ("amount_out_of_range", "order_amount out of range", None),
        ("amount_out_of_range", None, None),
        ("validation", {"min": "1", "max": "300"}, None),
    ],
)
def test_range_from_an_out_of_range_refusal(code, detail, expected):
    assert AmountRange.from_refusal(code, detail) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [("200.00", "200"), ("5", "5"), ("0.50", "0.5"), ("12.25", "12.25"), ("1E+3", "1000")],
)
def test_bounds_are_written_as_people_write_them(value, text):
    assert bound_text(D(value)) == text


@pytest.mark.parametrize(("high", "length"), [("200", 8), ("99999.99", 10), ("1000000", 12)])
def test_the_input_is_long_enough_for_the_largest_amount(high, length):
    assert AmountRange(D("1"), D(high)).max_length == length


def test_settings_need_an_amount_and_a_range():
    data = {"order_amount": "20.00", "amount_min": "5.00", "amount_max": "200.00"}
    assert AmountSettings.from_json(data) == AmountSettings(D("20"), FALLBACK)
    with pytest.raises(ValueError):
        AmountSettings.from_json({"order_amount": "20.00"})


# --- the API client, no network ---------------------------------------------------------------
def client_answering(status: int, body: dict) -> tuple[ApiClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    return ApiClient("http://fleet.test", transport=httpx.MockTransport(answer)), seen


def test_amount_settings_reads_the_range():
    api, seen = client_answering(
        200, {"order_amount": "25.00", "amount_min": "2.00", "amount_max": "80.00"}
    )
    assert api.amount_settings() == AmountSettings(D("25"), AmountRange(D("2"), D("80")))
    assert (seen[0].method, seen[0].url.path) == ("GET", "/api/v1/event-orders/settings")


def test_an_out_of_range_refusal_keeps_its_range():
    body = {
        "code": "amount_out_of_range",
        "message": "下单金额超出允许范围",
        "detail": {"min": "5.00", "max": "50.00"},
    }
    api, seen = client_answering(400, body)
    with pytest.raises(ApiError) as refused:
        api.set_amount(D("80"))
    assert json.loads(seen[0].content) == {"order_amount": "80"}
    assert refused.value.code == "amount_out_of_range"
    assert AmountRange.from_refusal(refused.value.code, refused.value.detail) == AmountRange(
        D("5"), D("50")
    )


# --- a live server: the admin changes the knob ------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_range_follows_the_admin_knob(server, make_trader):
    from accounts.models import Trader
    from kernel.runtime_config import config_set

    make_trader("range1")
    api = ApiClient(server.url)
    login(api, "range1", PASSWORD, "dev-range")
    assert api.amount_settings() == AmountSettings(D("10"), FALLBACK)

    config_set("event_amount_min", "1")
    config_set("event_amount_max", "500")
    assert api.amount_settings().range == AmountRange(D("1"), D("500"))
    api.set_amount(D("450"))  # beyond the old 200
    assert Trader.objects.get(username="range1").order_amount == D("450")

    config_set("event_amount_max", "300")
    with pytest.raises(ApiError) as refused:
        api.set_amount(D("400"))
    fresh = AmountRange.from_refusal(refused.value.code, refused.value.detail)
    assert fresh == AmountRange(D("1"), D("300"))
    assert fresh.parse("400") is None and fresh.parse("300") == D("300")
    api.close()
