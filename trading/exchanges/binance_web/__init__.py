"""Binance web private API shared pieces (session cookies + headers, the ``bapi`` envelope),
event contracts, and the QR-code login. Imported directly by the desktop client: no Django."""
