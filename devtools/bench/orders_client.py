"""A lean keep-alive HTTP/1.1 client on raw asyncio streams for ``bench_pull``.

httpx costs ~10× more CPU per request; with 1,000 clients on a 2-core box the load generator
would measure itself. This speaks just enough HTTP/1.1 for our server: Content-Length or chunked
bodies, keep-alive, reconnect on a closed connection. Pure Python, no Django.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field


class HttpError(Exception):
    """Transport failure or a response we could not parse."""


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


@dataclass
class Conn:
    """One keep-alive connection to ``host:port``; requests on it are sequential."""

    host: str
    port: int
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    headers: dict[str, str] = field(default_factory=dict)

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> Reply:
        for attempt in (0, 1):
            if self.writer is None:
                await self._connect()
            assert self.writer is not None  # _connect sets both streams
            started = time.perf_counter()
            try:
                self.writer.write(self._head(method, path, body) + body)
                status, data = await self._read()
            except (ConnectionError, asyncio.IncompleteReadError, HttpError) as exc:
                await self.close()
                if attempt == 1 or time.perf_counter() - started > 1.0:
                    raise HttpError(f"{type(exc).__name__}: {exc}") from exc
                continue
            return Reply(status, data, time.perf_counter() - started)
        raise HttpError("unreachable")

    def _head(self, method: str, path: str, body: bytes) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        if body or method in ("POST", "PUT", "PATCH"):
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def _read(self) -> tuple[int, bytes]:
        assert self.reader is not None  # request() connected first
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HttpError(f"bad status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            data = await self._chunked()
        else:
            data = b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return int(parts[1]), data

    async def _chunked(self) -> bytes:
        assert self.reader is not None  # _read's caller connected first
        out = bytearray()
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return bytes(out)
            out += await self.reader.readexactly(size)
            await self.reader.readexactly(2)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]
