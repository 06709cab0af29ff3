"""The bundled CJK font covers every Chinese string; ``python -m client_desktop`` options and the
offscreen screenshots."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QRawFont

from client_desktop.__main__ import binance_env_for, main, parse_args
from client_desktop.core.i18n import CATALOG
from client_desktop.ui.fonts import CJK_FAMILY, FONTS_DIR, load_bundled_fonts


def test_bundled_font_is_registered_and_is_the_app_font(qapp):
    assert CJK_FAMILY in load_bundled_fonts(qapp)
    assert CJK_FAMILY in QFontDatabase.families()
    assert qapp.font().families()[0] == CJK_FAMILY
    assert (FONTS_DIR / "OFL.txt").read_text().startswith("Fleet Sans SC")


def test_bundled_font_has_a_glyph_for_every_chinese_string(qapp):
    raw = QRawFont(str(FONTS_DIR / "FleetSansSC-Regular.otf"), 12)
    assert raw.isValid()
    needed = {ch for text in CATALOG["zh"].values() for ch in text if not ch.isspace()}
    missing = sorted(ch for ch in needed if not raw.supportsCharacter(ord(ch)))
    # A new string with characters outside the subset: rerun assets/fonts/make_subset.py.
    assert missing == []
    assert not raw.supportsCharacter(ord("龘"))  # a subset (GB 2312 level 1), not the whole font


def test_options():
    args = parse_args(["--server", "http://10.0.0.5:8000", "--lang", "en"])
    assert args.server == "http://10.0.0.5:8000" and args.lang == "en"
    assert binance_env_for("http://127.0.0.1:8000", None) == "sim"
    assert binance_env_for("http://localhost:8000", None) == "sim"
    assert binance_env_for("https://fleet.example.com", None) == "prod"
    assert binance_env_for("http://127.0.0.1:8000", "prod") == "prod"


def test_demo_screenshots_are_rendered(qapp, tmp_path, capsys):
    assert main(["--demo-screenshots", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == [
        "copytrade.png",
        "alpha.png",
        "alpha_en.png",
        "alpha_paused.png",
        "login.png",
        "login_device_not_allowed.png",
        "notifications.png",
        "qr_binding.png",
        "signals.png",
        "signals_en.png",
        "trading.png",
        "trading_en.png",
    ]
    assert all((tmp_path / name).stat().st_size > 10_000 for name in names)
    assert str(tmp_path / "trading.png") in capsys.readouterr().out
