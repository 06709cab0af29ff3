"""JSON shapes of Bitget v2 replies and private-channel pushes (every number a string)."""

from __future__ import annotations

from typing import Any

from exchange_sim.bitget.state import BgOrder, BitgetAccount, Fill
from exchange_sim.numbers import plain


def fee_detail_string(order: BgOrder) -> str:
    """``feeDetail`` of orderInfo/history: a JSON document *inside a string*, fees negative."""
    if not order.fee_coin:
        return ""
    fee, coin = plain(-order.fee), order.fee_coin
    new_fees = f'{{"c":0,"d":0,"deduction":false,"r":{fee},"t":{fee},"totalDeductionFee":0}}'
    per_coin = (
        f'{{"deduction":false,"feeCoinCode":"{coin}","totalDeductionFee":0,"totalFee":{fee}}}'
    )
    return f'{{"newFees":{new_fees},"{coin}":{per_coin}}}'


def order_info(order: BgOrder) -> dict[str, Any]:
    return {
        "userId": order.user_id,
        "symbol": order.symbol,
        "orderId": order.order_id,
        "clientOid": order.client_oid,
        "price": plain(order.price),
        "size": plain(order.size),
        "orderType": order.order_type,
        "side": order.side,
        "status": order.status,
        "priceAvg": plain(order.price_avg),
        "baseVolume": plain(order.base_volume),
        "quoteVolume": plain(order.quote_volume),
        "enterPointSource": "API",
        "feeDetail": fee_detail_string(order),
        "orderSource": "market" if order.order_type == "market" else "normal",
        "tpslType": "normal",
        "cancelReason": "",
        "cTime": str(order.c_time),
        "uTime": str(order.u_time),
    }


def unfilled(order: BgOrder) -> dict[str, Any]:
    """unfilled-orders item (the live fixture carries the limit price in ``priceAvg``)."""
    return {
        "userId": order.user_id,
        "symbol": order.symbol,
        "orderId": order.order_id,
        "clientOid": order.client_oid,
        "priceAvg": plain(order.price),
        "size": plain(order.size),
        "orderType": order.order_type,
        "side": order.side,
        "status": order.status,
        "basePrice": "0",
        "baseVolume": plain(order.base_volume),
        "quoteVolume": plain(order.quote_volume),
        "enterPointSource": "API",
        "orderSource": "normal",
        "tpslType": "normal",
        "triggerPrice": None,
        "cTime": str(order.c_time),
        "uTime": str(order.u_time),
    }


def fill_json(item: Fill, user_id: str) -> dict[str, Any]:
    return {
        "userId": user_id,
        "symbol": item.symbol,
        "orderId": item.order_id,
        "tradeId": item.trade_id,
        "orderType": item.order_type,
        "side": item.side,
        "priceAvg": plain(item.price),
        "size": plain(item.size),
        "amount": plain(item.amount),
        "feeDetail": {
            "deduction": "no",
            "feeCoin": item.fee_coin,
            "totalDeductionFee": "",
            "totalFee": plain(-item.fee),
        },
        "tradeScope": "maker" if item.maker else "taker",
        "cTime": str(item.time),
        "uTime": str(item.time),
    }


def asset(account: BitgetAccount, coin: str) -> dict[str, Any]:
    available, frozen = account.balance(coin)
    return {
        "coin": coin,
        "available": f"{available:.8f}",
        "frozen": f"{frozen:.8f}",
        "locked": "0.00000000",
        "limitAvailable": "0",
        "uTime": str(account.u_time),
    }


def ws_order(order: BgOrder, item: Fill | None) -> dict[str, Any]:
    """An ``orders`` channel item; fill fields describe ``item`` (the latest execution)."""
    out: dict[str, Any] = {
        "instId": order.symbol,
        "orderId": order.order_id,
        "clientOid": order.client_oid,
        "size": plain(order.size),
        "newSize": plain(order.size),
        "notional": plain(
            order.size
            if order.order_type == "market" and order.side == "buy"
            else order.size * (order.price or order.price_avg)
        ),
        "orderType": order.order_type,
        "force": order.force,
        "side": order.side,
        "accBaseVolume": plain(order.base_volume),
        "priceAvg": plain(order.price_avg),
        "status": order.status,
        "cTime": str(order.c_time),
        "uTime": str(order.u_time),
        "enterPointSource": "API",
        "feeDetail": [{"feeCoin": order.fee_coin, "fee": plain(-order.fee)}]
        if order.fee_coin
        else [],
    }
    if order.order_type == "limit":
        out["price"] = plain(order.price)
    if item is not None:
        out.update(
            fillPrice=plain(item.price),
            tradeId=item.trade_id,
            baseVolume=plain(item.size),
            fillTime=str(item.time),
            fillFee=plain(-item.fee),
            fillFeeCoin=item.fee_coin,
            tradeScope="M" if item.maker else "T",
        )
    return out
