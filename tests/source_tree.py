"""The repository's top-level Python packages, found rather than listed (a list drifts: the
source scans once missed notifications/, the Dockerfile too)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_SHIPPED = {"tests", "scripts"}


def top_level_packages(root: Path = ROOT) -> set[str]:
    """Folders at the root holding an ``__init__.py``, except tests and scripts."""
    return {
        p.parent.name
        for p in root.glob("*/__init__.py")
        if p.parent.name not in NOT_SHIPPED and not p.parent.name.startswith(".")
    }
