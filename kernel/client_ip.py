"""The client's IP address behind trusted reverse proxies.

Behind the TLS proxy every request's ``REMOTE_ADDR`` is the proxy's, so brute-force counters and
the audit log would see one address for everyone. ``X-Forwarded-For`` names the real client, but
anyone can send that header: it is believed only when the request came from a proxy listed in
``TRUSTED_PROXIES`` (addresses or networks), and then read from the right — each proxy appends the
address it received the request from — skipping trusted hops, so a value the client put at the
left of the header is never taken while a trusted proxy's own entry follows it.
See docs/operations.md ("Behind a reverse proxy") and docs/decisions.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` as networks (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    return any(address in net for net in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(meta: Mapping[str, Any]) -> str | None:
    """The address of whoever sent the request (see the module docstring). A malformed hop in
    the header ends the walk at the last trusted address: nothing unparsable is ever returned."""
    remote = meta.get("REMOTE_ADDR") or None
    current = _parse(remote or "")
    if not _is_trusted(current):
        return str(current) if current else None
    for hop in reversed(str(meta.get(FORWARDED_FOR, "")).split(",")):
        address = _parse(hop)
        if address is None:
            break
        current = address
        if not _is_trusted(address):
            break
    return str(current)


def request_ip(request) -> str | None:
    """``client_ip`` of a Django request."""
    return client_ip(request.META)
