"""Bitget spot v2 paths, codes and venue facts in one place (docs/protocols.md §2)."""

from __future__ import annotations

VENUE = "bitget"

# REST paths [DOC/CODE, docs/protocols.md §2.4]
TIME = "/api/v2/public/time"
SYMBOLS = "/api/v2/spot/public/symbols"
ASSETS = "/api/v2/spot/account/assets"
PLACE_ORDER = "/api/v2/spot/trade/place-order"
CANCEL_ORDER = "/api/v2/spot/trade/cancel-order"
ORDER_INFO = "/api/v2/spot/trade/orderInfo"
UNFILLED_ORDERS = "/api/v2/spot/trade/unfilled-orders"
FILLS = "/api/v2/spot/trade/fills"

# Private WebSocket [CODE bgnet, SDK bgsdk; docs/protocols.md §2.5]
WS_VERIFY_PATH = "/user/verify"
WS_PING = "ping"
WS_PONG = "pong"
CHANNEL_ORDERS = {"instType": "SPOT", "channel": "orders", "instId": "default"}
CHANNEL_ACCOUNT = {"instType": "SPOT", "channel": "account", "coin": "default"}

SUCCESS = "00000"
DEMO_HEADER = "paptrading"  # value "1" on every demo-trading request [CODE bgnet, ccxt]
LOCALE = "en-US"

# Error codes (strings) [CODE ccxt bitget exception map; docs/protocols.md §2.3 and §10]
# 40099 "exchange environment is incorrect": a demo key without paptrading, or the reverse [CODE]
AUTH_CODES = frozenset(
    {"40001", "40002", "40003", "40006", "40009", "40011", "40012", "40014", "40018", "40037"}
    | {"40099"}
)
CLOCK_CODES = frozenset({"40005", "40008"})
NOT_FOUND_CODES = frozenset({"43001", "40768", "43020", "43025"})
BALANCE_CODES = frozenset({"43012", "40762"})
FILTER_CODES = frozenset({"43006", "45110", "40808", "41103"})
DUPLICATE_CODES = frozenset({"40786"})
RATE_LIMIT_CODES = frozenset({"429"})
# WS login failures [INF: 30005 "login failed"; 30011/30012 invalid key/sign seen in public SDKs]
WS_AUTH_CODES = frozenset({"30005", "30006", "30011", "30012", "30013"}) | AUTH_CODES
