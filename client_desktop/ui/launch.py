"""Start the Qt application: fonts, the controller, the event loop; clean stop on exit."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from client_desktop.core.binding import QrLogin
from client_desktop.core.settings import Settings
from client_desktop.ui.app import AppConfig, AppController
from client_desktop.ui.engine_bridge import default_engine_factory
from client_desktop.ui.fonts import load_bundled_fonts


def run(data_dir: Path, device_id: str, settings: Settings, *, binance_env: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Fleet")
    load_bundled_fonts(app)
    qr_login = QrLogin(env=binance_env)
    config = AppConfig(
        data_dir=data_dir,
        device_id=device_id,
        settings=settings,
        qr_source=lambda: qr_login,
        engine_factory=default_engine_factory(binance_env, push_url=settings.push_url()),
        simulator=binance_env == "sim",
    )
    controller = AppController(config)
    controller.window.show()
    signal.signal(signal.SIGINT, lambda *_: app.quit())  # Ctrl-C in the terminal quits cleanly
    heartbeat = QTimer(interval=250)  # lets Python run its signal handlers during app.exec()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()
        qr_login.close()
