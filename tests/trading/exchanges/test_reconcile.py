"""reconcile_order and place_and_reconcile: lookups are retried, placement never is."""

from decimal import Decimal

import pytest

from trading.exchanges.base import SpotCapabilities, place_and_reconcile, place_order
from trading.exchanges.errors import (
    InsufficientBalance,
    NotPlaced,
    OrderNotFound,
    OutcomeUnknown,
    RateLimited,
    TemporaryError,
)
from trading.exchanges.reconcile import lookup_delays, reconcile_order
from trading.exchanges.types import (
    OrderRequest,
    OrderResult,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)

FILLED = OrderResult("BTCUSDT", "42", "cid-1", OrderStatus.FILLED, executed_base=Decimal(1))


class ScriptedLookup:
    """Answers lookups from a script: an exception instance is raised, a result returned."""

    def __init__(self, *script):
        self.script = list(script)
        self.calls = 0

    async def __call__(self, cid: str) -> OrderResult:
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


class Sleeps:
    def __init__(self) -> None:
        self.slept: list[float] = []

    async def __call__(self, s: float) -> None:
        self.slept.append(s)


@pytest.mark.parametrize(
    ("attempts", "backoff", "expected"),
    [(1, 0.5, []), (3, 0.5, [0.5, 1.0]), (6, 1, [1, 2, 4, 4, 4]), (0, 1, [])],
)
def test_lookup_delays(attempts, backoff, expected):
    assert lookup_delays(attempts, backoff) == expected


@pytest.mark.parametrize(
    ("script", "outcome", "calls"),
    [
        ([FILLED], "found", 1),
        ([OrderNotFound(), OrderNotFound(), FILLED], "found", 3),
        ([TemporaryError(), FILLED], "found", 2),
        ([OrderNotFound()] * 4, "not_placed", 4),
        ([OrderNotFound(), TemporaryError(), OrderNotFound(), OrderNotFound()], "unknown", 4),
        ([TemporaryError()] * 4, "unknown", 4),
    ],
)
async def test_reconcile_table(script, outcome, calls):
    lookup = ScriptedLookup(*script)
    sleep = Sleeps()
    if outcome == "found":
        assert await reconcile_order(lookup, "cid-1", attempts=4, sleep=sleep) == FILLED
    else:
        expected = NotPlaced if outcome == "not_placed" else OutcomeUnknown
        with pytest.raises(expected) as info:
            await reconcile_order(lookup, "cid-1", attempts=4, sleep=sleep)
        assert info.value.client_order_id == "cid-1"
    assert lookup.calls == calls
    # waits happen between lookups only: none after the last one or after a hit
    assert len(sleep.slept) == calls - 1


async def test_rate_limited_lookup_waits_retry_after():
    lookup = ScriptedLookup(RateLimited(retry_after=7), FILLED)
    sleep = Sleeps()
    assert await reconcile_order(lookup, "cid-1", attempts=3, backoff=0.1, sleep=sleep) == FILLED
    assert sleep.slept == [7, 0.1]


async def test_other_errors_propagate():
    lookup = ScriptedLookup(InsufficientBalance())
    with pytest.raises(InsufficientBalance):
        await reconcile_order(lookup, "cid-1", sleep=Sleeps())


class FakeVenue:
    capabilities = SpotCapabilities(venue="fake")

    def __init__(self, lookup):
        self.lookup = lookup
        self.placed = 0

    async def get_order(self, symbol, cid):
        return await self.lookup(cid)


async def test_place_and_reconcile_sends_once_then_looks_up():
    venue = FakeVenue(ScriptedLookup(OrderNotFound(), FILLED))

    async def place():
        venue.placed += 1
        raise OutcomeUnknown("reply dropped")

    result = await place_and_reconcile(venue, "BTCUSDT", "cid-1", place, sleep=Sleeps())
    assert result == FILLED
    assert venue.placed == 1
    assert venue.lookup.calls == 2


async def test_place_and_reconcile_passes_through_success_and_rejections():
    venue = FakeVenue(ScriptedLookup())

    async def ok():
        return FILLED

    async def broke():
        raise InsufficientBalance()

    assert await place_and_reconcile(venue, "BTCUSDT", "cid-1", ok) == FILLED
    with pytest.raises(InsufficientBalance):
        await place_and_reconcile(venue, "BTCUSDT", "cid-1", broke)
    assert venue.lookup.calls == 0


class Recorder:
    """A venue whose placement methods record how they were called."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        async def method(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return FILLED

        return method


@pytest.mark.parametrize(
    ("request_kwargs", "expected"),
    [
        (
            {"side": Side.BUY, "type": OrderType.MARKET, "quote_amount": Decimal(10)},
            ("market_buy_quote", ("BTCUSDT", Decimal(10), "cid-1"), {}),
        ),
        (
            {"side": Side.SELL, "type": OrderType.MARKET, "quantity": Decimal(1)},
            ("market_sell_base", ("BTCUSDT", Decimal(1), "cid-1"), {}),
        ),
        (
            {
                "side": Side.BUY,
                "type": OrderType.LIMIT,
                "quantity": Decimal(1),
                "price": Decimal(5),
            },
            (
                "limit_order",
                ("BTCUSDT", Side.BUY, Decimal(1), Decimal(5), "cid-1"),
                {"time_in_force": TimeInForce.GTC, "post_only": False},
            ),
        ),
        (
            {
                "side": Side.SELL,
                "type": OrderType.LIMIT_MAKER,
                "quantity": Decimal(1),
                "price": Decimal(5),
            },
            (
                "limit_order",
                ("BTCUSDT", Side.SELL, Decimal(1), Decimal(5), "cid-1"),
                {"time_in_force": TimeInForce.GTC, "post_only": True},
            ),
        ),
        ({"side": Side.BUY, "type": OrderType.MARKET, "quantity": Decimal(1)}, None),
        ({"side": Side.SELL, "type": OrderType.MARKET, "quote_amount": Decimal(1)}, None),
        (
            {
                "side": Side.BUY,
                "type": OrderType.LIMIT,
                "quote_amount": Decimal(1),
                "price": Decimal(5),
            },
            None,
        ),
    ],
)
async def test_place_order_routing(request_kwargs, expected):
    venue = Recorder()
    req = OrderRequest("BTCUSDT", client_order_id="cid-1", **request_kwargs)
    if expected is None:
        with pytest.raises(ValueError):
            place_order(venue, req)
        assert venue.calls == []
    else:
        assert await place_order(venue, req) == FILLED
        assert venue.calls == [expected]
