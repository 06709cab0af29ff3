"""The push process (``manage.py run_push``): event orders pushed to desktop clients over a
WebSocket the moment they exist, execution reports received on the same socket.

- :mod:`orders.push.protocol` — the messages, pure (parse / build), table-tested.
- :mod:`orders.push.hub` — the connected clients and the delivery rounds (one Lua script per
  chunk of sessions, the same claim as the pull), fed by Redis pub/sub.
- :mod:`orders.push.server` — the ``websockets`` server: authentication, the per-socket loop,
  the health endpoint.

Wire protocol and operations: docs/event_orders.md ("Push"), docs/operations.md.
"""
