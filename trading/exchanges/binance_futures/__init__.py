"""Binance USDⓈ-M futures (fapi): leverage, MARKET orders, algo TP/SL, positions, trades, income,
klines, exchange rules and the listenKey user stream (PROTOCOLS.md §3)."""
