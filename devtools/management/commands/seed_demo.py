"""Create the demo's data (idempotent): an admin, demo traders (one expired, one disabled), and
each product's demo fixtures through its own ``demo.seed()``. Writes var/demo_credentials.txt."""

from __future__ import annotations

import importlib
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import Trader
from accounts.services import trader_create
from accounts.session_cache import trader_cache_put

# Each product adds its seeder module here: a ``seed(stdout) -> list[str]`` returning banner lines.
PRODUCT_SEEDERS: list[str] = ["devtools.demo.copytrade", "devtools.demo.orders"]
PRODUCT_SEEDERS.append("devtools.demo.futures")

DEMO_TRADERS = [
    # username, display name, days until expiry, disabled
    ("trader1", "演示交易员一", 30, False),
    ("trader2", "演示交易员二", 30, False),
    ("trader3", "演示交易员三", 30, False),
    ("expired1", "已过期账号", -1, False),
    ("disabled1", "已禁用账号", 30, True),
]
DEMO_TRADER_PASSWORD = "demo-pass-123"


class Command(BaseCommand):
    help = "Seed demo data (idempotent)."

    def handle(self, *args, **options):
        lines = [self._admin(), *self._traders()]
        for path in PRODUCT_SEEDERS:
            lines.extend(importlib.import_module(path).seed(self.stdout))
        text = "\n".join(lines) + "\n"
        (settings.BASE_DIR / "var" / "demo_credentials.txt").write_text(text)
        self.stdout.write(text)

    def _admin(self) -> str:
        user_model = get_user_model()
        path = settings.BASE_DIR / "var" / "admin_password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        password = path.read_text().strip()
        admin, _ = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.set_password(password)
        admin.save()
        return f"  Admin login:    admin / {password}"

    def _traders(self) -> list[str]:
        now = timezone.now()
        for username, name, days, disabled in DEMO_TRADERS:
            trader = Trader.objects.filter(username=username).first()
            if trader is None:
                trader = trader_create(
                    username=username,
                    password=DEMO_TRADER_PASSWORD,
                    display_name=name,
                    expires_at=now + timedelta(days=days),
                    order_amount=Decimal("10"),
                )
            if days < 0:
                trader.expires_at = now + timedelta(days=days)
            trader.is_disabled = disabled
            trader.save()
            trader_cache_put(trader)
        names = ", ".join(t[0] for t in DEMO_TRADERS)
        return [
            f"  Traders:        {names} (password {DEMO_TRADER_PASSWORD}; expired1 is expired, "
            "disabled1 is disabled)"
        ]
