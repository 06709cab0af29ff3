"""Qt's own translations (shipped with PySide6) for the texts Qt draws itself: standard dialog
buttons (确定 / 取消 / 是 / 否), the line-edit context menu, file dialogs. Without them a Chinese
UI showed ``OK / Cancel / Yes / No``. Our own strings stay in ``client_desktop.core.i18n``."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

QT_CATALOGUES = {"zh": "qtbase_zh_CN"}  # English needs none: Qt's source strings are English
_installed: list[QTranslator] = []


def apply_qt_language(lang: str) -> bool:
    """Install Qt's catalogue for ``lang`` on the running application (replacing the previous
    one); True when one is installed."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    while _installed:
        app.removeTranslator(_installed.pop())
    name = QT_CATALOGUES.get(lang)
    if name is None:
        return False
    translator = QTranslator(app)
    if not translator.load(name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
