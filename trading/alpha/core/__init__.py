"""Pure cores of the Alpha bot: the cycle state machine, pricing, volume, risk and the pause reasons — functions of values, tested with tables."""
