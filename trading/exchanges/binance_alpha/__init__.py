"""Binance Alpha: public market data, the web private API (limit / OTO orders, history, volume,
wallet) with the shared web session, and the ``alpha@<listenKey>`` / aggTrade streams
(docs/protocols.md §4)."""
