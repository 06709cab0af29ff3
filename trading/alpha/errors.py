"""Errors the Alpha services raise for a person to act on (code + zh message)."""

from __future__ import annotations


class AlphaError(Exception):
    """A refused request: ``code`` is machine-readable, ``message`` says what to do (zh)."""

    def __init__(self, code: str, message: str, detail: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.detail = code, message, detail or {}
