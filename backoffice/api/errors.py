"""One error shape for the whole API: ``{"code": "<machine code>", "message": "<human, localized>"}``
plus optional ``detail``. Views raise ``ApiError`` (or DRF exceptions); nothing answers a bare 500
for bad input."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response


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


def error_body(code: str, message: Any, detail: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if detail is not None:
        body["detail"] = detail
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: map every known exception to the one error shape."""
    if isinstance(exc, ApiError):
        return Response(error_body(exc.code, exc.message, exc.extra), status=exc.status_code)
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
