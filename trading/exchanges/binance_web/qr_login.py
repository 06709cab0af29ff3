"""The Binance web QR-code login over HTTP (docs/protocols.md §6), for the desktop client.

1. :meth:`QrLoginClient.qr_get` → a code to render as a QR image for the Binance app.
2. :meth:`QrLoginClient.qr_query` → NEW / SCAN / CONFIRM / EXPIRED (also for a code the venue
   does not know). On CONFIRM a web client gets the new session in cookies only (``p20t``,
   ``csrftoken``; docs/connectors.md); token fields in the body are read only as a fallback.
3. We then call ``setTrustDevice`` with that session: its ``Set-Cookie: p20t=…; Max-Age=N`` and
   ``Date`` header give ``expirationTimestamp = Date + Max-Age`` (exactly what browser-driving bots
   compute). Without them the expiry is -1 (unknown).

Real Binance drives this from its login page in a browser; docs/decisions.md explains how this
direct flow maps onto it. The tokens are never logged.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any

from trading.exchanges.binance_web import constants as c
from trading.exchanges.binance_web import mapping
from trading.exchanges.binance_web.auth import NO_EXPIRY, WebSession, public_headers
from trading.exchanges.binance_web.mapping import QrStatus
from trading.exchanges.environments import Env, endpoints
from trading.exchanges.errors import ExchangeError, ProtocolError
from trading.exchanges.http import HttpTransport, Response, Sender
from trading.exchanges.ratelimit import RateLimiter

VENUE = "binance_accounts"


@dataclass(frozen=True)
class QrCode:
    """A login code and the text to encode in the QR image."""

    code: str
    render_text: str


@dataclass(frozen=True)
class QrPoll:
    """One status poll; ``session`` is set once the login is confirmed."""

    status: QrStatus
    session: WebSession | None = None


def set_cookies(response: Response) -> dict[str, tuple[str, int | None]]:
    """``name → (value, max_age)`` of every ``Set-Cookie`` header of ``response``."""
    out: dict[str, tuple[str, int | None]] = {}
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        for name, morsel in jar.items():
            age = morsel["max-age"]
            out[name] = (morsel.value, int(age) if str(age).lstrip("-").isdigit() else None)
    return out


def expiration_from(response: Response) -> int:
    """``Date`` (epoch s) + the ``p20t`` cookie's ``Max-Age``; -1 when either is missing."""
    cookie = set_cookies(response).get(c.COOKIE_P20T)
    dates = response.headers.get_list("date")  # a proxy may add a second one; the app's is last
    date = dates[-1] if dates else ""
    if cookie is None or cookie[1] is None or not date:
        return NO_EXPIRY
    try:
        return int(parsedate_to_datetime(date).timestamp()) + cookie[1]
    except (TypeError, ValueError):
        return NO_EXPIRY


def tokens_from_confirm(response: Response, data: Any) -> tuple[str, str]:
    """``(csrftoken, p20t)`` from a CONFIRM reply: cookies first, then ``data`` fields."""
    cookies = set_cookies(response)
    fields = data if isinstance(data, Mapping) else {}
    p20t = cookies.get(c.COOKIE_P20T, ("", None))[0] or str(fields.get("token") or "")
    csrf = next((cookies[n][0] for n in c.COOKIE_CSRF_NAMES if n in cookies), "")
    csrf = csrf or str(mapping.first_of(fields, c.F_CSRF_DATA) or "")
    if not p20t or not csrf:
        raise ProtocolError("CONFIRM reply without csrftoken/p20t", venue=VENUE)
    return csrf, p20t


class QrLoginClient:
    """Unauthenticated client for the accounts host (no session yet)."""

    def __init__(
        self,
        *,
        env: Env | str = Env.PROD,
        base_url: str | None = None,
        transport: Sender | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.http = HttpTransport(
            base_url or endpoints("binance_accounts", env).rest,
            venue=VENUE,
            limiter=RateLimiter(c.WEB_RATE_PER_S),
            headers=public_headers(),
            timeout=timeout,
            transport=transport,
        )

    async def close(self) -> None:
        await self.http.close()

    async def _post(
        self, path: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> Response:
        content = json.dumps(dict(body)).encode()
        # Login polls change nothing on the account: safe to retry like a read.
        return await self.http.request(
            "POST", path, content=content, headers=headers, idempotent=True
        )

    async def qr_get(self) -> QrCode:
        response = await self._post(c.QR_GET, {c.F_QR_RANDOM: secrets.token_hex(16)})
        code = mapping.parse_qr_code(mapping.parse_response(response))
        return QrCode(code, c.QR_RENDER_URL.format(code=code))

    async def qr_query(self, code: str) -> QrPoll:
        """The code's status; on CONFIRM also the new :class:`WebSession`."""
        response = await self._post(c.QR_QUERY, {c.F_QR_CODE: code})
        data = mapping.parse_response(response)
        status = mapping.parse_qr_status(data)
        if status is not QrStatus.CONFIRM:
            return QrPoll(status)
        csrf, p20t = tokens_from_confirm(response, data)
        expiry = await self._trusted_expiry(csrf, p20t, fallback=expiration_from(response))
        return QrPoll(status, WebSession(csrf, p20t, expiry))

    async def _trusted_expiry(self, csrf: str, p20t: str, *, fallback: int) -> int:
        """``setTrustDevice`` ("stay logged in") and the expiry its cookie announces."""
        headers = WebSession(csrf, p20t).headers()
        try:
            response = await self._post(c.QR_TRUST_DEVICE, {}, headers)
            mapping.parse_response(response)
        except ExchangeError:
            return fallback  # the login itself succeeded; only the expiry is less certain
        expiry = expiration_from(response)
        return expiry if expiry != NO_EXPIRY else fallback
