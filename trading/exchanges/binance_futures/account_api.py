"""Account-level futures methods: modes, margin type, leverage brackets, commission, API-key
restrictions, and trade / income history in the windows Binance allows.

A mixin of :class:`~trading.exchanges.binance_futures.client.FuturesClient` (kept apart so each
module stays small). History: ``userTrades`` spans at most 7 days per call and ``income`` keeps 3
months; both return at most 1000 rows, so a full window is split until every page fits
(docs/connectors.md#futures-history). A page can only be split down to one millisecond: more
than 1000 fills of one symbol in the same millisecond would be cut (not a trader's volume).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from trading.exchanges.binance_futures import constants as c
from trading.exchanges.binance_futures import mapping
from trading.exchanges.binance_futures.constants import MarginType
from trading.exchanges.binance_futures.models import (
    AccountModes,
    ApiRestrictions,
    Bracket,
    CommissionRate,
    FuturesFill,
    Income,
)
from trading.exchanges.errors import OrderRejected

if TYPE_CHECKING:
    from trading.exchanges.binance_futures.rest import FuturesRest

NO_CHANGE = frozenset({str(c.E_NO_NEED_MARGIN_TYPE), str(c.E_NO_NEED_POSITION_SIDE)})
MAX_WINDOW = timedelta(milliseconds=c.USER_TRADES_MAX_WINDOW_MS)


def windows(start: datetime, end: datetime, size: timedelta = MAX_WINDOW) -> Iterator[tuple]:
    """``[start, end]`` cut into consecutive windows of at most ``size`` (inclusive ends)."""
    edge = start
    while edge < end:
        stop = min(edge + size, end)
        yield edge, stop
        edge = stop + timedelta(milliseconds=1)


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def is_no_change(exc: OrderRejected) -> bool:
    """``-4046`` / ``-4059`` "No need to change …": the account is already as asked."""
    return exc.code in NO_CHANGE or "no need to change" in exc.message.lower()


class FuturesAccountApi:
    """Methods that read or set account-wide state (mixed into ``FuturesClient``)."""

    rest: FuturesRest
    sapi: FuturesRest | None
    _brackets: dict[str, tuple[float, list[Bracket]]]

    async def mark_price(self, symbol: str) -> Decimal:
        """The symbol's current mark price (``GET /fapi/v1/premiumIndex``, weight 1)."""
        body = await self.rest.public("GET", c.PREMIUM_INDEX, {"symbol": symbol})
        return mapping.dec(body.get("markPrice"))

    async def account_modes(self) -> AccountModes:
        dual = await self.rest.signed("GET", c.POSITION_MODE)
        multi = await self.rest.signed("GET", c.MULTI_ASSETS_MODE)
        return AccountModes(
            hedge=mapping.flag(dual.get("dualSidePosition")),
            multi_assets=mapping.flag(multi.get("multiAssetsMargin")),
        )

    async def set_position_mode(self, *, hedge: bool) -> bool:
        """Switch One-way/Hedge; False when it already was (-4059). Binance refuses (-4068) with
        a position or open order — callers must check first and never flip a live account."""
        params = {"dualSidePosition": "true" if hedge else "false"}
        try:
            await self.rest.signed("POST", c.POSITION_MODE, params)
        except OrderRejected as exc:
            if is_no_change(exc):
                return False
            raise
        return True

    async def set_margin_type(self, symbol: str, margin_type: MarginType) -> bool:
        """ISOLATED/CROSSED for ``symbol``; False when it already was (-4046)."""
        params = {"symbol": symbol, "marginType": MarginType(margin_type).value}
        try:
            await self.rest.signed("POST", c.MARGIN_TYPE, params)
        except OrderRejected as exc:
            if is_no_change(exc):
                return False
            raise
        return True

    async def leverage_brackets(self, symbol: str, *, max_age_s: float = 600.0) -> list[Bracket]:
        """The account's brackets for ``symbol`` (cached ``max_age_s``: they change rarely)."""
        cache = self._brackets
        hit = cache.get(symbol)
        if hit is not None and time.monotonic() - hit[0] < max_age_s:
            return hit[1]
        brackets = await self._fetch_brackets(symbol)
        cache[symbol] = (time.monotonic(), brackets)
        return brackets

    async def _fetch_brackets(self, symbol: str) -> list[Bracket]:
        body: Any = await self.rest.signed("GET", c.LEVERAGE_BRACKET, {"symbol": symbol})
        item = body[0] if isinstance(body, list) else body
        return [
            Bracket(
                initial_leverage=int(b["initialLeverage"]),
                notional_floor=mapping.dec(str(b.get("notionalFloor", 0))),
                notional_cap=mapping.dec(str(b["notionalCap"])),
                maint_margin_ratio=mapping.dec(str(b.get("maintMarginRatio", 0))),
            )
            for b in item.get("brackets", [])
        ]

    async def commission_rate(self, symbol: str) -> CommissionRate:
        body = await self.rest.signed("GET", c.COMMISSION_RATE, {"symbol": symbol})
        return CommissionRate(
            symbol=str(body["symbol"]),
            maker=mapping.dec(body.get("makerCommissionRate")),
            taker=mapping.dec(body.get("takerCommissionRate")),
        )

    async def api_restrictions(self) -> ApiRestrictions | None:
        """The key's permissions, or None where the venue does not report them (testnets)."""
        if self.sapi is None:
            return None
        body = await self.sapi.signed("GET", c.API_RESTRICTIONS)
        return ApiRestrictions(
            enable_reading=mapping.flag(body.get("enableReading")),
            enable_futures=mapping.flag(body.get("enableFutures")),
            enable_withdrawals=mapping.flag(body.get("enableWithdrawals")),
            ip_restrict=mapping.flag(body.get("ipRestrict")),
            raw=body,
        )

    async def trades_between(
        self, symbol: str, start: datetime, end: datetime
    ) -> list[FuturesFill]:
        """Every fill of ``symbol`` in ``[start, end]``: 7-day windows, split again when full."""
        out: list[FuturesFill] = []
        for lo, hi in windows(start, end):
            out.extend(await self._trades_window(symbol, lo, hi))
        return out

    async def _trades_window(self, symbol: str, lo: datetime, hi: datetime) -> list[FuturesFill]:
        params = {"symbol": symbol, "startTime": _ms(lo), "endTime": _ms(hi),
                  "limit": c.HISTORY_PAGE_LIMIT}  # fmt: skip
        rows = await self.rest.signed("GET", c.USER_TRADES, params)
        if len(rows) < c.HISTORY_PAGE_LIMIT or hi - lo <= timedelta(milliseconds=1):
            return [mapping.parse_user_trade(r) for r in rows]
        mid = lo + (hi - lo) / 2
        first = await self._trades_window(symbol, lo, mid)
        return first + await self._trades_window(symbol, mid + timedelta(milliseconds=1), hi)

    async def income_between(
        self, start: datetime, end: datetime, income_type: str | None = None
    ) -> list[Income]:
        """Income rows in ``[start, end]`` (all kinds unless ``income_type``), page by page."""
        out: list[Income] = []
        for lo, hi in windows(start, end):
            page = 1
            while True:
                params = {"incomeType": income_type, "startTime": _ms(lo), "endTime": _ms(hi),
                          "limit": c.HISTORY_PAGE_LIMIT, "page": page}  # fmt: skip
                rows = await self.rest.signed("GET", c.INCOME, params)
                out.extend(mapping.parse_income(r) for r in rows)
                if len(rows) < c.HISTORY_PAGE_LIMIT:
                    break
                page += 1
        return out
