"""Bitget spot v2 (``/api/v2/spot`` REST + private WebSocket). Entry point:
:class:`trading.exchanges.bitget.client.BitgetSpotClient`."""
