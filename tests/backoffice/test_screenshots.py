"""``make screenshots`` renders real back-office pages with headless Chromium (its own throwaway
database and Redis): a smoke run over two pages, in a subprocess because it sets up Django itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROWSER = next(
    (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
    None,
)

RUN = (
    "import sys; from pathlib import Path; from devtools import screenshots; "
    "screenshots.render(Path(sys.argv[1]), {'admin_login', 'order_report'})"
)


@pytest.mark.skipif(BROWSER is None, reason="chromium missing: scripts/system_deps.sh installs it")
def test_back_office_pages_are_rendered_by_chromium(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", RUN, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for name in ("admin_login.png", "order_report.png"):
        png = (tmp_path / name).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png[16:20], "big")
        assert width == 1400 and len(png) > 10_000, name
