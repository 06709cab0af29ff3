"""Writes of spot copy trading, one module per concern.

- ``followers``: followers, the leader, global start/stop, recording leader events and
  dispatching their fan-out;
- ``controls``: the operators' API logins and the pause/resume/connection controls;
- ``fanout`` (with ``fanout_lease``, ``fanout_send``, ``fanout_record``): copying one leader
  event to one chunk of followers, exactly once;
- ``executor``: sending one copy order to a venue and reconciling an unknown outcome;
- ``balances``: the followers' cached free balances in Redis;
- ``venues``: the followers' venue clients and symbol rules, built once per process.

The public writes the views, admin and tasks call are re-exported here. Callers that are
patched in tests import the module (``from trading.copytrade.services import followers``) so a
patch of ``followers.X`` reaches them.
"""

from __future__ import annotations

from trading.copytrade.services.controls import (
    follower_pause,
    follower_resume,
    leader_connection_report,
    operator_login,
    operator_logout,
)
from trading.copytrade.services.followers import (
    copy_is_running,
    copy_set_running,
    follower_add,
    follower_create,
    follower_delete,
    follower_set_state,
    follower_update,
    follower_verify,
    leader_event_record,
    leader_mark_seen,
    leader_set,
)

__all__ = [
    "copy_is_running",
    "copy_set_running",
    "follower_add",
    "follower_create",
    "follower_delete",
    "follower_pause",
    "follower_resume",
    "follower_set_state",
    "follower_update",
    "follower_verify",
    "leader_connection_report",
    "leader_event_record",
    "leader_mark_seen",
    "leader_set",
    "operator_login",
    "operator_logout",
]
