"""``python -m client_desktop``: the Fleet desktop client.

python -m client_desktop [--server URL] [--lang zh|en] [--data-dir DIR]
                         [--binance-env prod|sim] [--demo-screenshots DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from client_desktop.core.i18n import LANGUAGES
from client_desktop.core.server_http import DEFAULT_SERVER
from client_desktop.core.settings import Settings, default_data_dir, device_id

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m client_desktop", description="The Fleet desktop trading client."
    )
    parser.add_argument("--server", help=f"Fleet server address (default {DEFAULT_SERVER})")
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language (default zh)")
    parser.add_argument(
        "--push",
        help="push socket: auto (same origin as --server, the default), off, or a ws(s):// URL",
    )
    parser.add_argument("--data-dir", type=Path, help="where settings, binding, journal live")
    parser.add_argument(
        "--binance-env",
        choices=("prod", "sim"),
        help="Binance web endpoints: the real site, or the local simulator "
        "(default: sim when the server is on this machine, else prod)",
    )
    parser.add_argument(
        "--demo-screenshots",
        type=Path,
        metavar="DIR",
        help="render the main screens with demo data to PNG files in DIR and exit",
    )
    return parser.parse_args(argv)


def binance_env_for(server: str, chosen: str | None) -> str:
    if chosen:
        return chosen
    return "sim" if (urlparse(server).hostname or "") in LOOPBACK else "prod"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.demo_screenshots is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from client_desktop.ui.screenshots import render_all

        for path in render_all(args.demo_screenshots, lang=args.lang):
            print(path)
        return 0
    from client_desktop.ui.launch import run

    data_dir = args.data_dir or default_data_dir()
    settings = Settings.load(data_dir)
    if args.server:
        settings.server = args.server
    if args.lang:
        settings.language = args.lang
    if args.push:
        settings.push = args.push
    env = binance_env_for(settings.server, args.binance_env)
    return run(data_dir, device_id(data_dir), settings, binance_env=env)


if __name__ == "__main__":
    sys.exit(main())
