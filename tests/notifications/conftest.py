from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from accounts.models import Trader
from tests.notifications.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def operator(db):
    """A staff user holding copytrade.operate (and the system alerts permission)."""
    user = User.objects.create_user("op", password="pw", is_staff=True)
    for app, code in (("copytrade", "operate"), ("notifications", "receive_system_alerts")):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=code)
        )
    return user


@pytest.fixture
def trader(db):
    t = Trader(username="alice", expires_at=timezone.now() + timedelta(days=30))
    t.set_password("pw12345678")
    t.save()
    return t
