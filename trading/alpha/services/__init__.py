"""Writes of the Alpha bot, one module per concern (callers import the module they use).

- ``events``: every machine event goes through ``bot_event`` (lock the bot, step the pure machine
  in ``core.machine``, store the state, then dispatch its commands);
- ``bots``: trader and operator actions on bots; ``credentials``: hosted web sessions;
- ``commands``: what the machine's commands do at the venue; ``venue``: the connector for a
  hosted credential; ``catalogue``: the token catalogue; ``prices``: last trade prices in Redis;
- ``ingest``: stream events into the machine; ``ledger``: legs, fills and cycle totals;
  ``progress``: closing a cycle and counting the day's volume; ``state``: machine state <-> row;
  ``timers``: the beat's timeouts and expired sessions.
"""
