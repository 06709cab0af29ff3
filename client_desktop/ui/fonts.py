"""The bundled CJK font (``client_desktop/assets/fonts``), registered at startup so Chinese renders
on a machine without any CJK font installed. It covers Latin too, so it is the application's first
family (one consistent look); the platform families stay behind it as fallbacks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
CJK_FAMILY = "Fleet Sans SC"


def load_bundled_fonts(app: QApplication, point_size: float = 10.0) -> list[str]:
    """Register every bundled font; make the CJK family the application's default. Returns the
    families registered (empty when the files are missing: the app still runs)."""
    families: list[str] = []
    for path in sorted(FONTS_DIR.glob("*.[ot]tf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    if CJK_FAMILY in families:
        font = QFont(app.font())
        font.setFamilies([CJK_FAMILY, *font.families()])
        font.setPointSizeF(point_size)
        app.setFont(font)
    return families
