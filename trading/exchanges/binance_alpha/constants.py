"""Every Alpha path and field name in one place (docs/protocols.md §4). The private ones are
undocumented web endpoints that change without notice: a change is a one-line edit here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

VENUE: Final = "binance_alpha"

# --- public (official Alpha market-data API, §4.1) ------------------------------------------------
TOKEN_LIST: Final = "/bapi/defi/v1/public/wallet-direct/buw/wallet/cex/alpha/all/token/list"
EXCHANGE_INFO: Final = "/bapi/defi/v1/public/alpha-trade/get-exchange-info"
AGG_TRADES: Final = "/bapi/defi/v1/public/alpha-trade/agg-trades"
TICKER: Final = "/bapi/defi/v1/public/alpha-trade/ticker"
FULL_DEPTH: Final = "/bapi/defi/v1/public/alpha-trade/fullDepth"
DEPTH_LIMIT: Final = 5  # fullDepth accepts 5, 10, 20, 50, 100, 500, 1000

# --- private (web session, §4.3) --------------------------------------------------------------------
ORDER_PLACE: Final = "/bapi/asset/v1/private/alpha-trade/order/place"
OTO_PLACE: Final = "/bapi/asset/v1/private/alpha-trade/oto-order/place"
ORDER_CANCEL: Final = "/bapi/defi/v1/private/alpha-trade/order/cancel"
OPEN_ORDERS: Final = "/bapi/defi/v1/private/alpha-trade/order/get-open-order"
ORDER_HISTORY: Final = "/bapi/defi/v1/private/alpha-trade/order/get-order-history-merge"
USER_TRADES: Final = "/bapi/defi/v1/private/alpha-trade/order/get-user-trades"
LISTEN_KEY: Final = "/bapi/defi/v1/private/alpha-trade/get-listen-key"
TODAY_VOLUME: Final = "/bapi/defi/v1/private/wallet-direct/buw/wallet/today/user-volume"
ALPHA_WALLET: Final = "/bapi/defi/v1/private/wallet-direct/cloud-wallet/alpha"
ASSETS: Final = "/bapi/asset/v2/private/asset-service/wallet/asset"

HISTORY_STATUSES: Final = "FILLED,PARTIALLY_FILLED,EXPIRED,CANCELED,REJECTED"
HISTORY_KIND: Final = "LIMIT"
LISTEN_KEY_REFRESH_S: Final = 30 * 60  # public clients re-fetch the key every 30 min

# --- payment details (§4.3: BUY pays from CARD with a quote string; SELL from ALPHA, base number)
WALLET_CARD: Final = "CARD"
WALLET_ALPHA: Final = "ALPHA"
PAYMENT_AMOUNT_DP: Final = 8


class OtoPosition(StrEnum):
    WORKING = "OTO_WORKING"
    PENDING = "OTO_PENDING"


CONTINGENCY_OTO: Final = "OTO"
PENDING_STATUS: Final = "PENDING"  # pending OTO leg before its working leg filled (WS only)

# --- streams (§4.1, §4.4) -------------------------------------------------------------------------
PRIVATE_STREAM_PREFIX: Final = "alpha@"
AGG_TRADE_SUFFIX: Final = "@aggTrade"
EV_EXECUTION_REPORT: Final = "executionReport"
EV_AGG_TRADE: Final = "aggTrade"
