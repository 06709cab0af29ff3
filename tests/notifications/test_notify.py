"""``notify``: one in-app notification per (kind, key, recipient) however often the caller retries,
written inside the caller's transaction (rolled back with it), channel hooks only after commit,
recipients resolved by trader, user, permission and group; texts rendered per language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.utils import timezone

from accounts.models import Trader
from notifications import kinds, services
from notifications.choices import Severity
from notifications.models import Notification
from notifications.recipients import Recipient, resolve
from notifications.selectors import notification_text, trader_ref, unread_count

pytestmark = pytest.mark.django_db(transaction=True)

KIND = kinds.register(
    kinds.Kind(
        code="test.thing_happened",
        severity=Severity.WARNING,
        title_zh="出事了：{what}",
        title_en="Something happened: {what}",
        body_zh="{what} 在 {where}",
        body_en="{what} at {where}",
    )
)


@pytest.fixture
def trader():
    return Trader.objects.create(
        username="alice", password="x", expires_at=timezone.now() + timedelta(days=30)
    )


@pytest.fixture
def hooks(monkeypatch):
    seen: list[list[int]] = []
    monkeypatch.setattr(services, "AFTER_COMMIT", [seen.append])
    return seen


def test_a_replayed_notify_creates_one_notification_and_one_delivery(trader, hooks):
    for _ in range(3):
        services.notify(
            kind=KIND.code,
            key="k1",
            recipients=[Recipient.trader(trader.pk)],
            context={"what": "x"},
        )
    assert Notification.objects.filter(kind=KIND.code, key="k1").count() == 1
    assert len(hooks) == 1 and len(hooks[0]) == 1


def test_notify_inside_a_rolled_back_transaction_leaves_nothing_and_sends_nothing(trader, hooks):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(
            kind=KIND.code, key="k2", recipients=[Recipient.trader(trader.pk)], context={}
        )
        raise RuntimeError("the caller's write failed")
    assert not Notification.objects.exists()
    assert hooks == []


def test_hooks_run_only_after_the_callers_commit(trader, hooks):
    with transaction.atomic():
        services.notify(
            kind=KIND.code, key="k3", recipients=[Recipient.trader(trader.pk)], context={}
        )
        assert hooks == []
    assert len(hooks) == 1


def test_unknown_kind_is_refused(trader):
    with pytest.raises(KeyError, match=r"no\.such_kind"):
        services.notify(kind="no.such_kind", key="k", recipients=[], context={})


def test_recipients_by_permission_and_group_resolve_to_active_staff_once():
    perm = Permission.objects.get(codename="change_trader", content_type__app_label="accounts")
    direct = User.objects.create_user("op1", is_staff=True)
    direct.user_permissions.add(perm)
    group = Group.objects.create(name="ops")
    group.permissions.add(perm)
    grouped = User.objects.create_user("op2", is_staff=True)
    grouped.groups.add(group)
    boss = User.objects.create_superuser("root", password="x")
    User.objects.create_user("nostaff", is_staff=False).user_permissions.add(perm)
    User.objects.create_user("gone", is_staff=True, is_active=False).user_permissions.add(perm)
    refs = resolve([Recipient.permission("accounts.change_trader"), Recipient.group("ops")])
    assert refs == sorted({f"u:{direct.pk}", f"u:{grouped.pk}", f"u:{boss.pk}"})


def test_texts_render_per_language_and_survive_a_missing_field(trader, hooks):
    services.notify(
        kind=KIND.code,
        key="k4",
        recipients=[Recipient.trader(trader.pk)],
        context={"what": "断线"},
    )
    row = Notification.objects.get(key="k4")
    assert notification_text(row, "zh") == ("出事了：断线", "断线 在 {where}")
    assert notification_text(row, "en")[0] == "Something happened: 断线"
    assert unread_count(recipient=trader_ref(trader.pk)) == 1
    assert services.notifications_mark_read(recipient=trader_ref(trader.pk)) == 1
    assert unread_count(recipient=trader_ref(trader.pk)) == 0
