"""HttpTransport error mapping: what may have executed becomes OutcomeUnknown, POSTs are never
re-sent, reads are retried, 429/418 become RateLimited and block the limiter. The failures are
aiohttp's own exceptions, raised by a scripted venue (``test_http_wire.py`` provokes the same
ones on a real loopback socket)."""

import aiohttp
import httpx
import pytest
from aiohttp.client_reqrep import ConnectionKey

from tests.trading.exchanges.mock_venue import MockVenue
from trading.exchanges.errors import OutcomeUnknown, RateLimited, TemporaryError
from trading.exchanges.http import Headers, HttpTransport, RetryPolicy, retry_after_seconds
from trading.exchanges.ratelimit import RateLimiter

KEY = ConnectionKey("venue.test", 80, False, True, None, None, None, None)


def refused() -> aiohttp.ClientConnectorError:
    return aiohttp.ClientConnectorError(KEY, ConnectionRefusedError(111, "refused"))


class Script:
    """A scripted venue answering from a list; exceptions are raised."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


async def _nosleep(_s: float) -> None:
    return None


def make(script: Script) -> HttpTransport:
    return HttpTransport(
        "http://venue.test",
        venue="test",
        limiter=RateLimiter(1000),
        transport=MockVenue(script),
        retry=RetryPolicy(attempts=3, backoff=0),
        sleep=_nosleep,
    )


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


@pytest.mark.parametrize(
    ("method", "failure", "error", "sends"),
    [
        ("POST", refused(), TemporaryError, 1),
        ("POST", aiohttp.ConnectionTimeoutError("connect"), TemporaryError, 1),
        ("POST", aiohttp.SocketTimeoutError("slow"), OutcomeUnknown, 1),
        ("POST", TimeoutError(), OutcomeUnknown, 1),
        ("POST", aiohttp.ServerDisconnectedError(), OutcomeUnknown, 1),
        ("POST", aiohttp.ClientOSError(104, "reset"), OutcomeUnknown, 1),
        ("POST", aiohttp.ClientPayloadError("truncated"), OutcomeUnknown, 1),
        ("POST", httpx.Response(503, text="busy"), OutcomeUnknown, 1),
        ("GET", aiohttp.SocketTimeoutError("slow"), TemporaryError, 3),
        ("GET", refused(), TemporaryError, 3),
        ("GET", httpx.Response(502), TemporaryError, 3),
        ("DELETE", aiohttp.ClientOSError(104, "reset"), TemporaryError, 3),
    ],
)
async def test_failure_mapping(method, failure, error, sends):
    script = Script(*[failure] * 3)
    transport = make(script)
    with pytest.raises(error) as info:
        await transport.request(method, "/x", client_order_id="cid")
    assert type(info.value) is error
    assert len(script.requests) == sends
    if error is OutcomeUnknown:
        assert info.value.client_order_id == "cid"
    await transport.close()


async def test_get_recovers_after_retry():
    script = Script(aiohttp.SocketTimeoutError("slow"), ok())
    transport = make(script)
    response = await transport.request("GET", "/x", query="a=1")
    assert response.json() == {"ok": True}
    assert [str(r.url) for r in script.requests] == ["http://venue.test/x?a=1"] * 2


async def test_client_errors_are_returned_for_the_venue_to_map():
    script = Script(httpx.Response(400, json={"code": -2010}))
    response = await make(script).request("POST", "/order")
    assert response.status_code == 400


@pytest.mark.parametrize(("status", "banned"), [(429, False), (418, True)])
async def test_rate_limited_blocks_the_limiter(status, banned):
    script = Script(httpx.Response(status, headers={"Retry-After": "7"}))
    transport = make(script)
    with pytest.raises(RateLimited) as info:
        await transport.request("GET", "/x")
    assert info.value.retry_after == 7
    assert info.value.banned is banned
    assert len(script.requests) == 1  # never hammer on after a 429
    assert transport.limiter.blocked_for > 6


async def test_prepare_resigns_each_attempt():
    script = Script(refused(), ok())
    stamps = iter(["t=1", "t=2"])
    await make(script).request("GET", "/x", prepare=lambda: (next(stamps), None, {}))
    assert [r.url.query for r in script.requests] == [b"t=1", b"t=2"]


async def test_weight_header_is_observed():
    script = Script(httpx.Response(200, json={}, headers={"X-MBX-USED-WEIGHT-1M": "5999"}))
    transport = make(script)
    await transport.request("GET", "/x")
    assert transport.limiter.blocked_for > 0


@pytest.mark.parametrize(
    ("headers", "expected"), [({"retry-after": "3"}, 3.0), ({}, 1.0), ({"retry-after": "x"}, 1.0)]
)
def test_retry_after_seconds(headers, expected):
    assert retry_after_seconds(Headers(headers.items())) == expected
