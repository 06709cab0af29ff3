"""Public USDⓈ-M market data (no API key): klines with pagination, funding history, mark price,
and the combined kline stream.

Venue facts (Binance USDⓈ-M futures API docs, "Market Data Endpoints" and "Websocket Market
Streams"; summarised in ``docs/connectors.md``):

- ``GET /fapi/v1/klines`` returns at most 1500 rows from ``startTime``; the last row is the candle
  still forming (its ``closeTime`` is in the future), so callers drop it.
- ``GET /fapi/v1/fundingRate`` (``symbol, startTime, endTime, limit`` ≤ 1000) → funding history;
  ``GET /fapi/v1/premiumIndex`` → the current mark price and funding estimate.
- Combined stream ``<ws>/stream?streams=<sym>@kline_<interval>/…`` wraps each event as
  ``{"stream", "data": {"e": "kline", "k": {t, T, s, i, o, h, l, c, v, x, …}}}``; ``k.x`` is true
  on the frame that closes the candle.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import websockets

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures.mapping import dec, parse_kline
from trading.exchanges.binance_futures.models import Kline
from trading.exchanges.binance_futures.rest import FuturesRest
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import ProtocolError
from trading.exchanges.http import Sender
from trading.exchanges.reconnect import HEARTBEAT, ReconnectPolicy, StreamGap, reconnecting
from trading.exchanges.types import ms_to_datetime

FUNDING_RATE: Final = "/fapi/v1/fundingRate"
PREMIUM_INDEX: Final = "/fapi/v1/premiumIndex"
FUNDING_MAX_LIMIT: Final = 1000


@dataclass(frozen=True)
class FundingRate:
    """One funding settlement: ``GET /fapi/v1/fundingRate`` row."""

    symbol: str
    funding_time: datetime
    rate: Decimal
    mark_price: Decimal | None


@dataclass(frozen=True)
class MarkPrice:
    """``GET /fapi/v1/premiumIndex`` for one symbol."""

    symbol: str
    mark_price: Decimal
    index_price: Decimal
    last_funding_rate: Decimal
    next_funding_time: datetime
    time: datetime


@dataclass(frozen=True)
class KlineUpdate:
    """One kline stream frame: the candle so far, ``closed`` on its final frame."""

    symbol: str
    interval: str
    kline: Kline
    closed: bool


def _ms(value: datetime | None) -> int | None:
    return int(value.timestamp() * 1000) if value is not None else None


def _time(value: Any) -> datetime:
    parsed = ms_to_datetime(value)
    if parsed is None:
        raise ProtocolError(f"missing time {value!r}", venue=c.VENUE)
    return parsed


def parse_funding(row: Mapping[str, Any]) -> FundingRate:
    mark = row.get("markPrice")
    return FundingRate(
        symbol=str(row["symbol"]),
        funding_time=_time(row["fundingTime"]),
        rate=dec(row["fundingRate"]),
        mark_price=dec(mark) if mark not in (None, "") else None,
    )


def parse_mark_price(row: Mapping[str, Any]) -> MarkPrice:
    return MarkPrice(
        symbol=str(row["symbol"]),
        mark_price=dec(row["markPrice"]),
        index_price=dec(row.get("indexPrice", row["markPrice"])),
        last_funding_rate=dec(row.get("lastFundingRate", "0")),
        next_funding_time=_time(row["nextFundingTime"]),
        time=_time(row["time"]),
    )


def parse_kline_frame(text: str | bytes) -> KlineUpdate | object:
    """A combined-stream frame → :class:`KlineUpdate` (``HEARTBEAT`` for anything else)."""
    try:
        frame = json.loads(text)
    except ValueError as exc:
        raise ProtocolError(f"bad frame {text[:200]!r}", venue=c.VENUE) from exc
    data = frame.get("data", frame) if isinstance(frame, Mapping) else None
    if not isinstance(data, Mapping) or data.get("e") != "kline":
        return HEARTBEAT
    k = data["k"]
    row = [k["t"], k["o"], k["h"], k["l"], k["c"], k["v"], k["T"], k.get("q", "0"),
           k.get("n", 0), k.get("V", "0"), k.get("Q", "0")]  # fmt: skip
    return KlineUpdate(str(k["s"]), str(k["i"]), parse_kline(row), bool(k["x"]))


class FuturesMarket:
    """Public market data of USDⓈ-M futures. Close it (or ``async with``) when done."""

    def __init__(
        self,
        *,
        env: Env | str = Env.PROD,
        base_url: str | None = None,
        stream_url: str | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.rest = FuturesRest(
            None, env=env, base_url=base_url, transport=transport, timeout=timeout
        )
        self.stream_url = (stream_url or endpoints("binance_futures", env).stream).rstrip("/")

    async def close(self) -> None:
        await self.rest.close()

    async def __aenter__(self) -> FuturesMarket:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def closed_klines(
        self,
        symbol: str,
        interval: str,
        *,
        start: datetime,
        end: datetime | None = None,
        now: datetime,
        max_pages: int = 20,
    ) -> list[Kline]:
        """Every CLOSED candle from ``start`` (to ``end``), following pages of 1500."""
        out: list[Kline] = []
        cursor = _ms(start)
        for _ in range(max_pages):
            params = {"symbol": symbol, "interval": interval, "startTime": cursor,
                      "endTime": _ms(end), "limit": c.KLINES_MAX_LIMIT}  # fmt: skip
            page = [parse_kline(r) for r in await self.rest.public("GET", c.KLINES, params)]
            out.extend(k for k in page if k.close_time < now)
            if len(page) < c.KLINES_MAX_LIMIT or page[-1].close_time >= now:
                break
            cursor = _ms(page[-1].open_time) + 1  # type: ignore[operator]
        return out

    async def funding_rates(
        self, symbol: str, *, start: datetime | None = None, end: datetime | None = None
    ) -> list[FundingRate]:
        params = {"symbol": symbol, "startTime": _ms(start), "endTime": _ms(end),
                  "limit": FUNDING_MAX_LIMIT}  # fmt: skip
        return [parse_funding(r) for r in await self.rest.public("GET", FUNDING_RATE, params)]

    async def mark_price(self, symbol: str) -> MarkPrice:
        return parse_mark_price(await self.rest.public("GET", PREMIUM_INDEX, {"symbol": symbol}))

    def kline_stream(
        self, pairs: list[tuple[str, str]], *, policy: ReconnectPolicy | None = None
    ) -> AsyncIterator[KlineUpdate | StreamGap]:
        """Kline updates of ``(symbol, interval)`` pairs forever; a ``StreamGap`` after each
        reconnect (refill the missed candles over REST)."""
        names = "/".join(f"{s.lower()}@kline_{i}" for s, i in pairs)
        url = f"{self.stream_url}/stream?streams={names}"

        @contextlib.asynccontextmanager
        async def session() -> AsyncIterator[AsyncIterator[object]]:
            async with websockets.connect(url, max_size=2**22) as ws:
                yield (parse_kline_frame(text) async for text in ws)

        return reconnecting(session, KlineUpdate, policy=policy)
