"""Hosting a trader's Binance web session on the server for the Alpha bot: from the desktop
client's QR binding (with the trader's explicit consent) or pasted by an operator (headers +
cookies, the way the product spec describes). Verified with one private request before it is
saved; ``100002001`` or a passed expiry pauses the bots that use it."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import Trader
from accounts.services import audit_record
from kernel.refusals import Refused
from trading.alpha import errors as e
from trading.alpha.choices import CredentialSource, CredentialStatus
from trading.alpha.core.reasons import PauseReason
from trading.alpha.models import AlphaCredential
from trading.exchanges import errors
from trading.exchanges.binance_alpha.client import AlphaClient
from trading.exchanges.binance_web.auth import WebSession


def _verify(env: str, session: WebSession) -> None:
    async def probe() -> None:
        async with AlphaClient(session, env=env) as client:
            await client.today_volume()

    try:
        asyncio.run(probe())
    except errors.AuthError as exc:
        raise Refused(e.SESSION_INVALID) from exc
    except errors.ExchangeError as exc:
        raise Refused(e.SESSION_UNVERIFIED, reason=exc) from exc


def credential_save(
    *,
    trader: Trader,
    env: str,
    csrftoken: str,
    p20t: str,
    expires_at: datetime | None,
    source: str,
    consent: bool,
    extra_headers: dict[str, str] | None = None,
    cookies: str = "",
    actor=None,  # type: ignore[no-untyped-def]
) -> AlphaCredential:
    """Verify, then store (replacing the trader's session of ``env``)."""
    if source == CredentialSource.DESKTOP_QR and not consent:
        raise Refused(e.CONSENT_REQUIRED)
    if not csrftoken or not p20t:
        raise Refused(e.SESSION_INCOMPLETE)
    if expires_at is not None and expires_at <= timezone.now():
        raise Refused(e.SESSION_ENDED)
    expiry = int(expires_at.timestamp()) if expires_at else -1
    headers = tuple(sorted((extra_headers or {}).items()))
    _verify(env, WebSession(csrftoken, p20t, expiry, extra_headers=headers, cookie=cookies))
    now = timezone.now()
    with transaction.atomic():
        cred, _ = AlphaCredential.objects.update_or_create(
            trader=trader, env=env,
            defaults={"csrftoken": csrftoken, "p20t": p20t, "expires_at": expires_at,
                      "extra_headers": json.dumps(extra_headers) if extra_headers else "",
                      "cookies": cookies, "source": source, "status": CredentialStatus.ACTIVE,
                      "consent_at": now if consent else None, "verified_at": now},
        )  # fmt: skip
        audit_record(action=AuditAction.CREDENTIAL_CHANGED, trader=trader, actor=actor,
                     reason="alpha_session", detail={"env": env, "source": source})  # fmt: skip
    return cred


def credential_expire(*, credential: AlphaCredential, detail: str = "") -> int:
    """Mark the session expired and pause its running bots ("请重新扫码绑定")."""
    from trading.alpha.services.ingest import pause_bots, running_bot_ids

    AlphaCredential.objects.filter(pk=credential.pk).update(status=CredentialStatus.EXPIRED)
    ids = running_bot_ids(credential_id=credential.pk)
    return pause_bots(bot_ids=ids, reason=PauseReason.AUTH_EXPIRED, detail=detail)


def credentials_expire_due() -> int:
    """Beat: sessions past their ``expirationTimestamp`` pause their bots."""
    due = AlphaCredential.objects.filter(status=CredentialStatus.ACTIVE,
                                         expires_at__lte=timezone.now())  # fmt: skip
    return sum(credential_expire(credential=c, detail="本地到期") for c in due)


_HEADER_LINE = re.compile(r"^\s*-H\s+['\"]([^:'\"]+):\s*(.*?)['\"]\s*\\?\s*$")


def parse_pasted(text: str) -> tuple[dict[str, str], str]:
    """Headers and the cookie string from what an operator pasted: "copy as cURL" lines
    (``-H 'name: value'``) or plain ``name: value`` lines. Returns (headers, cookie)."""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER_LINE.match(line)
        if match:
            name, value = match.group(1), match.group(2)
        elif ":" in line and not line.strip().startswith(("curl", "--")):
            name, _, value = line.partition(":")
        else:
            continue
        headers[name.strip().lower()] = value.strip()
    cookie = headers.pop("cookie", "")
    for flag in re.findall(r"-b\s+['\"]([^'\"]+)['\"]", text):
        cookie = cookie or flag
    return headers, cookie


def cookie_value(cookie: str, name: str) -> str:
    for part in cookie.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""
