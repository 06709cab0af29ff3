"""UI tests run offscreen (no display needed) with the bundled CJK font loaded once."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(scope="session")
def qapp(qapp):  # pytest-qt's application, with the app font as the real client sets it
    from client_desktop.ui.fonts import load_bundled_fonts

    load_bundled_fonts(qapp)
    return qapp


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/client_desktop/ui" in str(item.fspath):
            item.add_marker(pytest.mark.ui)
