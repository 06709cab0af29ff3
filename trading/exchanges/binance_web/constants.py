"""Every undocumented Binance web path, header, cookie and field name used by this package.

Binance changes these without notice (docs/protocols.md §4.2, §5, §6): keep them here so a change on
their side is a one-line edit. Sources are public client code and captures, not documentation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

# --- session headers / cookies (docs/protocols.md §4.2, §5) -----------------------------------
HEADER_CONTENT_TYPE: Final = "content-type"
HEADER_CLIENT_TYPE: Final = "clienttype"
CLIENT_TYPE_WEB: Final = "web"
HEADER_CSRF: Final = "csrftoken"
COOKIE_P20T: Final = "p20t"

# --- envelope ----------------------------------------------------------------------------------
ENVELOPE_OK_CODE: Final = "000000"
CODE_SESSION_EXPIRED: Final = "100002001"  # "login state has expired, please log in again"
CODE_SYSTEM_ERROR: Final = "100001001"
CODE_ACCOUNT_UNAVAILABLE: Final = "93420004"
CODE_OPEN_ORDER_LIMIT: Final = "93420018"  # "Open order number has reached maximum limit."
CODE_PAYOUT_CHANGED: Final = "93420010"  # the payoutRatio sent is not the current offer
EVENT_OPEN_ORDER_LIMIT: Final = (
    5  # open event contracts per account (captured 2026, docs/connectors.md)
)
CODE_RETRYABLE_ERRNO: Final = "1021110"
CODE_INSUFFICIENT_BALANCE: Final = "93420002"  # [INF] as our simulator answers; real code unknown
OPEN_ORDER_LIMIT_RETRY_S: Final = 1.0

# Default pacing for one web credential (our rule; Binance publishes none for bapi).
WEB_RATE_PER_S: Final = 10.0
# No burst on web sessions: requests are spaced 1/rate apart, so no second ever holds more than
# 10 (a burst of 10 on top of the rate allowed ~20 in one second; bench_alpha measured 19).
WEB_BURST: Final = 1.0

# --- event contracts (docs/protocols.md §5) ------------------------------------------------------
EVENT_PLACE_ORDER_V2: Final = "/bapi/futures/v2/private/future/event-contract/place-order"
EVENT_PLACE_ORDER_V1: Final = "/bapi/futures/v1/private/future/event-contract/place-order"
EVENT_ONGOING_ORDERS: Final = "/bapi/futures/v2/private/future/event-contract/ongoing-order-list"
EVENT_WALLET_TYPE: Final = "UM"  # optional ``walletType`` the v2 web client sends
# The current payout offer per (symbol, increment). Where Binance's page reads it was not found in
# any public source (docs/connectors.md, "Payout ratio"): this path and its reply shape
# ``data: [{symbolName, timeIncrements, payoutRatio}]`` are the simulator's, and the connector
# falls back to the order's own ratio when the venue does not answer it.
EVENT_PAYOUT_RATIOS: Final = "/bapi/futures/v1/public/future/event-contract/payout-ratio-list"

# request body fields
F_ORDER_AMOUNT: Final = "orderAmount"
F_TIME_INCREMENTS: Final = "timeIncrements"
F_SYMBOL_NAME: Final = "symbolName"
F_PAYOUT_RATIO: Final = "payoutRatio"
F_DIRECTION: Final = "direction"
F_WALLET_TYPE: Final = "walletType"
# reply ``data`` fields are not documented anywhere [NF]: clients look for any of these ids
ORDER_ID_FIELDS: Final = ("orderId", "orderNo", "id")
ORDER_TIME_FIELDS: Final = ("createTime", "orderTime", "createdTime", "time")
ONGOING_PAGE_SIZE: Final = 100
LIST_FIELDS: Final = ("data", "list", "rows", "orders", "items")


class Direction(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"


class TimeIncrement(StrEnum):
    """Contract durations seen in public clients (the last four: one Go client, low confidence)."""

    TEN_MINUTE = "TEN_MINUTE"
    THIRTY_MINUTE = "THIRTY_MINUTE"
    ONE_HOUR = "ONE_HOUR"
    ONE_DAY = "ONE_DAY"
    FIVE_MINUTE = "FIVE_MINUTE"
    FIFTEEN_MINUTE = "FIFTEEN_MINUTE"
    TWO_HOUR = "TWO_HOUR"
    FOUR_HOUR = "FOUR_HOUR"


# --- QR login on accounts.binance.com (docs/protocols.md §6) -------------------------------------
QR_GET: Final = "/bapi/accounts/v2/public/qrcode/login/get"
QR_QUERY: Final = "/bapi/accounts/v2/public/qrcode/login/query"
QR_TRUST_DEVICE: Final = "/bapi/accounts/v2/private/authcenter/setTrustDevice"
QR_RENDER_URL: Final = "https://www.binance.com/en/qr/{code}"  # v1 rendering of a bare code
F_QR_CODE: Final = "qrCode"
F_QR_RANDOM: Final = "random"
F_QR_STATUS: Final = "status"
COOKIE_CSRF_NAMES: Final = ("csrftoken", "csrfToken", "cr00")
F_CSRF_DATA: Final = ("csrftoken", "csrfToken")
QR_POLL_INTERVAL_S: Final = 1.0
