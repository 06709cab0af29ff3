"""Writes of futures signals (callers import the module they use).

- ``signals``: decide live signals on closed candles, grade them, keep the scorecards, and the
  one hook other products attach to when a signal is created;
- ``market``: market data — REST backfill, gap refill, funding and mark price, and storing the
  kline stream's closed candles.
"""
