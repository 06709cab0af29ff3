"""Deterministic client order ids derived from the caller's natural key (exactly-once rule 2).

The same key always gives the same id, so a crashed worker that re-enters finds the order it may
already have placed. Binance spot: ``^[a-zA-Z0-9-_]{1,36}$``; futures also allows ``.:/``; Bitget
``clientOid`` up to 40 characters. We emit ``<prefix>-<base32 of sha256(key)>`` in 32 characters.
"""

from __future__ import annotations

import base64
import hashlib
import re

_BINANCE_RE = re.compile(r"^[a-zA-Z0-9\-_]{1,36}$")


def client_order_id(prefix: str, *key_parts: object, length: int = 32) -> str:
    """``client_order_id("cp", event_id, follower_id)`` → ``"cp-3jq…"`` (stable, ≤ ``length``)."""
    if not re.fullmatch(r"[a-z0-9]{1,6}", prefix):
        raise ValueError("prefix must be 1-6 lowercase letters/digits")
    key = "\x1f".join(str(p) for p in key_parts).encode()
    digest = base64.b32encode(hashlib.sha256(key).digest()).decode().rstrip("=").lower()
    cid = f"{prefix}-{digest}"[:length]
    assert _BINANCE_RE.fullmatch(cid)
    return cid
