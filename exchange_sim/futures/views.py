"""JSON shapes of futures objects: REST replies and user-stream events (docs/protocols.md §3.2-3.4).

Numbers are decimal strings as on Binance, ids and times are ints, flags are booleans.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchange_sim.futures.state import Account, AlgoOrder, Order, Position, Trade
from exchange_sim.futures.symbols import CONTRACTS, MAINT_MARGIN_RATE, MAX_NOTIONAL, TAKER_FEE


def s(value: Decimal, places: int | None = None) -> str:
    """Decimal → Binance string (fixed point, no exponent)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = format(value, "f")
    return text


def order_json(o: Order) -> dict[str, Any]:
    """``/fapi/v1/order`` reply (POST with RESULT, GET, DELETE); keeps ``avgPrice``/``cumQuote``."""
    spec = CONTRACTS[o.symbol]
    return {
        "orderId": o.order_id,
        "symbol": o.symbol,
        "status": o.status,
        "clientOrderId": o.client_id,
        "price": s(o.price, spec.price_precision),
        "avgPrice": s(o.avg_price, 8) if o.executed else "0.00",
        "origQty": s(o.quantity, spec.qty_precision),
        "executedQty": s(o.executed, spec.qty_precision),
        "cumQty": s(o.executed, spec.qty_precision),
        "cumQuote": s(o.cum_quote, 5),
        "timeInForce": o.time_in_force,
        "type": o.type,
        "reduceOnly": o.reduce_only,
        "closePosition": o.close_position,
        "side": o.side,
        "positionSide": "BOTH",
        "stopPrice": "0.00",
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": o.orig_type or o.type,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "goodTillDate": 0,
        "time": o.time,
        "updateTime": o.update_time or o.time,
    }


def ack_json(o: Order) -> dict[str, Any]:
    """``newOrderRespType=ACK``: the order as accepted, before any fill."""
    reply = order_json(o)
    spec = CONTRACTS[o.symbol]
    zero_qty = s(Decimal(0), spec.qty_precision)
    reply.update(status="NEW", executedQty=zero_qty, cumQty=zero_qty, cumQuote="0.00000")
    reply.update(avgPrice="0.00", updateTime=o.time)
    return reply


def algo_json(a: AlgoOrder) -> dict[str, Any]:
    spec = CONTRACTS[a.symbol]
    return {
        "algoId": a.algo_id,
        "clientAlgoId": a.client_id,
        "algoType": "CONDITIONAL",
        "orderType": a.type,
        "symbol": a.symbol,
        "side": a.side,
        "positionSide": "BOTH",
        "timeInForce": "GTC",
        "quantity": s(a.quantity, spec.qty_precision),
        "algoStatus": a.status,
        "actualOrderId": str(a.actual_order_id) if a.actual_order_id else "",
        "actualPrice": s(a.actual_price, spec.price_precision),
        "triggerPrice": s(a.trigger, spec.price_precision),
        "price": s(Decimal(0), spec.price_precision),
        "icebergQuantity": None,
        "tpTriggerPrice": "0.000",
        "tpPrice": "0.000",
        "slTriggerPrice": "0.000",
        "slPrice": "0.000",
        "tpOrderType": "",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "workingType": a.working_type,
        "priceMatch": "NONE",
        "closePosition": a.close_position,
        "priceProtect": a.price_protect,
        "reduceOnly": a.reduce_only,
        "activatePrice": "",
        "callbackRate": "",
        "createTime": a.create_time,
        "updateTime": a.update_time or a.create_time,
        "triggerTime": a.trigger_time,
        "goodTillDate": 0,
    }


def trade_json(t: Trade) -> dict[str, Any]:
    spec = CONTRACTS[t.symbol]
    return {
        "buyer": t.side == "BUY",
        "commission": s(t.commission, 8),
        "commissionAsset": "USDT",
        "id": t.trade_id,
        "maker": t.maker,
        "orderId": t.order_id,
        "price": s(t.price, spec.price_precision),
        "qty": s(t.qty, spec.qty_precision),
        "quoteQty": s(t.price * t.qty, 8),
        "realizedPnl": s(t.realized_pnl, 8),
        "side": t.side,
        "positionSide": "BOTH",
        "symbol": t.symbol,
        "time": t.time,
        "marginAsset": "USDT",
    }


def unrealized(p: Position, mark: Decimal) -> Decimal:
    return p.amount * (mark - p.entry)


def break_even(p: Position) -> Decimal:
    if not p.amount:
        return Decimal(0)
    return p.entry * (1 + TAKER_FEE) if p.amount > 0 else p.entry * (1 - TAKER_FEE)


def liquidation(p: Position, lev: int) -> Decimal:
    """Isolated-style estimate: entry moved by (1/leverage − maintenance rate)."""
    if not p.amount:
        return Decimal(0)
    move = Decimal(1) / lev - MAINT_MARGIN_RATE
    price = p.entry * (1 - move) if p.amount > 0 else p.entry * (1 + move)
    return max(price, Decimal(0))


