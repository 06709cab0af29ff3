"""Every answer under ``/api/`` is the API's JSON error shape, whatever refused the request.

DRF views map their own exceptions (``kernel.api_errors.exception_handler``); this middleware,
first in ``MIDDLEWARE``, covers the rest: a body over ``API_MAX_BODY_BYTES`` is refused 413 before
anything reads it; a database, Redis or broker outage raised outside DRF becomes 503
``service_unavailable``; and any non-JSON error Django itself produced (unknown path 404, bad Host
400, a 500) is rewritten to ``{code, message}`` with the same status.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpResponse

from kernel.api_errors import STATUS_ERRORS, error_body, is_unavailable, status_error
from kernel.front_door import drain

log = logging.getLogger("fleet.api")
API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Location")


def json_error(status: int, code: str | None = None, message: object = None) -> HttpResponse:
    default_code, default_message = status_error(status)
    body = error_body(code or default_code, message or default_message)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


def content_length(meta) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiErrorsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if (length := content_length(request.META)) > settings.API_MAX_BODY_BYTES:
            drain(request, length)
            return json_error(413)
        return self._as_json(self.get_response(request))

    def process_exception(self, request, exception):
        if not request.path_info.startswith(API_PREFIX) or not is_unavailable(exception):
            return None
        log.warning("%s %s: unavailable (%r)", request.method, request.path, exception)
        return json_error(503)

    @staticmethod
    def _as_json(response):
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        replaced = json_error(response.status_code)
        for name in KEPT_HEADERS:
            if response.has_header(name):
                replaced[name] = response[name]
        return replaced


__all__ = ["STATUS_ERRORS", "ApiErrorsMiddleware", "json_error"]
