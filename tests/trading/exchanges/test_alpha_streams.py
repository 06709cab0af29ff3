"""Alpha nbstream sessions against a loopback WebSocket server: the SUBSCRIBE handshake, frame
parsing, and the 30-minute listen-key refresh (shortened) re-subscribing with a new key."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

from websockets.asyncio.server import serve

from trading.exchanges.binance_alpha.models import AggTrade, AlphaOrderUpdate
from trading.exchanges.binance_alpha.streams import PrivateStream, agg_trades
from trading.exchanges.reconnect import ReconnectPolicy, StreamGap

POLICY = ReconnectPolicy(base_delay=0.01, max_delay=0.02, stall_timeout=5)


def report(order_id: str) -> dict:
    return {"e": "executionReport", "E": 1, "s": "ALPHA_1USDT", "c": "web_x", "S": "BUY",
            "x": "NEW", "X": "NEW", "i": order_id, "q": "10", "p": "0.5", "il": "7",
            "ct": "OTO", "cp": "OTO_WORKING"}  # fmt: skip


async def test_private_stream_subscribes_and_resubscribes_on_a_new_key() -> None:
    subscriptions: list[dict] = []

    async def handler(ws) -> None:
        sub = json.loads(await ws.recv())
        subscriptions.append(sub)
        await ws.send(json.dumps({"result": None, "id": sub["id"]}))
        stream = sub["params"][0]
        await ws.send(json.dumps({"stream": stream, "data": report(stream[-1])}))
        await ws.wait_closed()

    keys = iter(["K1", "K2", "K2", "K2", "K2"])

    async def get_key() -> str:
        return next(keys)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        stream = PrivateStream(f"ws://127.0.0.1:{port}/w3w/stream", get_key, refresh_s=0.2)
        events = stream.events(POLICY)
        got = [await asyncio.wait_for(anext(events), 5) for _ in range(3)]
        await events.aclose()  # type: ignore[attr-defined]
    assert [s["params"] for s in subscriptions] == [["alpha@K1"], ["alpha@K2"]]
    assert subscriptions[0]["method"] == "SUBSCRIBE"
    first, gap, second = got
    assert isinstance(first, AlphaOrderUpdate) and first.venue_order_id == "1"
    assert isinstance(gap, StreamGap)
    assert isinstance(second, AlphaOrderUpdate) and second.venue_order_id == "2"
    assert second.contingency_position == "OTO_WORKING" and second.order_list_id == "7"


async def test_agg_trade_stream_gives_last_prices() -> None:
    async def handler(ws) -> None:
        sub = json.loads(await ws.recv())
        await ws.send(json.dumps({"result": None, "id": sub["id"]}))
        for i, name in enumerate(sub["params"]):
            data = {"e": "aggTrade", "E": 1, "T": 2, "s": name.split("@")[0].upper(),
                    "a": i, "p": f"0.{i + 1}", "q": "5", "f": 1, "l": 1, "m": False}  # fmt: skip
            await ws.send(json.dumps({"stream": name, "data": data}))
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        trades = agg_trades(f"ws://127.0.0.1:{port}", ["ALPHA_1USDT", "ALPHA_2USDT"], POLICY)
        got = [await asyncio.wait_for(anext(trades), 5) for _ in range(2)]
        await trades.aclose()  # type: ignore[attr-defined]
    assert all(isinstance(t, AggTrade) for t in got)
    assert [(t.symbol, t.price) for t in got] == [
        ("ALPHA_1USDT", Decimal("0.1")),
        ("ALPHA_2USDT", Decimal("0.2")),
    ]
