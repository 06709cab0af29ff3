"""The catalogue of notification kinds: code → severity and a zh/en title and body template.

Each product declares its own kinds in its own module (e.g. ``trading/copytrade/notices.py``) with
``register(Kind(...))`` and imports that module from its ``AppConfig.ready``; ``notify`` refuses a
kind nobody registered, so a typo cannot send an empty message. Templates use ``str.format``
fields filled from the notification's context; a missing field renders as ``{field}`` instead of
raising, so a notification is never lost to a template mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from notifications.choices import Severity

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its code (``copytrade.follower_disabled``), severity and texts."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add ``kind`` to the catalogue; registering the same code with other texts is an error."""
    known = _REGISTRY.get(kind.code)
    if known is not None and known != kind:
        raise ValueError(f"notification kind {kind.code!r} registered twice with different texts")
    _REGISTRY[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    """The registered kind, or ``KeyError`` naming it."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise KeyError(f"unknown notification kind {code!r}") from None


def all_kinds() -> list[Kind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.code)


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(kind: Kind, lang: str, context: dict[str, Any]) -> tuple[str, str]:
    """``(title, body)`` of ``kind`` in ``lang`` (``zh`` unless ``en``) filled from ``context``."""
    values = _Lenient(context)
    if lang == "en":
        return kind.title_en.format_map(values), kind.body_en.format_map(values)
    return kind.title_zh.format_map(values), kind.body_zh.format_map(values)
