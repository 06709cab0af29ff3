"""Alpha's private API authenticates with the Binance web session (``csrftoken`` header +
``p20t`` cookie), the same one event contracts use: see :mod:`trading.exchanges.binance_web.auth`.
"""

from __future__ import annotations

from trading.exchanges.binance_web.auth import NO_EXPIRY, WebSession, public_headers

__all__ = ["NO_EXPIRY", "WebSession", "public_headers"]
