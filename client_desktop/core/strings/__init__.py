"""Per-screen parts of the one client string catalogue (``client_desktop.core.i18n.CATALOG``).

Each module here defines ``ZH`` and ``EN``: dicts of key → text for one screen or feature (keys
prefixed by the screen, e.g. ``alpha.start``). ``i18n`` merges every module found here into the
catalogue at import, so a new screen adds its own file instead of editing a shared one; a key
defined twice is an error, not a silent override.
"""

from __future__ import annotations

import importlib
import pkgutil


def collect() -> dict[str, dict[str, str]]:
    """``{"zh": {...}, "en": {...}}`` from every module of this package."""
    merged: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for lang, attr in (("zh", "ZH"), ("en", "EN")):
            part: dict[str, str] = getattr(module, attr, {})
            clash = merged[lang].keys() & part.keys()
            if clash:
                raise ValueError(f"client strings defined twice: {sorted(clash)}")
            merged[lang].update(part)
    return merged
