"""One error shape for the whole API: ``{"code": "<machine code>", "message": "<human, localized>"}``
plus optional ``detail``. Views raise ``ApiError`` (or DRF exceptions); nothing answers a bare 500
for bad input."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.response import Response

log = logging.getLogger("fleet.api")


class ApiError(exceptions.APIException):
    """An API refusal with a stable machine-readable ``code`` and a translated message."""

    def __init__(self, code: str, message: Any, http_status: int = 400, detail: Any = None) -> None:
        self.code = code
        self.message = message
        self.status_code = http_status
        self.extra = detail
        super().__init__(detail=message, code=code)


_DEFAULT_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", _("请先登录")),
    exceptions.AuthenticationFailed: ("invalid_token", _("登录凭证无效，请重新登录")),
    exceptions.PermissionDenied: ("permission_denied", _("没有权限执行此操作")),
    exceptions.NotFound: ("not_found", _("资源不存在")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("不支持的请求方法")),
    exceptions.ParseError: ("malformed_request", _("请求格式错误")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", _("不支持的内容类型")),
    exceptions.Throttled: ("throttled", _("请求过于频繁，请稍后再试")),
}


UNAVAILABLE = ("service_unavailable", _("服务暂不可用，请稍后重试"))
# The error of a bare HTTP status (what Django or the WSGI front answered on its own).
STATUS_ERRORS = {
    400: ("malformed_request", _("请求格式错误")),
    401: _DEFAULT_CODES[exceptions.NotAuthenticated],
    403: _DEFAULT_CODES[exceptions.PermissionDenied],
    404: _DEFAULT_CODES[exceptions.NotFound],
    405: _DEFAULT_CODES[exceptions.MethodNotAllowed],
    413: ("payload_too_large", _("请求体过大")),
    415: _DEFAULT_CODES[exceptions.UnsupportedMediaType],
    429: _DEFAULT_CODES[exceptions.Throttled],
    500: ("server_error", _("服务器内部错误")),
    503: UNAVAILABLE,
}


def status_error(http_status: int) -> tuple[str, Any]:
    return STATUS_ERRORS.get(http_status, (f"http_{http_status}", _("请求失败")))


def is_unavailable(exc: BaseException) -> bool:
    """The database, Redis or the Celery broker failed: a 503 the client retries, not a 500.
    (Any ``DatabaseError``: the request is refused whole, its transaction rolled back.)"""
    return isinstance(exc, DatabaseError | RedisError | BrokerError)


def error_body(code: str, message: Any, detail: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if detail is not None:
        body["detail"] = detail
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: map every known exception to the one error shape."""
    if isinstance(exc, ApiError):
        return Response(error_body(exc.code, exc.message, exc.extra), status=exc.status_code)
    if is_unavailable(exc):
        log.warning("API call refused, a backing service is unavailable: %r", exc)
        return Response(error_body(*UNAVAILABLE), status=503)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(*STATUS_ERRORS[413]), status=413)
    from rest_framework.views import exception_handler as drf_exception_handler  # avoids a cycle

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid_input", _("输入有误"), response.data)
        return response
    code, message = _DEFAULT_CODES.get(type(exc), ("error", exc))
    for klass, (c, m) in _DEFAULT_CODES.items():
        if isinstance(exc, klass):
            code, message = c, m
            break
    if isinstance(exc, exceptions.AuthenticationFailed) and hasattr(exc, "fleet_code"):
        code, message = exc.fleet_code, exc.detail  # set by ClientTokenAuthentication
    response.data = error_body(code, message)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = "Token"
    return response
