"""Typed refusals of copytrade services (the API maps them to ``ApiError``)."""

from __future__ import annotations


class CopyError(Exception):
    """A copytrade action refused for a business reason; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
