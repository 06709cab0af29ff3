"""Pure cores of event-contract orders: functions of values (no Django, Redis or clock), tested with tables."""
