"""One error shape for the whole API: ``{"code": "<machine code>", "message": "<human, localized>"}``
plus optional ``detail``. Services and views raise ``kernel.refusals.Refused`` (or DRF
exceptions); this handler (DRF's ``EXCEPTION_HANDLER``) writes them all in that shape, and
nothing answers a bare 500 for bad input."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.response import Response

from kernel import refusals as r

log = logging.getLogger("fleet.api")

# The refusal of each DRF exception (checked in order: the first class it is an instance of).
_DEFAULT_CODES: dict[type[exceptions.APIException], r.Refusal] = {
    exceptions.NotAuthenticated: r.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: r.INVALID_TOKEN,
    exceptions.PermissionDenied: r.PERMISSION_DENIED,
    exceptions.NotFound: r.NOT_FOUND,
    exceptions.MethodNotAllowed: r.METHOD_NOT_ALLOWED,
    exceptions.ParseError: r.MALFORMED,
    exceptions.UnsupportedMediaType: r.MEDIA_REFUSED,
    exceptions.Throttled: r.THROTTLED,
}

# The refusal of a bare HTTP status (what Django or the WSGI front answered on its own).
STATUS_ERRORS: dict[int, r.Refusal] = {
    entry.status: entry
    for entry in (
        r.MALFORMED,
        r.NOT_AUTHENTICATED,
        r.PERMISSION_DENIED,
        r.NOT_FOUND,
        r.METHOD_NOT_ALLOWED,
        r.TOO_LARGE,
        r.MEDIA_REFUSED,
        r.THROTTLED,
        r.SERVER_ERROR,
        r.UNAVAILABLE,
    )
}


def status_error(http_status: int) -> tuple[str, Any]:
    """The code and message of a bare HTTP status (``http_<status>`` when none is catalogued)."""
    entry = STATUS_ERRORS.get(http_status)
    return (entry.code, entry.message) if entry else (f"http_{http_status}", r.REQUEST_FAILED)


def is_unavailable(exc: BaseException) -> bool:
    """The database, Redis or the Celery broker failed: a 503 the client retries, not a 500.
    (Any ``DatabaseError``: the request is refused whole, its transaction rolled back.)"""
    return isinstance(exc, DatabaseError | RedisError | BrokerError)


def error_body(code: str, message: Any, detail: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if detail is not None:
        body["detail"] = detail
    return body


def refusal_body(refusal: r.Refusal, detail: Any = None) -> dict[str, Any]:
    return error_body(refusal.code, refusal.message, detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: map every known exception to the one error shape."""
    if isinstance(exc, r.Refused):
        return Response(error_body(exc.code, exc.message, exc.detail), status=exc.status_code)
    if is_unavailable(exc):
        log.warning("API call refused, a backing service is unavailable: %r", exc)
        return Response(refusal_body(r.UNAVAILABLE), status=503)
    if isinstance(exc, RequestDataTooBig):
        return Response(refusal_body(r.TOO_LARGE), status=413)
    from rest_framework.views import exception_handler as drf_exception_handler  # avoids a cycle

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = refusal_body(r.INVALID_INPUT, response.data)
        return response
    response.data = _drf_body(exc)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = "Token"
    return response


def _drf_body(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, exceptions.AuthenticationFailed) and hasattr(exc, "fleet_code"):
        return error_body(exc.fleet_code, exc.detail)  # set by ClientTokenAuthentication
    for klass, entry in _DEFAULT_CODES.items():
        if isinstance(exc, klass):
            return refusal_body(entry)
    return error_body("error", exc)
