"""Writes of futures trading, one module per concern (callers import the module they use).

- ``trades``: the trader's futures key, the one click, the manual close;
- ``precheck``: the risk check of one click on live figures; ``execution``: driving one trade
  intent to a protected position, exactly once; ``closing``: how a position ends;
- ``sync``: keeping our records equal to the venue's; ``repair``: the beat's repair job;
- ``statements``: profit-share statements; ``marks``: shared mark prices; ``venues``: futures
  clients for credentials.
"""
