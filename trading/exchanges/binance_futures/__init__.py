"""Binance USDⓈ-M futures (fapi): leverage, MARKET orders, algo TP/SL, positions, trades, income,
klines, exchange rules and the listenKey user stream (docs/protocols.md §3)."""
