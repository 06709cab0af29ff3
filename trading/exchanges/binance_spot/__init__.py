"""Binance spot (``/api/v3`` REST + WebSocket-API user-data stream). Entry point:
:class:`trading.exchanges.binance_spot.client.BinanceSpotClient`."""
