"""Pure cores of futures trading: risk limits, sizing, profit share and the value types they share — functions of values, tested with tables."""
