"""Words of the event-contract trading tab about the venue's limits (open orders, payout)."""

from __future__ import annotations

ZH = {
    "err.binance_open_order_limit": "币安未结订单已达上限（{detail}），本单未下单",
    "err.payout_below_floor": "币安当前赔率低于订单的最低赔率（{detail}），本单已跳过",
    "err.payout_changed": "币安赔率已变动，重新读取后仍未能下单（{detail}）",
    "eo.open_count": "未结算 {n} 个，上限 {limit} 个",
    "eo.payout_floor": "当前 {offer}，最低 {floor}",
}
EN = {
    "err.binance_open_order_limit": "Binance open-order limit reached ({detail}): order not placed",
    "err.payout_below_floor": "Binance's payout is below the order's floor ({detail}): skipped",
    "err.payout_changed": "Binance's payout changed and the order could not be placed ({detail})",
    "eo.open_count": "{n} open, limit {limit}",
    "eo.payout_floor": "offered {offer}, floor {floor}",
}
