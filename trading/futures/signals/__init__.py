"""The pure core of futures signals: candles, indicators, strategies, grading, scorecards, the
walk-forward model and the backtest. No Django, no I/O beyond reading a CSV file."""
