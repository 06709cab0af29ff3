#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter, or explains on stderr and exits 1.
# Order: $PYTHON, python3.14..python3.12 on PATH, pyenv installs, /usr/local and /usr/bin.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for v in 3.14 3.13 3.12; do
  command -v "python$v" >/dev/null 2>&1 && candidates+=("$(command -v python$v)")
done
for root in "${PYENV_ROOT:-$HOME/.pyenv}/versions" /usr/local/bin /usr/bin /opt/homebrew/bin; do
  for p in "$root"/3.1[2-9]*/bin/python3 "$root"/python3.1[2-9]; do
    [ -x "$p" ] && candidates+=("$p")
  done
done
command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")
for c in "${candidates[@]}"; do
  # pyenv shims exist for every installed version but fail when it is not selected: test each.
  if ok "$c"; then "$c" -c 'import sys; print(sys.executable)'; exit 0; fi
done
cat >&2 <<'MSG'
ERROR: Fleet needs Python 3.12 or newer (Django 6 requires it), and none was found.
Looked at: $PYTHON, python3.14/3.13/3.12 on PATH, ~/.pyenv/versions/3.12+, /usr/local/bin, /usr/bin.
Install one (e.g. `pyenv install 3.12` or your OS package python3.12) or set PYTHON=/path/to/python3.12.
MSG
exit 1
