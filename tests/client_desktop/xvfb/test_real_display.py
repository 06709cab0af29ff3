"""The windowed client starts on a real X display: Xvfb, Qt's own ``xcb`` platform plugin (the one
a Linux desktop uses — it needs the libxcb-* packages ``scripts/system_deps.sh`` installs), then a
screenshot of the whole screen taken by a separate X client shows the login window.

Not offscreen on purpose: ``Could not load the Qt platform plugin "xcb"`` only shows up here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="Xvfb missing: run scripts/system_deps.sh"
)

GRAB = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication(sys.argv[:1])
    shot = app.primaryScreen().grabWindow(0)
    image = shot.toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    shot.save(sys.argv[1])
    print(image.width(), image.height(), len(colours))
    """
)


def _free_display() -> int:
    for number in range(90, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb():
    number = _free_display()
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield f":{number}"
    server.terminate()
    server.wait(10)


def test_the_client_window_appears_on_an_x_display(xvfb, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update({"DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)})
    client = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "client_desktop",
            "--data-dir",
            str(tmp_path / "data"),
            "--server",
            "http://127.0.0.1:9",
            "--lang",
            "zh",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        shot = tmp_path / "client-on-xvfb.png"
        width = colours = 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and colours < 20:
            assert client.poll() is None, client.communicate()[0]
            time.sleep(1)
            out = subprocess.run(
                [sys.executable, "-c", GRAB, str(shot)], env=env, capture_output=True, text=True
            )
            assert out.returncode == 0, out.stderr
            width, _height, colours = map(int, out.stdout.split())
        assert width == 1280
        assert colours >= 20, "nothing drawn on the display: the window did not appear"
        assert shot.stat().st_size > 5_000
    finally:
        client.terminate()
        output = client.communicate(timeout=15)[0]
    assert "Could not load the Qt platform plugin" not in output, output
