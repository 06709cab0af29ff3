"""USDⓈ-M futures products: market data, signals with a public scorecard (``signals/``)."""