def position_v2(acc: Account, p: Position, mark: Decimal) -> dict[str, Any]:
    lev = acc.lev(p.symbol)
    return {
        "symbol": p.symbol,
        "positionAmt": s(p.amount, CONTRACTS[p.symbol].qty_precision),
        "entryPrice": s(p.entry, 8),
        "breakEvenPrice": s(break_even(p), 8),
        "markPrice": s(mark, 8),
        "unRealizedProfit": s(unrealized(p, mark), 8),
        "liquidationPrice": s(liquidation(p, lev), 8),
        "leverage": str(lev),
        "maxNotionalValue": s(MAX_NOTIONAL),
        "marginType": acc.margin_type.get(p.symbol, "cross"),
        "isolatedMargin": "0.00000000",
        "isAutoAddMargin": "false",
        "positionSide": "BOTH",
        "notional": s(p.amount * mark, 8),
        "isolatedWallet": "0",
        "updateTime": p.update_time,
    }


def position_v3(acc: Account, p: Position, mark: Decimal) -> dict[str, Any]:
    lev = acc.lev(p.symbol)
    initial = abs(p.amount) * mark / lev
    return {
        "symbol": p.symbol,
        "positionSide": "BOTH",
        "positionAmt": s(p.amount, CONTRACTS[p.symbol].qty_precision),
        "entryPrice": s(p.entry, 8),
        "breakEvenPrice": s(break_even(p), 8),
        "markPrice": s(mark, 8),
        "unRealizedProfit": s(unrealized(p, mark), 8),
        "liquidationPrice": s(liquidation(p, lev), 8),
        "isolatedMargin": "0",
        "notional": s(p.amount * mark, 8),
        "marginAsset": "USDT",
        "isolatedWallet": "0",
        "initialMargin": s(initial, 8),
        "maintMargin": s(abs(p.amount) * mark * MAINT_MARGIN_RATE, 8),
        "positionInitialMargin": s(initial, 8),
        "openOrderInitialMargin": "0",
        "adl": 0,
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": p.update_time,
    }


def order_event(o: Order, now: int, execution: str, trade: Trade | None) -> dict[str, Any]:
    """``ORDER_TRADE_UPDATE`` for one execution (NEW, TRADE, CANCELED, EXPIRED)."""
    spec = CONTRACTS[o.symbol]
    qp, pp = spec.qty_precision, spec.price_precision
    body = {
        "s": o.symbol, "c": o.client_id, "S": o.side, "o": o.type, "f": o.time_in_force,
        "q": s(o.quantity, qp), "p": s(o.price, pp), "ap": s(o.avg_price, 8),
        "sp": "0", "x": execution, "X": o.status, "i": o.order_id,
        "l": s(trade.qty if trade else Decimal(0), qp), "z": s(o.executed, qp),
        "L": s(trade.price if trade else Decimal(0), pp),
        "N": "USDT", "n": s(trade.commission if trade else Decimal(0), 8),
        "T": now, "t": trade.trade_id if trade else 0, "b": "0", "a": "0",
        "m": trade.maker if trade else False, "R": o.reduce_only, "wt": "CONTRACT_PRICE",
        "ot": o.orig_type or o.type, "ps": "BOTH", "cp": o.close_position, "pP": False,
        "si": 0, "ss": 0, "rp": s(trade.realized_pnl if trade else Decimal(0), 8),
        "V": "EXPIRE_MAKER", "pm": "NONE", "gtd": 0, "er": "0",
    }  # fmt: skip
    return {"e": "ORDER_TRADE_UPDATE", "E": now, "T": now, "o": body}


def account_event(acc: Account, p: Position, mark: Decimal, now: int, reason: str) -> dict:
    """``ACCOUNT_UPDATE`` after a balance/position change (only the changed position)."""
    pos = {
        "s": p.symbol, "pa": s(p.amount, CONTRACTS[p.symbol].qty_precision),
        "ep": s(p.entry, 8), "bep": s(break_even(p), 8),
        "cr": "0", "up": s(unrealized(p, mark), 8), "mt": acc.margin_type.get(p.symbol, "cross"),
        "iw": "0", "ps": "BOTH",
    }  # fmt: skip
    bal = {"a": "USDT", "wb": s(acc.wallet, 8), "cw": s(acc.wallet, 8), "bc": "0"}
    return {"e": "ACCOUNT_UPDATE", "E": now, "T": now, "a": {"m": reason, "B": [bal], "P": [pos]}}


def algo_event(a: AlgoOrder, now: int) -> dict[str, Any]:
    spec = CONTRACTS[a.symbol]
    body = {
        "caid": a.client_id, "aid": a.algo_id, "at": "CONDITIONAL", "o": a.type, "s": a.symbol,
        "S": a.side, "ps": "BOTH", "f": "GTC", "q": s(a.quantity, spec.qty_precision),
        "X": a.status, "ai": str(a.actual_order_id) if a.actual_order_id else "",
        "ap": s(a.actual_price, spec.price_precision), "aq": "0",
        "act": "0", "tp": s(a.trigger, spec.price_precision), "p": "0", "V": "EXPIRE_MAKER",
        "wt": a.working_type, "pm": "NONE", "cp": a.close_position, "pP": a.price_protect,
        "R": a.reduce_only, "tt": a.trigger_time, "gtd": 0, "rm": "", "ia": "",
    }  # fmt: skip
    return {"e": "ALGO_UPDATE", "T": now, "E": now, "o": body}
