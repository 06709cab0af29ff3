"""The two hot paths served in front of Django, as plain WSGI: the pull
(``GET /api/v1/event-orders/pull``, every client every second) and the execution report
(``POST /api/v1/event-orders/{id}/executions``, every client within a second of each new order).

Their cost is the product's capacity. Django's request cycle (request object, nine middlewares,
URL resolution, DRF's request/serializer/response) costs several times the paths' own work — one
``EVALSHA`` that checks the session and delivers, one Redis lookup and one INSERT for a report — so
``backoffice/wsgi.py`` routes these paths here (:class:`HotPaths`) and everything else to Django.
The logic lives in :func:`pull_reply` / :func:`report_reply`, which the Django views (used by the
test client, ``runserver`` and the OpenAPI schema) call too, so both entries answer the same.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core import signals
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header
from redis.exceptions import RedisError

from accounts.api_auth import token_from_header
from accounts.errors import NOT_AUTHENTICATED
from accounts.selectors import session_resolve, session_token_hash
from kernel import metrics
from kernel.front_door import drain, front_door
from kernel.refusals import MEDIA_REFUSED, TOO_LARGE, Refusal, Refused
from orders import delivery
from orders.errors import UNAVAILABLE
from orders.report_input import is_json_media, report_fields
from orders.services import execution_report

log = logging.getLogger("fleet.orders.api")

PULL_PATH = "/api/v1/event-orders/pull"
REPORT_PATH = re.compile(r"^/api/v1/event-orders/([^/]+)/executions$")
JSON = "application/json"
MAX_BODY = 64 * 1024  # a report is < 3 KB; a longer body is refused 413 (API_MAX_BODY_BYTES)
Headers = list[tuple[str, str]]
Reply = tuple[int, bytes, Headers]


def pull_reply(
    method: str, authorization: str | None, accept_language: str = "", ack: str = ""
) -> Reply:
    """The whole answer to one pull: (status, JSON body, extra headers). ``ack``: the query's
    ``ack`` parameter, delivery ids the client journaled (acknowledged before delivering). Never
    raises for bad input; Redis trouble is a 503 ``service_unavailable``."""
    if method != "GET":
        return _not_allowed("GET")
    if not authorization:
        return refused(NOT_AUTHENTICATED, lang=_accepted(accept_language))
    try:
        token = token_from_header(authorization)
        now, thash, acks = time.time(), session_token_hash(token), delivery.parse_acks(ack)
        hit = delivery.session_pull(thash, now, acks)
        if hit is None:  # session not cached (e.g. after a Redis restart): the database decides
            info = session_resolve(token)
            fragments, flush_due = delivery.pull(info.trader_id, now, holder=thash, acks=acks)
        else:
            info, fragments, flush_due = hit
    except Refused as exc:
        return refused(exc.refusal, exc.detail, exc.lang or _accepted(accept_language))
    except (delivery.DeliveryUnavailable, RedisError, DatabaseError) as exc:
        log.warning("pull refused, delivery state unavailable: %s", type(exc).__name__)
        return refused(UNAVAILABLE, lang=_accepted(accept_language))
    if flush_due:
        _schedule_flush()
    if fragments:
        metrics.EVENT_ORDERS_DELIVERED.inc(len(fragments))
    if acks:
        metrics.EVENT_ORDERS_ACKNOWLEDGED.inc(len(acks))
    tail = f',"amount":"{info.amount}"}}'
    orders = ",".join(f + tail for f in fragments)
    body = f'{{"server_time":"{delivery.iso(now)}","orders":[{orders}]}}'
    return 200, body.encode(), []


def report_reply(
    method: str,
    authorization: str | None,
    accept_language: str,
    order_id: str,
    body: bytes | None,
    content_type: str = JSON,
) -> Reply:
    """The whole answer to one execution report: 201 with the stored report, 200 with the first
    report on a repeat, or a refusal (401/403 session, 400 body, 404 order, 409 not delivered,
    413 body over ``MAX_BODY`` (``None``), 415 not JSON, 503 Redis or the database down)."""
    if method != "POST":
        return _not_allowed("POST")
    if not authorization:
        return refused(NOT_AUTHENTICATED, lang=_accepted(accept_language))
    lang = _accepted(accept_language)
    if body is None:
        return refused(TOO_LARGE, lang=lang)
    if not is_json_media(content_type):
        return refused(MEDIA_REFUSED, lang=lang)
    try:
        info = session_resolve(token_from_header(authorization))
        lang = info.lang or lang
        fields = report_fields(body)
        report, created = execution_report(order_id=order_id, trader_id=info.trader_id, **fields)
    except Refused as exc:  # session (its trader's language) or order refusal
        return refused(exc.refusal, exc.detail, exc.lang or lang)
    except (RedisError, DatabaseError) as exc:
        log.warning("report refused, Redis or the database unavailable: %r", exc)
        return refused(UNAVAILABLE, lang=lang)
    return (201 if created else 200), json.dumps(report_json(report)).encode(), []


def report_json(report: Any) -> dict[str, Any]:
    """A stored report as the API shows it (amounts as decimal strings, UTC times)."""
    return {
        "order_id": report.order_id,
        "outcome": report.outcome,
        "binance_order_id": report.binance_order_id,
        "error_code": report.error_code,
        "error_message": report.error_message,
        "amount": None if report.amount is None else f"{report.amount:.2f}",
        "latency_ms": report.latency_ms,
        "reported_at": delivery.iso(report.reported_at),
    }


def _not_allowed(allowed: str) -> Reply:
    body = {"code": "method_not_allowed", "message": allowed}
    return 405, json.dumps(body).encode(), [("Allow", allowed)]


def refused(refusal: Refusal, detail: object = None, lang: str | None = None) -> Reply:
    """The API error shape, in ``lang`` (the trader's language when the session knows it)."""
    with translation.override(lang or settings.LANGUAGE_CODE):
        body: dict[str, Any] = {"code": refusal.code, "message": str(refusal.message)}
    if detail is not None:
        body["detail"] = detail
    headers = [("WWW-Authenticate", "Token")] if refusal.status == 401 else []
    return refusal.status, json.dumps(body).encode(), headers


def _accepted(header: str) -> str | None:
    """The best supported language of an ``Accept-Language`` header (as LocaleMiddleware)."""
    for code, _q in parse_accept_lang_header(header) if header else ():
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def _schedule_flush() -> None:
    """Persist the new claims off the hot path (a broker hiccup must not fail the pull: the
    30 s sweep persists them anyway)."""
    from orders.tasks import persist_claims

    try:
        persist_claims.apply_async(countdown=0.3)
    except Exception:
        log.exception("could not schedule orders.persist_claims")


StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_STATUS = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}


