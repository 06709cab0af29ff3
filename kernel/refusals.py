"""The one refusal type of the API and the one catalogue of its codes.

A refusal is a business "no" a person acts on: a machine ``code`` the client branches on, the HTTP
status, and a message in the trader's language (Django gettext, Chinese by default, English from
the ``.po`` files). Each app declares its own codes once, in its ``errors.py``, with ``refusal()``;
they all land in ``CATALOGUE``, whose ``duplicates()`` names a code/text pair declared twice
(its test keeps that list empty), so a text is never restated by a second app. The generic codes of the HTTP layer (not authenticated, not found, bad
input, unavailable, …) are declared here. Services raise ``Refused``; ``kernel.api_errors`` turns
it into the wire shape ``{code, message, detail?}`` (docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions


@dataclass(frozen=True)
class Refusal:
    """One catalogue entry. ``message`` is a lazy gettext text; named ``%(param)s`` holes in it
    are filled from the ``Refused`` that carries it."""

    code: str
    status: int
    message: Any

    def text(self, params: dict[str, Any] | None = None) -> str:
        """The message in the active language, with its ``%(param)s`` holes filled."""
        words = str(self.message)
        return words % params if params else words


class Catalogue:
    """Every refusal the API can answer. ``duplicates()`` names a code/text pair declared twice
    (a restated text); the catalogue test keeps it empty. (Checked after start-up, not on
    declaration: comparing lazy texts needs the translation machinery, which is not ready while
    the modules declaring them are imported.)"""

    def __init__(self) -> None:
        self._entries: list[Refusal] = []

    def add(self, code: str, status: int, message: Any) -> Refusal:
        if not code or not 400 <= status < 600:
            raise ValueError(f"refusal {code!r} needs a code and a 4xx/5xx status")
        entry = Refusal(code, status, message)
        self._entries.append(entry)
        return entry

    def entries(self) -> list[Refusal]:
        return list(self._entries)

    def duplicates(self) -> list[tuple[str, str]]:
        """The code/untranslated-text pairs declared more than once."""
        seen: set[tuple[str, str]] = set()
        twice: list[tuple[str, str]] = []
        with translation.override(None):
            for entry in self._entries:
                key = (entry.code, str(entry.message))
                if key in seen:
                    twice.append(key)
                seen.add(key)
        return twice

    def untranslated(self, language: str) -> list[Refusal]:
        """The entries whose text ``language`` has no translation of (same text as in Chinese)."""
        with translation.override(None):
            source = {id(entry): str(entry.message) for entry in self._entries}
        with translation.override(language):
            return [e for e in self._entries if str(e.message) == source[id(e)]]


CATALOGUE = Catalogue()


def refusal(code: str, status: int, message: Any) -> Refusal:
    """Declare a refusal in the one catalogue (once per code and text)."""
    return CATALOGUE.add(code, status, message)


class Refused(exceptions.APIException):
    """The one refusal exception: services raise it, the API answers it (``kernel.api_errors``),
    the admin shows its ``message``. ``detail`` is the reply's optional ``detail`` field; ``lang``
    the trader's language when the refusing code knows it; ``params`` fill the message's holes.
    (An ``APIException`` so that DRF treats one raised during authentication as its own.)"""

    def __init__(
        self,
        refusal: Refusal,
        detail: Any = None,
        *,
        lang: str | None = None,
        **params: Any,
    ) -> None:
        Exception.__init__(self, f"{refusal.code}: {detail}" if detail else refusal.code)
        self.refusal = refusal
        self.detail: Any = detail
        self.lang = lang
        self.params = params
        self.status_code = refusal.status

    @property
    def code(self) -> str:
        return self.refusal.code

    @property
    def message(self) -> str:
        """The message in the active language (read when the reply is written)."""
        return self.refusal.text(self.params)

    def __str__(self) -> str:
        return str(self.args[0])


# --- the HTTP layer's own refusals -------------------------------------------------------------
NOT_AUTHENTICATED = refusal("not_authenticated", 401, _("请先登录"))
INVALID_TOKEN = refusal("invalid_token", 401, _("登录凭证无效，请重新登录"))
PERMISSION_DENIED = refusal("permission_denied", 403, _("没有权限执行此操作"))
NOT_FOUND = refusal("not_found", 404, _("资源不存在"))
METHOD_NOT_ALLOWED = refusal("method_not_allowed", 405, _("不支持的请求方法"))
MALFORMED = refusal("malformed_request", 400, _("请求格式错误"))
INVALID_INPUT = refusal("invalid_input", 400, _("输入有误"))
TOO_LARGE = refusal("payload_too_large", 413, _("请求体过大"))
MEDIA_REFUSED = refusal("unsupported_media_type", 415, _("不支持的内容类型"))
THROTTLED = refusal("throttled", 429, _("请求过于频繁，请稍后再试"))
SERVER_ERROR = refusal("server_error", 500, _("服务器内部错误"))
UNAVAILABLE = refusal("service_unavailable", 503, _("服务暂不可用，请稍后重试"))
REQUEST_FAILED = _("请求失败")  # the text of a bare status no entry names (``http_<status>``)
