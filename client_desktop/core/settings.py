"""Where the client keeps its files and the few preferences it remembers between runs.

Everything lives in one per-user data directory (``platformdirs``; ``--data-dir`` overrides it so
tests and several clients on one machine stay apart): settings, the device id and secret, the
encrypted Binance binding and the order journal.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

from client_desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from client_desktop.core.server_http import DEFAULT_SERVER

APP_NAME = "FleetClient"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def device_id(data_dir: Path) -> str:
    """This installation's stable id (sent at login; admins whitelist it)."""
    path = data_dir / "device_id"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = "dev-" + secrets.token_hex(8)
    write_private(path, value.encode())
    return value


@dataclass
class Settings:
    """Remembered preferences (never secrets)."""

    server: str = DEFAULT_SERVER
    language: str = DEFAULT_LANGUAGE
    username: str = ""
    # The push socket: "auto" = the same origin as ``server`` (``/api/v1/push`` behind the proxy),
    # "off" = pull only, else a ws:// or wss:// URL. The pull is the fallback in every case.
    push: str = "auto"

    def push_url(self) -> str:
        """The push URL to use ("" for none)."""
        from client_desktop.core.push import push_url_for

        if self.push == "off":
            return ""
        return push_url_for(self.server) if self.push in ("", "auto") else self.push

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        path = data_dir / "settings.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: str(v) for k, v in raw.items() if k in known})
        if settings.language not in LANGUAGES:
            settings.language = DEFAULT_LANGUAGE
        return settings

    def save(self, data_dir: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2)
        write_private(data_dir / "settings.json", text.encode())
