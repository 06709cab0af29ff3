"""Token bucket, Retry-After blocks and Binance weight headers, with a fake clock."""

import pytest

from trading.exchanges.ratelimit import RateLimiter, limiter_for, weight_delay


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_burst_then_paced():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock)
    delays = [round(limiter.reserve(), 6) for _ in range(12)]
    assert delays[:10] == [0.0] * 10
    assert delays[10:] == [0.1, 0.2]


def test_tokens_refill_with_time():
    clock = FakeClock()
    limiter = RateLimiter(5, capacity=1, clock=clock)
    assert limiter.reserve() == 0
    assert limiter.reserve() == pytest.approx(0.2)
    clock.t += 10
    assert limiter.reserve() == 0


def test_cost_weighs_more():
    limiter = RateLimiter(10, capacity=10, clock=FakeClock())
    assert limiter.reserve(10) == 0
    assert limiter.reserve(5) == pytest.approx(0.5)


def test_block_for_retry_after():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock)
    limiter.block_for(3)
    assert limiter.blocked_for == pytest.approx(3)
    assert limiter.reserve() == pytest.approx(3)
    clock.t += 5
    assert limiter.reserve() == 0


@pytest.mark.parametrize(
    ("used", "limit", "now", "expected"),
    [
        (100, 6000, 30.0, 0.0),
        (4799, 6000, 30.0, 0.0),  # just under 80 %
        (5700, 6000, 30.0, 30.0),  # 95 %: wait for the next minute
        (5999, 6000, 59.5, 0.5),
        (5250, 6000, 0.0, 3.0),  # halfway between soft and hard: 60 s * 0.5 * 0.1
        (10, 0, 0.0, 0.0),
    ],
)
def test_weight_delay(used, limit, now, expected):
    assert weight_delay(used, limit, now) == pytest.approx(expected)


def test_weight_header_blocks():
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, wall_clock=lambda: 120.0)
    limiter.observe_headers({"x-mbx-used-weight-1m": "100"})
    assert limiter.blocked_for == 0
    limiter.observe_headers({"x-mbx-used-weight-1m": "5990"})
    assert limiter.blocked_for == pytest.approx(60.0)


async def test_acquire_sleeps_the_delay():
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    limiter = RateLimiter(2, capacity=1, clock=FakeClock(), sleep=sleep)
    await limiter.acquire()
    await limiter.acquire()
    assert slept == [pytest.approx(0.5)]


def test_registry_shares_per_credential():
    assert limiter_for("key-a") is limiter_for("key-a")
    assert limiter_for("key-a") is not limiter_for("key-b")
