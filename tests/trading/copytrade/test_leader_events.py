"""Table tests of the leader's pure core: assembling market orders from executionReports and
reconstructing the leader's free balance before each order (F for a BUY, B for a SELL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trading.copytrade.core.leader_events import (
    SOURCE_POSITION,
    SOURCE_SNAPSHOT,
    BalanceBook,
    LeaderOrder,
    LeaderTracker,
    OrderAssembler,
    balance_before,
    fees_by_order,
    order_from_result,
    orders_from_fills,
    outflow,
    recover,
    rewind,
)
from trading.exchanges.binance_spot.mapping import (
    parse_account_position,
    parse_execution_report,
    parse_fill,
    parse_order,
)
from trading.exchanges.types import OrderUpdate

D = Decimal


def report(
    oid: int,
    status: str,
    side: str = "BUY",
    z: str = "0",
    Z: str = "0",
    n: str = "0",
    N: str | None = None,
    o: str = "MARKET",
    s: str = "BTCUSDT",
    x: str = "TRADE",
) -> OrderUpdate:
    """A Binance ``executionReport`` as it arrives on the stream, parsed."""
    return parse_execution_report(
        {
            "e": "executionReport",
            "E": 1_700_000_000_000,
            "s": s,
            "c": f"c{oid}",
            "S": side,
            "o": o,
            "x": x,
            "X": status,
            "i": oid,
            "l": "0",
            "L": "0",
            "z": z,
            "Z": Z,
            "n": n,
            "N": N,
            "t": 7,
        }
    )


def position(**free: str):
    return parse_account_position(
        {
            "e": "outboundAccountPosition",
            "E": 1_700_000_000_001,
            "B": [{"a": a, "f": f, "l": "0"} for a, f in free.items()],
        }
    )


# --- the assembler: one event per completed market order ------------------------------------
def test_single_fill_market_buy_completes_on_its_final_report():
    asm = OrderAssembler()
    assert asm.feed(report(1, "NEW", x="NEW")) is None
    done = asm.feed(report(1, "FILLED", z="0.01", Z="500", n="0.00001", N="BTC"))
    assert done == LeaderOrder(
        "1", "BUY", D("0.01"), D("500"), D("0.00001"), "BTC", done.event_time
    )
    assert done.filled == D("500") and done.spent_asset == "USDT"


def test_multi_fill_market_sell_is_one_order_with_cumulative_sizes_and_summed_fees():
    asm = OrderAssembler()
    parts = [
        report(2, "PARTIALLY_FILLED", "SELL", "0.1", "5000", "5", "USDT"),
        report(2, "PARTIALLY_FILLED", "SELL", "0.3", "15001", "10.0005", "USDT"),
        report(2, "FILLED", "SELL", "0.5", "25002", "10.0005", "USDT"),
    ]
    assert [asm.feed(p) for p in parts[:2]] == [None, None]
    done = asm.feed(parts[2])
    assert done is not None
    assert (done.base, done.quote, done.fee, done.fee_asset) == (
        D("0.5"),
        D("25002"),
        D("25.001"),
        "USDT",
    )
    assert done.filled == D("0.5") and done.spent_asset == "BTC"
    assert asm._fees == {}  # forgotten once complete


@pytest.mark.parametrize(
    "update",
    [
        report(3, "FILLED", z="1", Z="1", o="LIMIT"),  # not a market order
        report(3, "FILLED", z="1", Z="1", s="ETHUSDT"),  # other symbol
        report(3, "EXPIRED", z="0", Z="0"),  # a market order that filled nothing
        report(3, "CANCELED", z="0", Z="0", x="CANCELED"),
    ],
)
def test_ignored_reports(update):
    assert OrderAssembler().feed(update) is None


def test_market_order_expired_after_partial_fill_is_copied_with_what_it_filled():
    asm = OrderAssembler()
    asm.feed(report(4, "PARTIALLY_FILLED", "BUY", "0.002", "100", "0.000002", "BTC"))
    done = asm.feed(report(4, "EXPIRED", "BUY", "0.002", "100", x="EXPIRED"))  # no N on expiry
    assert done is not None and (done.base, done.quote) == (D("0.002"), D("100"))
    assert (done.fee, done.fee_asset) == (D("0.000002"), "BTC")


# --- F / B from values ----------------------------------------------------------------------
ORDER_TABLE = [
    # side, base, quote, fee, fee_asset, asset, outflow
    ("BUY", "0.01", "500", "0.00001", "BTC", "USDT", "500"),
    ("BUY", "0.01", "500", "0.00001", "BTC", "BTC", "-0.00999"),
    ("BUY", "0.01", "500", "0.5", "USDT", "USDT", "500.5"),
    ("SELL", "0.01", "500", "0.5", "USDT", "BTC", "0.01"),
    ("SELL", "0.01", "500", "0.5", "USDT", "USDT", "-499.5"),
    ("SELL", "0.01", "500", "0.00001", "BTC", "BTC", "0.01001"),
    ("SELL", "0.01", "500", "0.1", "BNB", "BNB", "0.1"),
]


@pytest.mark.parametrize(("side", "base", "quote", "fee", "fee_asset", "asset", "out"), ORDER_TABLE)
def test_outflow(side, base, quote, fee, fee_asset, asset, out):
    order = LeaderOrder("1", side, D(base), D(quote), D(fee), fee_asset)
    assert outflow(order, asset) == D(out)


@pytest.mark.parametrize(
    ("side", "fee_asset", "after", "before"),
    [
        ("BUY", "BTC", "1500", "2000"),  # F = USDT after + Z
        ("BUY", "USDT", "1499.5", "2000"),  # fee in USDT left too
        ("SELL", "USDT", "0.09", "0.1"),  # B = BTC after + z
        ("SELL", "BTC", "0.08999", "0.1"),
    ],
)
def test_balance_before(side, fee_asset, after, before):
    order = LeaderOrder(
        "1", side, D("0.01"), D("500"), D("0.5" if fee_asset == "USDT" else "0.00001"), fee_asset
    )
    assert balance_before(order, D(after)) == D(before)


def test_rewind_walks_back_through_every_order_newest_first():
    # start: 1000 USDT, 0 BTC; BUY 0.01 for 500 (fee 0.00001 BTC); SELL 0.00499 for 260 (fee 0.26)
    buy = LeaderOrder("1", "BUY", D("0.01"), D("500"), D("0.00001"), "BTC")
    sell = LeaderOrder("2", "SELL", D("0.00499"), D("260"), D("0.26"), "USDT")
    now = {"USDT": D("759.74"), "BTC": D("0.0050")}
    assert rewind(now, [sell, buy]) == [D("0.00999"), D("1000")]


def test_recover_keeps_only_market_orders_but_rewinds_through_limit_fills():
    limit = LeaderOrder("3", "BUY", D("0.01"), D("400"), market=False)
    market = LeaderOrder("2", "BUY", D("0.01"), D("500"))
    older = LeaderOrder("1", "SELL", D("0.02"), D("1000"))
    pairs = recover({"USDT": D("100"), "BTC": D("0.02")}, [limit, market, older])
    # before limit: 500 USDT; before market: 1000 USDT; before older (SELL): BTC 0.02-0.01-0.01+0.02
    assert pairs == [(older, D("0.02")), (market, D("1000"))]


# --- REST recovery parsing ------------------------------------------------------------------
def _rest_order(oid: int, type_: str, status: str, executed: str) -> dict:
    return {
        "symbol": "BTCUSDT",
        "orderId": oid,
        "clientOrderId": f"c{oid}",
        "price": "0",
        "origQty": executed,
        "executedQty": executed,
        "cummulativeQuoteQty": "500",
        "status": status,
        "type": type_,
        "side": "BUY",
        "time": 1_700_000_000_000,
        "updateTime": 1_700_000_000_005,
    }


@pytest.mark.parametrize(
    ("type_", "status", "executed", "market"),
    [
        ("MARKET", "FILLED", "0.01", True),
        ("LIMIT", "FILLED", "0.01", False),
        ("LIMIT", "PARTIALLY_FILLED", "0.01", False),
        ("MARKET", "EXPIRED", "0", None),  # executed nothing: not an order for us at all
    ],
)
def test_order_from_result(type_, status, executed, market):
    found = order_from_result(parse_order(_rest_order(9, type_, status, executed)), D("1"), "BTC")
    if market is None:
        assert found is None
    else:
        assert found is not None and found.market is market and found.fee == D("1")


def test_fees_by_order_sums_each_orders_trades():
    def trade(tid: int, oid: int, fee: str, asset: str) -> dict:
        row = {"symbol": "BTCUSDT", "id": tid, "orderId": oid, "price": "1", "qty": "1"}
        return {**row, "quoteQty": "1", "commission": fee, "commissionAsset": asset}

    fills = [
        parse_fill(t)
        for t in (
            trade(1, 5, "0.1", "USDT"),
            trade(2, 5, "0.2", "USDT"),
            trade(3, 6, "0.001", "BTC"),
        )
    ]
    assert fees_by_order(fills) == {"5": (D("0.3"), "USDT"), "6": (D("0.001"), "BTC")}


# --- the tracker: events in, (order, F/B, source) out ---------------------------------------
def tracker(usdt: str = "2000", btc: str = "0.1") -> LeaderTracker:
    t = LeaderTracker(position_wait_s=1.0)
    t.book = BalanceBook()
    t.book.reset({"USDT": D(usdt), "BTC": D(btc)})
    return t


def test_buy_resolved_from_the_position_after_its_final_report():
    t = tracker()
    t.on_order(report(1, "NEW", x="NEW"), now=0)
    t.on_order(report(1, "FILLED", z="0.01", Z="500", n="0.00001", N="BTC"), now=0)
    assert t.pending == 1
    [r] = t.on_balance(position(BTC="0.10999", USDT="1500"))
    assert (r.order.order_id, r.balance_before, r.source) == ("1", D("2000"), SOURCE_POSITION)
    assert t.pending == 0


def test_multi_fill_sell_with_a_position_after_every_fill():
    """The simulator (and Binance) may send a position after each partial fill: only the one after
    the final report counts, and the whole order is rewound from it."""
    t = tracker(usdt="0", btc="1")
    t.on_order(report(2, "PARTIALLY_FILLED", "SELL", "0.4", "20000", "20", "USDT"), now=0)
    assert t.on_balance(position(BTC="0.6", USDT="19980")) == []
    t.on_order(report(2, "FILLED", "SELL", "0.5", "25000", "5", "USDT"), now=0)
    [r] = t.on_balance(position(BTC="0.5", USDT="24975"))
    assert (r.order.base, r.order.fee, r.balance_before) == (D("0.5"), D("25"), D("1"))


def test_two_orders_completed_before_one_position_are_rewound_through_each_other():
    t = tracker(usdt="1000", btc="0")
    t.on_order(report(1, "FILLED", "BUY", "0.01", "500"), now=0)
    t.on_order(report(2, "FILLED", "BUY", "0.004", "200"), now=0)
    resolved = t.on_balance(position(USDT="300", BTC="0.014"))
    assert [(r.order.order_id, r.balance_before) for r in resolved] == [
        ("1", D("1000")),
        ("2", D("500")),
    ]


def test_a_position_without_btc_or_usdt_resolves_nothing():
    t = tracker()
    t.on_order(report(1, "FILLED", z="0.01", Z="500"), now=0)
    assert t.on_balance(position(BNB="1")) == []
    assert t.pending == 1


def test_missing_position_falls_back_to_the_pre_order_snapshot_after_the_wait():
    t = tracker(usdt="2000")
    t.on_order(report(1, "NEW", x="NEW"), now=10.0)
    t.on_order(report(1, "FILLED", z="0.01", Z="500"), now=10.0)
    assert t.expire(10.5) == []
    [r] = t.expire(11.0)
    assert (r.balance_before, r.source) == (D("2000"), SOURCE_SNAPSHOT)
    assert t.on_balance(position(USDT="1500")) == []  # late position: already resolved


def test_no_snapshot_and_no_position_leaves_the_balance_to_the_caller():
    t = LeaderTracker(position_wait_s=0)
    t.on_order(report(1, "FILLED", z="0.01", Z="500"), now=0)
    [r] = t.expire(0)
    assert r.balance_before is None and r.source == ""


def test_limit_orders_and_unfilled_market_orders_never_become_pending():
    t = tracker()
    t.on_order(report(1, "FILLED", z="0.01", Z="500", o="LIMIT"), now=0)
    t.on_order(report(2, "EXPIRED", z="0", Z="0", x="EXPIRED"), now=0)
    assert t.pending == 0 and t._snapshots == {}


def test_orders_from_fills_groups_trades_and_marks_only_final_market_orders_copyable():
    def trade(tid: int, oid: int, qty: str, quote: str, fee: str, ms: int) -> dict:
        row = {"symbol": "BTCUSDT", "id": tid, "orderId": oid, "price": "1", "qty": qty}
        row.update(quoteQty=quote, commission=fee, commissionAsset="BTC", isBuyer=True, time=ms)
        return row

    fills = [
        parse_fill(trade(1, 5, "0.01", "500", "0.00001", 1_000)),
        parse_fill(trade(2, 6, "0.002", "100", "0.000002", 2_000)),  # limit order, part 1
        parse_fill(trade(3, 6, "0.003", "150", "0.000003", 3_000)),  # part 2: newest
    ]
    rests = [parse_order(_rest_order(5, "MARKET", "FILLED", "0.01"))]
    rests.append(parse_order(_rest_order(6, "LIMIT", "PARTIALLY_FILLED", "0.005")))
    newest, oldest = orders_from_fills(fills, rests)
    assert (newest.order_id, newest.market, newest.base, newest.quote) == (
        "6",
        False,
        D("0.005"),
        D("250"),
    )
    assert newest.fee == D("0.000005") and newest.event_time.timestamp() == 3
    assert (oldest.order_id, oldest.market, oldest.side) == ("5", True, "BUY")
    # a fill whose order REST does not list (created before the window) only moves balances
    [unknown] = orders_from_fills([parse_fill(trade(9, 7, "1", "1", "0", 5))], [])
    assert unknown.market is False


def test_a_replayed_final_report_is_not_counted_twice():
    t = tracker(usdt="1000", btc="0")
    final = report(1, "FILLED", "BUY", "0.01", "500")
    t.on_order(final, now=0)
    t.on_order(final, now=0)  # the same frame delivered again before the position
    [r] = t.on_balance(position(USDT="500", BTC="0.01"))
    assert r.balance_before == D("1000")
    t.on_order(final, now=1)  # and after it
    assert t.pending == 0 and t.expire(5) == []
