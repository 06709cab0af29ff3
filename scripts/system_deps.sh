#!/usr/bin/env bash
# Installs the OS packages the build needs (Debian/Ubuntu): MariaDB client headers for mysqlclient,
# pkg-config, redis-server (embedded Redis for demo/tests), gettext (makemessages/compilemessages),
# fonts and libs Qt needs offscreen; the X11 (xcb) libraries the windowed desktop client needs on a
# real Linux desktop (without libxcb-cursor0 & co. Qt stops with 'Could not load the Qt platform
# plugin "xcb"'), Xvfb + xauth for the test that starts the real client on a virtual display, and
# headless Chromium + a CJK font for `make screenshots` of the back office.
# Idempotent: does nothing when everything is present. Needs root (or sudo) only when installing.
set -eu
need=()
have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }
for p in libmariadb-dev pkg-config build-essential redis-server gettext \
         libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
         libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
         libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-sync1 libxcb-shm0 libxcb-util1 \
         libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth chromium fonts-wqy-microhei; do
  have_pkg "$p" || need+=("$p")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "WARNING: missing OS packages (${need[*]}) and no apt-get; install them by hand." >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing OS packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
