#!/usr/bin/env python3
"""Build the desktop client as a one-folder app for THIS operating system (PyInstaller), then check
that the built app starts and renders its login screen offscreen.

    python scripts/build_client.py            # build into dist/FleetClient/, then check it
    python scripts/build_client.py --check    # only check an existing build

Windows: run the same command in the Windows venv (docs/client.md "Building the app"); the result
is dist\\FleetClient\\FleetClient.exe. PyInstaller does not cross-compile: each OS builds its own.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "FleetClient"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
ENTRY = ROOT / "client_desktop" / "packaging" / "entry.py"
SEP = ";" if os.name == "nt" else ":"
# Never bundled: the server side (the client must not need it) and unused heavy Qt modules.
EXCLUDES = [
    "django",
    "rest_framework",
    "celery",
    "backoffice",
    "orders",
    "accounts",
    "exchange_sim",
    "tkinter",
    "PySide6.QtWebEngineCore",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
]


def build() -> Path:
    args = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--onedir",
        "--windowed",
        "--name",
        NAME,
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        "--specpath",
        str(WORK),
        "--paths",
        str(ROOT),
        "--add-data",
        f"{ROOT / 'client_desktop' / 'assets'}{SEP}client_desktop/assets",
        "--collect-submodules",
        "client_desktop",
        "--collect-submodules",
        "trading.exchanges",
        *[arg for module in EXCLUDES for arg in ("--exclude-module", module)],
        str(ENTRY),
    ]
    subprocess.run(args, cwd=ROOT, check=True)  # noqa: S603
    return app_path()


def app_path() -> Path:
    suffix = ".exe" if os.name == "nt" else ""
    return DIST / NAME / f"{NAME}{suffix}"


def check(app: Path) -> Path:
    """Start the built app offscreen, let it render its screens to PNG files and exit; the login
    screen must be there and not blank."""
    if not app.exists():
        raise SystemExit(f"no built app at {app}: build it first")
    out = Path(tempfile.mkdtemp(prefix="fleet-client-check-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)  # the frozen app must not lean on this checkout
    done = subprocess.run(  # noqa: S603
        [str(app), "--demo-screenshots", str(out)],
        env=env,
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
    )
    login = out / "login.png"
    if done.returncode != 0 or not login.exists() or login.stat().st_size < 5_000:
        raise SystemExit(f"the built app did not render its login screen:\n{done.stderr[-3000:]}")
    print(f"OK: {app} rendered its login screen to {login} ({login.stat().st_size} bytes)")
    return login


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check an existing build")
    args = parser.parse_args()
    check(app_path() if args.check else build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
