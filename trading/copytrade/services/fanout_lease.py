"""The fan-out's bookkeeping in Redis: which chunks of an event are still to run, when each
finished, and the lease that keeps two deliveries of one chunk from running at once.

Keys ``copy:fanout:<event>:chunks`` (set of chunk names still to run), ``:done`` (zset: chunk →
its newest acknowledgement, ms) and ``:lease:<chunk>`` (``host:pid`` of the run holding it). A
lease expires after ``LEASE_S``; one left by a killed process on this host is taken over at once
(its PID is gone), one held elsewhere only by expiry. Everything here lives in Redis, so any
number of worker processes on any number of machines share it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import cast

from kernel.redis import get_redis

log = logging.getLogger("fleet.copytrade.fanout")

KEY = "copy:fanout:"  # + <event>:chunks (set), :done (zset), :lease:<chunk>
KEY_TTL_S = 24 * 3600
LEASE_S = 90  # longer than a chunk can take (5 s timeouts, one retry, reconcile window)


def chunk_key(follower_ids: list[int]) -> str:
    """A stable name of a chunk (its first and last follower and its size)."""
    return f"{follower_ids[0]}-{follower_ids[-1]}-{len(follower_ids)}" if follower_ids else "empty"


def chunks_register(event_id: int, chunks: list[list[int]]) -> None:
    """Record the event's chunks before they are enqueued (the last one to finish sees none)."""
    pipe = get_redis().pipeline(transaction=False)
    pipe.sadd(f"{KEY}{event_id}:chunks", *(chunk_key(c) for c in chunks))
    pipe.expire(f"{KEY}{event_id}:chunks", KEY_TTL_S)
    pipe.execute()


def lease_name(event_id: int, key: str) -> str:
    return f"{KEY}{event_id}:lease:{key}"


def lease_take(event_id: int, key: str) -> bool:
    """Take the chunk's lease; a lease of a dead process on this host is taken over."""
    r = get_redis()
    name = lease_name(event_id, key)
    if r.set(name, _owner(), nx=True, ex=LEASE_S):
        return True
    holder = cast("str", r.get(name) or "")  # decode_responses
    host, _, pid = holder.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        # compare-and-set: of two processes finding the same dead holder, only one takes over
        if r.eval(_TAKEOVER, 1, name, holder, _owner(), LEASE_S):
            log.warning("took over the fan-out lease %s of dead process %s", name, pid)
            return True
    return False


def lease_release(event_id: int, key: str) -> None:
    """Give the lease up (a failed run: its retry may start at once)."""
    get_redis().delete(lease_name(event_id, key))


_TAKEOVER = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""


def chunk_finished(event_id: int, key: str, done_ms: int | None) -> int | None:
    """Release the lease and mark the chunk done (its newest acknowledgement ``done_ms``, or now).
    Returns the event's newest acknowledgement (ms) when this was its last chunk, else ``None``.
    One Redis round trip."""
    base = f"{KEY}{event_id}"
    pipe = get_redis().pipeline(transaction=True)
    pipe.delete(lease_name(event_id, key))
    pipe.srem(f"{base}:chunks", key)
    pipe.zadd(f"{base}:done", {key: done_ms or now_ms()}, nx=True)
    pipe.expire(f"{base}:done", KEY_TTL_S)
    pipe.scard(f"{base}:chunks")
    pipe.zrange(f"{base}:done", -1, -1, withscores=True)
    *_, left, newest = pipe.execute()
    if left == 0 and newest:
        return int(newest[0][1])
    return None


def now_ms() -> int:
    return int(time.time() * 1000)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
