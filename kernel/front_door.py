"""The front door of requests answered outside Django's middleware (the order hot paths,
``orders.hotpath.HotPaths``): the same ``ALLOWED_HOSTS`` check, HTTPS redirect and security headers
that ``get_host`` and ``SecurityMiddleware`` give every Django request, from the same settings; and
the draining of a refused body, shared with ``backoffice.api.middleware``."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.encoding import escape_uri_path

log = logging.getLogger("fleet.api")
Headers = list[tuple[str, str]]
Reply = tuple[int, bytes, Headers]
DRAIN_LIMIT = 1024 * 1024


def front_door(environ: dict[str, Any]) -> tuple[Reply | None, Headers]:
    """What Django's ``CommonMiddleware``/``get_host`` and ``SecurityMiddleware`` would do to a
    request answered outside Django, from the same settings and with Django's own host validation: (an early
    answer — 400 Host not allowed, 301 to HTTPS — or None, the security headers to add). Written
    out instead of running the middleware on a request object, which cost ~10x more per pull;
    ``tests/orders/test_hotpath_front.py`` compares the two."""
    host = _raw_host(environ)
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not domain or not validate_host(domain, allowed):
        log.warning("hot path refused, Host not allowed: %r", host)
        body = {"code": "malformed_request", "message": "请求无效：不允许的主机名"}
        return (400, json.dumps(body, ensure_ascii=False).encode(), []), []
    secure = _is_secure(environ)
    path = environ.get("PATH_INFO", "")
    if settings.SECURE_SSL_REDIRECT and not secure and not _redirect_exempt(path):
        query = environ.get("QUERY_STRING", "")
        target = f"https://{settings.SECURE_SSL_HOST or host}{escape_uri_path(path)}"
        return (301, b"", [("Location", target + (f"?{query}" if query else ""))]), []
    return None, _security_headers(secure)


def _raw_host(environ: dict[str, Any]) -> str:
    """``HttpRequest._get_raw_host``: X-Forwarded-Host (if trusted), Host, else the server."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return environ["HTTP_X_FORWARDED_HOST"]
    if "HTTP_HOST" in environ:
        return environ["HTTP_HOST"]
    name, port = environ.get("SERVER_NAME", ""), str(environ.get("SERVER_PORT", ""))
    secure = _is_secure(environ)
    return name if port == ("443" if secure else "80") else f"{name}:{port}"


def _is_secure(environ: dict[str, Any]) -> bool:
    """``HttpRequest.is_secure`` under ``SECURE_PROXY_SSL_HEADER``."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _redirect_exempt(path: str) -> bool:
    return any(re.search(p, path.lstrip("/")) for p in settings.SECURE_REDIRECT_EXEMPT)


def _security_headers(secure: bool) -> Headers:
    """The headers ``SecurityMiddleware.process_response`` adds to a response."""
    headers: Headers = []
    if settings.SECURE_HSTS_SECONDS and secure:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        hsts += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        hsts += "; preload" if settings.SECURE_HSTS_PRELOAD else ""
        headers.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if policy := settings.SECURE_REFERRER_POLICY:
        parts = [v.strip() for v in policy.split(",")] if isinstance(policy, str) else policy
        value = ",".join(parts)
        headers.append(("Referrer-Policy", value))
    if coop := settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", coop))
    return headers


def drain(stream, length: int) -> None:
    """Read and drop a refused body of up to ``DRAIN_LIMIT`` bytes so the client's keep-alive
    connection stays usable after the 413 (gunicorn would otherwise parse the unread rest as the
    next request and drop the connection). A larger body is left: the connection then closes."""
    left = length if length <= DRAIN_LIMIT else 0
    while left > 0 and (chunk := stream.read(min(left, 64 * 1024))):
        left -= len(chunk)
