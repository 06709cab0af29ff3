"""The one HTTP call of every channel: POST the built request, read the reply, never raise.
A network failure (refused, reset, timeout) is retryable: nothing reached the platform, or a
duplicate message is the worst outcome — notifications are not orders."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from notifications.channels.base import OutboundRequest, Verdict
from notifications.channels.registry import Platform

TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Reply:
    verdict: Verdict
    status: int | None
    body: bytes
    duration_ms: int


def post(platform: Platform, request: OutboundRequest, timeout: float = TIMEOUT_S) -> Reply:
    started = time.monotonic()
    try:
        response = httpx.post(
            request.url, content=request.body, headers=request.headers, timeout=timeout
        )
    except httpx.HTTPError as exc:
        took = int((time.monotonic() - started) * 1000)
        verdict = Verdict("retryable", "network", f"{type(exc).__name__}: {exc}"[:500])
        return Reply(verdict, None, b"", took)
    took = int((time.monotonic() - started) * 1000)
    body = response.content
    return Reply(platform.classify(response.status_code, body), response.status_code, body, took)
