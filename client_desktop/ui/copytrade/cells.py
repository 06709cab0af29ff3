"""What the copy-trading tables show, as text (Qt-free): one row of cells per follower and per
leader event, in the client catalogue's words (keys ``copy.*``), and the newest failure of a
follower (what pops up)."""

from __future__ import annotations

from decimal import Decimal

from client_desktop.core.copytrade_api import EventView, FollowerView
from client_desktop.core.i18n import tr
from trading.exchanges.venue_errors import explain_text

FOLLOWER_COLUMNS = ("name", "venue", "state", "usdt", "btc", "last", "error")
EVENT_COLUMNS = ("time", "side", "ratio", "fanout", "ok", "fail", "skipped", "latency")


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value.normalize():f}"


def label(lang: str, kind: str, code: str) -> str:
    """A venue / environment / status / skip code as the back office writes it (``copy.<kind>.``
    keys); an unknown code is shown as it came."""
    found = tr(f"copy.{kind}.{code}", lang)
    return code if found == f"copy.{kind}.{code}" else found


def venue_env_text(exchange: str, env: str, lang: str) -> str:
    return f"{label(lang, 'venue', exchange)} / {label(lang, 'env', env)}"


def last_copy_text(f: FollowerView, lang: str) -> str:
    last = f.last_copy
    if last is None:
        return "-"
    latency = f" · {last.latency_ms} ms" if last.latency_ms is not None else ""
    status = label(lang, "status", last.status)
    if last.skip_reason:
        status = f"{status}（{label(lang, 'skip', last.skip_reason)}）"
    return f"{tr(f'copy.{last.side}', lang)} {money(last.requested)} {status}{latency}"


def error_words(raw: str, lang: str) -> str:
    """A stored venue error in words (the one catalogue, ``venue_errors``); raw on hover."""
    return explain_text(raw, lang).text if raw else "-"


def follower_cells(f: FollowerView, lang: str) -> list[str]:
    return [
        f.name,
        venue_env_text(f.exchange, f.env, lang),
        tr(f"copy.{f.state}", lang),
        money(f.free_usdt),
        money(f.free_btc),
        last_copy_text(f, lang),
        error_words(f.last_error, lang),
    ]


def latest_failure(f: FollowerView) -> tuple[str, str] | None:
    """(identity, raw error) of the follower's newest failure: a failed last copy, or a stored
    error (verification refused, keys disabled). The identity changes with each new failure."""
    last = f.last_copy
    if last is not None and last.status == "FAILED" and last.error:
        return f"copy:{f.id}:{last.event_id}", last.error
    if f.last_error:
        return f"error:{f.id}:{f.last_error}", f.last_error
    return None


def event_cells(e: EventView, lang: str) -> list[str]:
    clock = e.t[11:19] if len(e.t) >= 19 else e.t
    return [
        clock,
        tr(f"copy.{e.type}", lang),
        f"{e.x_percent.normalize():f}%",
        str(e.fanout),
        str(e.ok),
        str(e.fail),
        str(e.skipped),
        "-" if e.latency_ms is None else str(e.latency_ms),
    ]
