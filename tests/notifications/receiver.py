"""A local HTTP receiver on loopback standing in for DingTalk / WeCom / Feishu / Telegram / a
webhook: records every request exactly as it arrived and answers from a script."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    raw_query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """``with Receiver() as r: r.reply(500); r.reply(200, {"errcode": 0}) … r.requests``.
    Without a scripted reply it answers 200 ``default``."""

    def __init__(self, default: dict[str, Any] | None = None) -> None:
        self.requests: list[Received] = []
        self.script: list[tuple[int, bytes]] = []
        self.default = json.dumps(
            default if default is not None else {"errcode": 0, "errmsg": "ok"}
        ).encode()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                with receiver.lock:
                    receiver.requests.append(
                        Received(
                            "POST",
                            parts.path,
                            parse_qs(parts.query),
                            parts.query,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                        )
                    )
                    status, reply = (
                        receiver.script.pop(0) if receiver.script else (200, receiver.default)
                    )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, status: int, body: Any = None) -> None:
        raw = (
            body
            if isinstance(body, bytes)
            else json.dumps(body if body is not None else {}).encode()
        )
        self.script.append((status, raw))

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
