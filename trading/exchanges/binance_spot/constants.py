"""Binance spot paths, codes and venue facts in one place (docs/protocols.md §1)."""

from __future__ import annotations

VENUE = "binance_spot"

# REST paths [DOC bsad rest-api.md]
TIME = "/api/v3/time"
EXCHANGE_INFO = "/api/v3/exchangeInfo"
ACCOUNT = "/api/v3/account"
ORDER = "/api/v3/order"
OPEN_ORDERS = "/api/v3/openOrders"
MY_TRADES = "/api/v3/myTrades"
ALL_ORDERS = "/api/v3/allOrders"

# WebSocket API methods [DOC bsad web-socket-api.md]
WS_SUBSCRIBE_SIGNATURE = "userDataStream.subscribe.signature"
WS_PING = "ping"

API_KEY_HEADER = "X-MBX-APIKEY"
RECV_WINDOW_MS = 5000
RESP_TYPE_FULL = "FULL"

# Error codes [DOC bsad errors.md]; the mapping to error classes is in mapping.py.
UNKNOWN = -1000
UNAUTHORIZED = -1002
TOO_MANY_REQUESTS = -1003
UNEXPECTED_RESP = -1006
TIMEOUT = -1007
TOO_MANY_ORDERS = -1015
INVALID_TIMESTAMP = -1021
INVALID_SIGNATURE = -1022
FILTER_FAILURE = -1013
BAD_PRECISION = -1111
BAD_SYMBOL = -1121
NEW_ORDER_REJECTED = -2010
CANCEL_REJECTED = -2011
NO_SUCH_ORDER = -2013
BAD_API_KEY_FMT = -2014
REJECTED_MBX_KEY = -2015

# Engine reasons carried in the msg of -2010 / -2011 (exact strings from the docs).
MSG_INSUFFICIENT = "insufficient balance"
MSG_DUPLICATE = "Duplicate order sent."
MSG_UNKNOWN_ORDER = "Unknown order sent."
