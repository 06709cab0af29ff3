"""HttpTransport on a real loopback socket (aiohttp, no fakes in between): a refused connection is
"not sent", a venue that takes the request and never answers, or drops the connection after reading
it, is "maybe sent" — OutcomeUnknown for a POST, sent once; retried reads — and an idle kept-alive
connection is reused, within the simulator's keep-alive window."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest

from exchange_sim.serve import KEEP_ALIVE_S
from trading.exchanges.errors import OutcomeUnknown, TemporaryError
from trading.exchanges.http import KEEPALIVE_EXPIRY_S, HttpTransport, RetryPolicy
from trading.exchanges.ratelimit import RateLimiter

OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'


class Venue:
    """A loopback HTTP/1.1 server that counts connections and requests and answers by ``mode``:
    ``ok`` (keep-alive 200), ``hang`` (reads, never answers), ``drop`` (reads, closes)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.connections = 0
        self.requests = 0
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> Venue:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.server.wait_closed(), 1)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                self.requests += 1
                if self.mode == "hang":
                    await asyncio.sleep(30)
                if self.mode == "drop":
                    break
                writer.write(OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


def transport(url: str) -> HttpTransport:
    return HttpTransport(
        url,
        venue="test",
        limiter=RateLimiter(1000),
        timeout=0.3,
        retry=RetryPolicy(attempts=3, backoff=0.01),
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_refused_connection_is_not_sent(method):
    http = transport(f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(TemporaryError) as info:
        await http.request(method, "/api/v3/order", client_order_id="cid")
    assert type(info.value) is TemporaryError and "not sent" in str(info.value)
    await http.close()


@pytest.mark.parametrize("mode", ["hang", "drop"])
async def test_a_post_the_venue_read_but_never_answered_is_unknown_and_sent_once(mode):
    async with Venue(mode) as venue:
        http = transport(venue.url)
        with pytest.raises(OutcomeUnknown) as info:
            await http.request("POST", "/api/v3/order", client_order_id="cid")
        assert info.value.client_order_id == "cid"
        assert venue.requests == 1
        await http.close()


@pytest.mark.parametrize("mode", ["hang", "drop"])
async def test_a_read_without_an_answer_is_retried_then_temporary(mode):
    async with Venue(mode) as venue:
        http = transport(venue.url)
        with pytest.raises(TemporaryError) as info:
            await http.request("GET", "/api/v3/order")
        assert type(info.value) is TemporaryError
        assert venue.requests == 3
        await http.close()


async def test_an_idle_connection_is_kept_alive_and_reused():
    assert KEEPALIVE_EXPIRY_S < KEEP_ALIVE_S  # we let go first: no reuse racing the server's close
    async with Venue("ok") as venue:
        http = transport(venue.url)
        for _ in range(3):
            response = await http.request("POST", "/api/v3/order")
            assert response.json() == {"ok": True}
            await asyncio.sleep(0.5)
        assert (venue.connections, venue.requests) == (1, 3)
        await http.close()
