"""Notifications of trader accounts: an account expiring soon, told to the trader and to the
operators who manage traders (once per expiry date: extending the account re-arms it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Trader
from notifications.choices import Severity
from notifications.kinds import Kind, register
from notifications.recipients import Recipient
from notifications.selectors import keys_notified
from notifications.services import notify

MANAGE_TRADERS = "accounts.change_trader"

TRADER_EXPIRING = register(
    Kind(
        code="accounts.trader_expiring",
        severity=Severity.WARNING,
        title_zh="账户即将到期：{trader}",
        title_en="Account expiring: {trader}",
        body_zh="交易员「{trader}」的账户将于 {expires_at}（UTC）到期，剩余约 {hours} 小时。到期后无法登录与接单，请及时续期。",
        body_en="Trader “{trader}”'s account expires at {expires_at} (UTC), in about {hours} h. After that it cannot log in or receive orders; renew it in time.",
    )
)


def traders_notify_expiring(*, now: datetime | None = None, within_days: int | None = None) -> int:
    """Watcher: every enabled trader whose account expires within ``within_days`` (knob
    ``notify_expiry_days``) — notified once per expiry date. Returns how many were new."""
    from kernel.runtime_config import config_get

    now = now or timezone.now()
    days = within_days if within_days is not None else int(config_get("notify_expiry_days"))
    soon = Trader.objects.filter(
        is_disabled=False, expires_at__gt=now, expires_at__lte=now + timedelta(days=days)
    )
    keyed = {f"trader:{t.pk}:expires:{t.expires_at:%Y%m%d%H%M}": t for t in soon}
    done = keys_notified(kind=TRADER_EXPIRING.code, keys=list(keyed))
    created = 0
    for key, trader in keyed.items():
        if key in done:
            continue
        created += bool(
            notify(
                kind=TRADER_EXPIRING.code,
                key=key,
                recipients=[Recipient.trader(trader.pk), Recipient.permission(MANAGE_TRADERS)],
                context={
                    "trader": str(trader),
                    "expires_at": f"{trader.expires_at:%Y-%m-%d %H:%M}",
                    "hours": int((trader.expires_at - now).total_seconds() // 3600),
                },
            )
        )
    return created
