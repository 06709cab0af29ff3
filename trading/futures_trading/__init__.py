"""Futures proxy trading: one click from a signal to a protected position, risk envelope,
sync of fills and income, and the profit-share statements (docs/futures.md)."""
