"""Small widget helpers shared by the screens."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def named[W: QWidget](widget: W, name: str) -> W:
    """``widget`` with its object name set (the style sheet and the tests find it by name)."""
    widget.setObjectName(name)
    return widget