class HotPaths:
    """WSGI middleware: the pull and the execution report are answered here, every other
    request goes to ``app``. Both get what Django's request cycle would give them: the host
    check, HTTPS redirect and security headers (``kernel.front_door``), and connection handling
    (``request_started`` / ``request_finished``: ``close_old_connections``, so a connection the
    database dropped is replaced, never reused)."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        auth = environ.get("HTTP_AUTHORIZATION")
        lang = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        started = time.perf_counter()
        if path == PULL_PATH:
            ack = _ack_param(environ.get("QUERY_STRING", ""))
            answer = lambda: pull_reply(method, auth, lang, ack)  # noqa: E731
            timer = metrics.PULL_SECONDS
        elif (match := REPORT_PATH.match(path)) and method == "POST":
            answer = lambda: report_reply(  # noqa: E731
                method, auth, lang, match.group(1), _body(environ), environ.get("CONTENT_TYPE", "")
            )
            timer = metrics.REPORT_SECONDS
        else:
            return self.app(environ, start_response)
        early, security = front_door(environ)
        status, body, extra = early or _served(environ, answer)
        timer.observe(time.perf_counter() - started)
        headers = [
            ("Content-Type", JSON),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            *security,
            *extra,
        ]
        start_response(_STATUS[status], headers)
        return [body]


def _ack_param(query: str) -> str:
    """The ``ack`` query parameter of a pull (comma-separated delivery ids; repeats joined)."""
    return ",".join(parse_qs(query).get("ack", [])) if "ack=" in query else ""


def _served(environ: dict[str, Any], answer: Callable[[], Reply]) -> Reply:
    """Run one answer inside Django's request signals; a failure is a JSON error, never a bare
    500 page, and never leaves a broken connection to the next request of this thread."""
    signals.request_started.send(sender=HotPaths, environ=environ)
    try:
        return answer()
    except DatabaseError as exc:
        log.warning("hot path refused, database unavailable: %r", exc)
        return refused(UNAVAILABLE)
    except Exception:
        log.exception("hot path failed: %s", environ.get("PATH_INFO"))
        return _error(500, "server_error", "服务器内部错误")
    finally:
        signals.request_finished.send(sender=HotPaths)


def _error(status: int, code: str, message: str) -> Reply:
    return status, json.dumps({"code": code, "message": message}).encode(), []


def _body(environ: dict[str, Any]) -> bytes | None:
    """The request body; ``None`` when it is longer than ``MAX_BODY`` (refused; the rest is
    drained). A missing or bad length reads as empty."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return b""
    if length > MAX_BODY:
        drain(environ["wsgi.input"], length)
        return None
    return environ["wsgi.input"].read(length) if length > 0 else b""
