"""Paths, enums and codes of the Binance USDⓈ-M futures API (docs/protocols.md §3) in one place."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

VENUE: Final = "binance_futures"
API_KEY_HEADER: Final = "X-MBX-APIKEY"
RECV_WINDOW_MS: Final = 5000

# --- REST paths ----------------------------------------------------------------------------------
TIME: Final = "/fapi/v1/time"
EXCHANGE_INFO: Final = "/fapi/v1/exchangeInfo"
KLINES: Final = "/fapi/v1/klines"
LEVERAGE: Final = "/fapi/v1/leverage"
MARGIN_TYPE: Final = "/fapi/v1/marginType"
ORDER: Final = "/fapi/v1/order"
OPEN_ORDERS: Final = "/fapi/v1/openOrders"
ALGO_ORDER: Final = "/fapi/v1/algoOrder"
OPEN_ALGO_ORDERS: Final = "/fapi/v1/openAlgoOrders"
POSITION_RISK_V3: Final = "/fapi/v3/positionRisk"
POSITION_RISK_V2: Final = "/fapi/v2/positionRisk"
ACCOUNT: Final = "/fapi/v3/account"
USER_TRADES: Final = "/fapi/v1/userTrades"
INCOME: Final = "/fapi/v1/income"
LISTEN_KEY: Final = "/fapi/v1/listenKey"

KLINES_MAX_LIMIT: Final = 1500
LISTEN_KEY_KEEPALIVE_S: Final = 30 * 60  # key lives 60 min; Binance advises a PUT every 30 min


class PositionSide(StrEnum):
    BOTH = "BOTH"
    LONG = "LONG"
    SHORT = "SHORT"


class AlgoOrderType(StrEnum):
    """Conditional types that MUST go through ``/fapi/v1/algoOrder`` (-4120 on /fapi/v1/order)."""

    STOP_MARKET = "STOP_MARKET"
    TAKE_PROFIT_MARKET = "TAKE_PROFIT_MARKET"


class WorkingType(StrEnum):
    MARK_PRICE = "MARK_PRICE"
    CONTRACT_PRICE = "CONTRACT_PRICE"


class AlgoStatus(StrEnum):
    NEW = "NEW"
    CANCELED = "CANCELED"
    TRIGGERING = "TRIGGERING"
    TRIGGERED = "TRIGGERED"
    FINISHED = "FINISHED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


ALGO_TYPE_CONDITIONAL: Final = "CONDITIONAL"
INCOME_REALIZED_PNL: Final = "REALIZED_PNL"
RESP_TYPE_RESULT: Final = "RESULT"

# --- user stream events --------------------------------------------------------------------------
EV_ORDER_TRADE_UPDATE: Final = "ORDER_TRADE_UPDATE"
EV_ACCOUNT_UPDATE: Final = "ACCOUNT_UPDATE"
EV_ALGO_UPDATE: Final = "ALGO_UPDATE"
EV_LISTEN_KEY_EXPIRED: Final = "listenKeyExpired"

# --- error codes (docs/protocols.md §1.5, §3.5, §10) --------------------------------------------
E_UNKNOWN: Final = -1000
E_DISCONNECTED: Final = -1001
E_TOO_MANY_REQUESTS: Final = -1003
E_TIMEOUT: Final = -1007  # "Send status unknown; execution status unknown."
E_FILTER: Final = -1013
E_INVALID_TIMESTAMP: Final = -1021
E_INVALID_SIGNATURE: Final = -1022
E_BAD_SYMBOL: Final = -1121
E_NEW_ORDER_REJECTED: Final = -2010
E_CANCEL_REJECTED: Final = -2011
E_NO_SUCH_ORDER: Final = -2013
E_BAD_API_KEY_FMT: Final = -2014
E_REJECTED_MBX_KEY: Final = -2015
E_MARGIN_INSUFFICIENT: Final = -2019
E_WOULD_TRIGGER: Final = -2021
E_REDUCE_ONLY_REJECTED: Final = -2022
E_DUPLICATED_CLIENT_ID: Final = -4116
E_USE_ALGO_API: Final = -4120
E_MIN_NOTIONAL: Final = -4164
E_NO_NEED_MARGIN_TYPE: Final = -4046
E_POSITION_SIDE_MISMATCH: Final = -4061
