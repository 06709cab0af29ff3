"""JSON shapes of Binance spot replies and user-data events, built from engine objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exchange_sim.binance_spot.state import Order, SpotAccount, Trade
from exchange_sim.numbers import fmt8


def order_ack(order: Order, transact_time: int) -> dict[str, Any]:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_id,
        "transactTime": transact_time,
    }


def order_result(order: Order, transact_time: int) -> dict[str, Any]:
    out = order_ack(order, transact_time)
    out.update(
        price=fmt8(order.price),
        origQty=fmt8(order.orig_qty),
        executedQty=fmt8(order.executed_qty),
        origQuoteOrderQty=fmt8(order.orig_quote_qty),
        cummulativeQuoteQty=fmt8(order.cum_quote),
        status=order.status,
        timeInForce=order.time_in_force,
        type=order.type,
        side=order.side,
        workingTime=order.working_time,
        selfTradePreventionMode=order.stp_mode,
    )
    if order.stop_price:
        out["stopPrice"] = fmt8(order.stop_price)
    return out


def fill_json(trade: Trade) -> dict[str, Any]:
    return {
        "price": fmt8(trade.price),
        "qty": fmt8(trade.qty),
        "commission": fmt8(trade.commission),
        "commissionAsset": trade.commission_asset,
        "tradeId": trade.id,
    }


def order_full(order: Order, transact_time: int) -> dict[str, Any]:
    out = order_result(order, transact_time)
    out["fills"] = [fill_json(t) for t in order.fills]
    return out


def order_query(order: Order) -> dict[str, Any]:
    return {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_id,
        "price": fmt8(order.price),
        "origQty": fmt8(order.orig_qty),
        "executedQty": fmt8(order.executed_qty),
        "cummulativeQuoteQty": fmt8(order.cum_quote),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
        "stopPrice": fmt8(order.stop_price),
        "icebergQty": "0.00000000",
        "time": order.time,
        "updateTime": order.update_time,
        "isWorking": order.is_working,
        "workingTime": order.working_time,
        "origQuoteOrderQty": fmt8(order.orig_quote_qty),
        "selfTradePreventionMode": order.stp_mode,
    }


def order_canceled(order: Order, cancel_id: str, transact_time: int) -> dict[str, Any]:
    return {
        "symbol": order.symbol,
        "origClientOrderId": order.client_id,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": cancel_id,
        "transactTime": transact_time,
        "price": fmt8(order.price),
        "origQty": fmt8(order.orig_qty),
        "executedQty": fmt8(order.executed_qty),
        "origQuoteOrderQty": fmt8(order.orig_quote_qty),
        "cummulativeQuoteQty": fmt8(order.cum_quote),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
        "selfTradePreventionMode": order.stp_mode,
        **({"stopPrice": fmt8(order.stop_price)} if order.stop_price else {}),
    }


def my_trade(trade: Trade) -> dict[str, Any]:
    return {
        "symbol": trade.symbol,
        "id": trade.id,
        "orderId": trade.order_id,
        "orderListId": -1,
        "price": fmt8(trade.price),
        "qty": fmt8(trade.qty),
        "quoteQty": fmt8(trade.quote_qty),
        "commission": fmt8(trade.commission),
        "commissionAsset": trade.commission_asset,
        "time": trade.time,
        "isBuyer": trade.is_buyer,
        "isMaker": trade.is_maker,
        "isBestMatch": True,
    }


def account_json(account: SpotAccount, omit_zero: bool) -> dict[str, Any]:
    maker_bps = int(account.maker_rate * 10000)
    taker_bps = int(account.taker_rate * 10000)
    balances = [
        {"asset": asset, "free": fmt8(free), "locked": fmt8(locked)}
        for asset, (free, locked) in account.balances.items()
        if not (omit_zero and free == 0 and locked == 0)
    ]
    return {
        "makerCommission": maker_bps,
        "takerCommission": taker_bps,
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {
            "maker": fmt8(account.maker_rate),
            "taker": fmt8(account.taker_rate),
            "buyer": "0.00000000",
            "seller": "0.00000000",
        },
        "canTrade": True,
        "canWithdraw": True,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": account.update_time,
        "accountType": "SPOT",
        "balances": balances,
        "permissions": ["SPOT"],
        "uid": account.account_id,
    }


def execution_report(
    order: Order,
    *,
    exec_type: str,
    now: int,
    exec_id: int,
    trade: Trade | None = None,
    orig_client_id: str = "",
    client_id: str | None = None,
) -> dict[str, Any]:
    """The ``executionReport`` event (user-data-stream.md), all fields of a plain order."""
    last_qty = trade.qty if trade else Decimal(0)
    last_price = trade.price if trade else Decimal(0)
    return {
        "e": "executionReport",
        "E": now,
        "s": order.symbol,
        "c": client_id or order.client_id,
        "S": order.side,
        "o": order.type,
        "f": order.time_in_force,
        "q": fmt8(order.orig_qty),
        "p": fmt8(order.price),
        "P": fmt8(order.stop_price),
        "F": "0.00000000",
        "g": -1,
        "C": orig_client_id,
        "x": exec_type,
        "X": order.status,
        "r": "NONE",
        "i": order.order_id,
        "l": fmt8(last_qty),
        "z": fmt8(order.executed_qty),
        "L": fmt8(last_price),
        "n": fmt8(trade.commission) if trade else "0",
        "N": trade.commission_asset if trade else None,
        "T": trade.time if trade else now,
        "t": trade.id if trade else -1,
        "I": exec_id,
        "w": order.is_open and order.type != "MARKET" and order.is_working,
        "m": trade.is_maker if trade else False,
        "M": trade is not None,
        "O": order.time,
        "Z": fmt8(order.cum_quote),
        "Y": fmt8(trade.quote_qty) if trade else "0.00000000",
        "Q": fmt8(order.orig_quote_qty),
        "W": order.working_time,
        "V": order.stp_mode,
    }


def account_position(account: SpotAccount, assets: list[str], now: int) -> dict[str, Any]:
    rows = []
    for asset in assets:
        free, locked = account.balance(asset)
        rows.append({"a": asset, "f": fmt8(free), "l": fmt8(locked)})
    return {"e": "outboundAccountPosition", "E": now, "u": account.update_time, "B": rows}
