"""The back office speaks Chinese unless the operator chose English with the header switcher.

Django's LocaleMiddleware follows the browser's ``Accept-Language``: an operator whose browser says
``en-US`` got an English admin. Here the admin's language is, in order: the operator's saved choice
(one row per user, cached in the session), the ``django_language`` cookie (before logging in), then
``LANGUAGE_CODE`` (zh-hans) — never the browser. The API keeps LocaleMiddleware's choice: its
callers (desktop client, curl) ask for a language explicitly.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from backoffice.models import OperatorLanguage

SESSION_KEY = "fleet_language"
API_PREFIX = "/api/"


def supported(code: str | None) -> str | None:
    """``code`` if it is one of LANGUAGES, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def operator_language(request: HttpRequest) -> str:
    """The language of the back office for this request (see the module docstring)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        saved = request.session.get(SESSION_KEY)
        if saved is None:
            row = OperatorLanguage.objects.filter(user=user).only("language").first()
            saved = row.language if row else ""
            request.session[SESSION_KEY] = saved
        if supported(saved):
            return saved
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return supported(cookie) or settings.LANGUAGE_CODE


def operator_language_set(*, request: HttpRequest, language: str) -> None:
    """Remember ``language`` for this operator (row + session); anonymous: the cookie only."""
    user = request.user
    if user.is_authenticated:
        OperatorLanguage.objects.update_or_create(user=user, defaults={"language": language})
        request.session[SESSION_KEY] = language


class OperatorLanguageMiddleware:
    """Runs after AuthenticationMiddleware and overrides LocaleMiddleware outside the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            language = operator_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header switcher's form: save the choice, set the cookie, go back where it was made."""
    language = supported(request.POST.get("language")) or settings.LANGUAGE_CODE
    operator_language_set(request=request, language=language)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/admin/"
    reply = HttpResponseRedirect(back)
    reply.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return reply
