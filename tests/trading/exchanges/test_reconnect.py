"""The shared reconnect loop: backoff with jitter, stall detection, gaps after reconnects."""

import asyncio
from contextlib import asynccontextmanager

import pytest

from trading.exchanges.errors import AuthError
from trading.exchanges.reconnect import (
    HEARTBEAT,
    Expectations,
    ReconnectPolicy,
    StreamGap,
    reconnecting,
)


@pytest.mark.parametrize(
    ("attempt", "rand", "expected"),
    [(1, 1.0, 0.5), (2, 1.0, 1.0), (3, 0.5, 1.0), (10, 1.0, 30.0), (4, 0.0, 0.0)],
)
def test_backoff_delay(attempt, rand, expected):
    assert ReconnectPolicy(base_delay=0.5, max_delay=30).delay(attempt, lambda: rand) == expected


class Sessions:
    """Each session plays a script: items to yield, then an exception or "hang" (a stall)."""

    def __init__(self, *scripts):
        self.scripts = list(scripts)
        self.opened = 0

    @asynccontextmanager
    async def open(self):
        self.opened += 1
        script = self.scripts.pop(0)
        if isinstance(script, Exception):
            raise script
        yield self._items(script)

    async def _items(self, script):
        for item in script:
            if item == "hang":
                await asyncio.sleep(3600)
            elif isinstance(item, Exception):
                raise item
            else:
                yield item


async def take(stream, n):
    out = []
    async for item in stream:
        out.append(item)
        if len(out) == n:
            break
    await stream.aclose()
    return out


async def _nosleep(_s):
    return None


async def test_events_pass_heartbeats_dropped_and_gap_after_reconnect():
    sessions = Sessions(
        [HEARTBEAT, "a", ConnectionError("reset")],
        OSError("refused"),
        [HEARTBEAT, "b"],
    )
    stream = reconnecting(sessions.open, str, sleep=_nosleep, policy=ReconnectPolicy())
    items = await take(stream, 3)
    assert items[0] == "a"
    assert isinstance(items[1], StreamGap)
    assert items[1].since <= items[1].until
    assert items[2] == "b"
    assert sessions.opened == 3


async def test_stall_triggers_reconnect():
    sessions = Sessions(["a", "hang"], ["b"])
    policy = ReconnectPolicy(stall_timeout=0.05, check_interval=0.01)
    items = await take(reconnecting(sessions.open, str, policy=policy, sleep=_nosleep), 3)
    assert items[0] == "a" and items[2] == "b"
    assert isinstance(items[1], StreamGap)
    assert "StreamStalled" in items[1].reason
    assert sessions.opened == 2


async def test_backoff_grows_while_failing_and_resets_after_success():
    slept = []

    async def sleep(s):
        slept.append(s)

    sessions = Sessions(OSError(), OSError(), ["a", OSError()], OSError(), ["b"])
    policy = ReconnectPolicy(base_delay=1, max_delay=100)
    stream = reconnecting(sessions.open, str, policy=policy, sleep=sleep, rng=lambda: 1.0)
    items = await take(stream, 4)
    assert [i if isinstance(i, str) else "gap" for i in items] == ["gap", "a", "gap", "b"]
    assert slept == [1, 2, 1, 2]  # the delivered "a" reset the backoff


async def test_auth_error_is_not_retried():
    sessions = Sessions(AuthError("revoked"), ["never"])
    with pytest.raises(AuthError):
        await take(reconnecting(sessions.open, str, sleep=_nosleep), 1)
    assert sessions.opened == 1


async def test_gives_up_after_max_attempts():
    sessions = Sessions(OSError(), OSError(), OSError())
    policy = ReconnectPolicy(max_attempts=2)
    with pytest.raises(ConnectionError, match="gave up"):
        await take(reconnecting(sessions.open, str, policy=policy, sleep=_nosleep), 1)


class Update:
    def __init__(self, cid):
        self.client_order_id = cid


def test_expectations_table():
    now = [0.0]
    exp = Expectations(timeout=5, clock=lambda: now[0])
    exp.expect("a")
    now[0] = 4
    assert not exp.overdue()
    now[0] = 6
    assert exp.overdue()
    exp.seen("a")
    assert not exp.overdue()
    exp.expect("b")
    exp.clear()
    now[0] = 100
    assert not exp.overdue()


async def test_overdue_expectation_reconnects_a_chatty_but_stalled_stream():
    """Heartbeats keep flowing (no silence) but the owed order event never comes."""

    async def heartbeats_forever():
        while True:
            await asyncio.sleep(0.005)
            yield HEARTBEAT

    class Chatty(Sessions):
        async def _items(self, script):
            if script == "chatty":
                async for hb in heartbeats_forever():
                    yield hb
            else:
                async for item in super()._items(script):
                    yield item

    exp = Expectations(timeout=0.05)
    exp.expect("cid-1")
    sessions = Chatty("chatty", [Update("cid-1")])
    policy = ReconnectPolicy(stall_timeout=10, check_interval=0.01)
    stream = reconnecting(sessions.open, Update, policy=policy, sleep=_nosleep, expectations=exp)
    items = await take(stream, 2)
    assert isinstance(items[0], StreamGap) and "overdue" in items[0].reason
    assert items[1].client_order_id == "cid-1"
    assert not exp.overdue()
