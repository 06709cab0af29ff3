"""Every server path the desktop client calls, in one table (the server's urls.py files are the
other side; the API reference is served at /api/docs/)."""

from __future__ import annotations

from typing import Final

# Trader login and event orders
TRADER_LOGIN: Final = "/api/v1/auth/login"
TRADER_LOGOUT: Final = "/api/v1/auth/logout"
TRADER_ME: Final = "/api/v1/auth/me"
ORDERS_PULL: Final = "/api/v1/event-orders/pull"
ORDER_EXECUTIONS: Final = "/api/v1/event-orders/{order_id}/executions"
ORDER_AMOUNT: Final = "/api/v1/event-orders/settings"

# Copy-trading operators
OPERATOR_LOGIN: Final = "/api/v1/copy/operator-login"
OPERATOR_LOGOUT: Final = "/api/v1/copy/operator-logout"
COPY_STATUS: Final = "/api/v1/status"
COPY_ACCOUNTS: Final = "/api/v1/accounts"
COPY_ACCOUNT: Final = "/api/v1/accounts/{id}"
COPY_LEADER: Final = "/api/v1/leader"

# Alpha volume bot
ALPHA_SESSION: Final = "/api/v1/alpha/session"
ALPHA_RISK_NOTICE: Final = "/api/v1/alpha/risk-notice"
ALPHA_TOKENS: Final = "/api/v1/alpha/tokens"
ALPHA_BOTS: Final = "/api/v1/alpha/bots"

# Notifications (and the event-order binding the notifications tab shows)
NOTIFICATIONS: Final = "/api/v1/notifications"
NOTIFICATIONS_UNREAD: Final = "/api/v1/notifications/unread-count"
NOTIFICATIONS_READ: Final = "/api/v1/notifications/read"
CHANNELS: Final = "/api/v1/notifications/channels"
CHANNEL_TEST: Final = "/api/v1/notifications/channels/{pk}/test"
ORDER_BINDING: Final = "/api/v1/event-orders/binding"
