"""Pure cores of copy trading: functions of values (no Django, Redis, network or clock), tested with tables."""
