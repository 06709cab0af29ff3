"""The per-screen string modules merge into the one client catalogue: every key in both languages,
and a key defined twice is refused rather than silently overriding another screen's text."""

from __future__ import annotations

import sys
import types

import pytest

from client_desktop.core import strings
from client_desktop.core.i18n import CATALOG


def test_every_screen_module_key_is_in_the_catalogue_in_both_languages():
    merged = strings.collect()
    assert set(merged["zh"]) == set(merged["en"])
    for lang in ("zh", "en"):
        for key, text in merged[lang].items():
            assert CATALOG[lang][key] == text


def test_a_key_defined_twice_is_refused(monkeypatch):
    for name in ("zz_clash_a", "zz_clash_b"):
        module = types.ModuleType(f"{strings.__name__}.{name}")
        module.ZH = {"clash.key": name}  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)
    fake = [types.SimpleNamespace(name="zz_clash_a"), types.SimpleNamespace(name="zz_clash_b")]
    monkeypatch.setattr(strings.pkgutil, "iter_modules", lambda _path: fake)
    with pytest.raises(ValueError, match=r"clash\.key"):
        strings.collect()
