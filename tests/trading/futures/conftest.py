"""Fixtures of the futures-signals tests: real candles stored as rows, a trader token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.trading.futures.market_data import XRP_5M
from trading.futures.models import Feed, Kline
from trading.futures.signals import candles

PASSWORD = "correct horse 1"


def dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


@pytest.fixture
def xrp_rows():
    """The real XRPUSDT 5m candles as ``(open_time_ms, o, h, l, c, v)`` string rows."""
    import csv

    with open(XRP_5M) as fh:
        return [
            (int(r["open_time"]), r["open"], r["high"], r["low"], r["close"], r["volume"])
            for r in csv.DictReader(fh)
        ]


def store_rows(symbol: str, interval: str, rows) -> None:
    Kline.objects.bulk_create(
        Kline(
            symbol=symbol,
            interval=interval,
            open_time=dt(t),
            open=o,
            high=h,
            low=lo,
            close=c,
            volume=v,
        )
        for t, o, h, lo, c, v in rows
    )


@pytest.fixture
def xrp_feed(db) -> Feed:
    return Feed.objects.create(symbol="XRPUSDT", interval="5m", backfill_bars=300)


@pytest.fixture
def trader_token(db, client, django_capture_on_commit_callbacks) -> str:
    from accounts.services import trader_create

    with django_capture_on_commit_callbacks(execute=True):
        trader_create(username="sig-trader", password=PASSWORD,
                      expires_at=timezone.now() + timedelta(days=30), language="zh-hans")  # fmt: skip
        reply = client.post(
            "/api/v1/auth/login",
            {"username": "sig-trader", "password": PASSWORD, "device_id": "dev-sig"},
            content_type="application/json",
        )
    assert reply.status_code == 200, reply.content
    return reply.json()["token"]


__all__ = ["candles", "dt", "store_rows"]
