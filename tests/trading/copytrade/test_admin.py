"""The copy-trading back office: followers with live balances and actions, leader, event log,
latency, global start/stop, operator permission, Chinese by default and English available."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from trading.copytrade.choices import FollowerState
from trading.copytrade.models import Follower, Leader
from trading.copytrade.services import balances
from trading.copytrade.services import followers as services

from .operator_support import make_event, make_follower, make_leader

pytestmark = pytest.mark.django_db
FOLLOWERS = "admin:copytrade_follower_changelist"


@pytest.fixture
def boss(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "b@example.com", "pw-123456")
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client, django_user_model):
    """Staff who may look at followers but not operate copy trading."""
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_follower", content_type__app_label="copytrade")
    )
    client.force_login(user)
    return client


def test_follower_list_shows_balances_state_last_copy_and_header(
    boss, django_assert_max_num_queries
):
    f1, f2 = make_follower("alpha"), make_follower("beta", "bitget")
    balances.balance_store(f1.pk, Decimal("1234.5"), Decimal("0.25"))
    services.follower_set_state(follower=f2, state=FollowerState.PAUSED, error="bad key")
    leader = make_leader()
    make_event(leader, "L1", {f1: ("FILLED", 33), f2: ("FAILED", None)})
    with django_assert_max_num_queries(15):
        page = boss.get(reverse(FOLLOWERS)).content.decode()
    assert "1234.5" in page and "0.25" in page
    assert "已暂停" in page and "bad key" in page
    assert "33 ms" in page  # last copy with its latency
    assert 'id="copy-start"' in page  # the switch is off by default
    assert "key-alpha-0123456789" not in page  # secrets never rendered


def test_add_follower_through_the_form_uses_the_service(boss):
    data = {
        "name": "new-one",
        "venue": "bitget",
        "environment": "demo",
        "api_key": "k-123456789",
        "api_secret": "s-1",
        "passphrase": "p-1",
    }
    reply = boss.post(reverse("admin:copytrade_follower_add"), data)
    assert reply.status_code == 302, reply.content.decode()[:3000]
    follower = Follower.objects.get(name="new-one")
    assert follower.credential.passphrase == "p-1" and follower.credential.label == "new-one"
    assert follower.state == FollowerState.PENDING  # copies only once its keys verify


@pytest.mark.parametrize(
    ("change", "field"), [({"passphrase": ""}, "passphrase"), ({"environment": "test"}, "env")]
)
def test_add_follower_refuses_bad_combinations(boss, change, field):
    data = {
        "name": "x",
        "venue": "bitget",
        "environment": "prod",
        "api_key": "k",
        "api_secret": "s",
        "passphrase": "p",
        **change,
    }
    reply = boss.post(reverse("admin:copytrade_follower_add"), data)
    assert reply.status_code == 200 and not Follower.objects.exists()
    form = reply.context["adminform"].form
    assert form.errors and ("environment" in form.errors or "passphrase" in form.errors)


def test_change_follower_with_blank_keys_keeps_them(boss):
    f = make_follower("keep")
    url = reverse("admin:copytrade_follower_change", args=[f.pk])
    data = {
        "name": "kept",
        "venue": "binance",
        "environment": "sim",
        "api_key": "",
        "api_secret": "",
    }
    reply = boss.post(url, data)
    assert reply.status_code == 302, reply.content.decode()[:3000]
    f.refresh_from_db()
    assert f.name == "kept" and f.credential.api_key == "key-keep-0123456789"


def test_pause_resume_actions(boss):
    a, b = make_follower("a"), make_follower("b")
    Follower.objects.filter(pk=b.pk).update(state=FollowerState.DISABLED)
    url = reverse(FOLLOWERS)
    boss.post(url, {"action": "pause", "_selected_action": [a.pk, b.pk]})
    assert Follower.objects.get(pk=a.pk).state == FollowerState.PAUSED
    assert Follower.objects.get(pk=b.pk).state == FollowerState.DISABLED  # verify first
    boss.post(url, {"action": "resume", "_selected_action": [a.pk]})
    assert Follower.objects.get(pk=a.pk).state == FollowerState.ACTIVE


@pytest.mark.integration
def test_verify_action_against_the_simulator(boss, sim):
    acct = sim.control.binance_account({"USDT": "321"})
    good = make_follower("good", api_key=acct["api_key"], api_secret=acct["api_secret"])
    bad = make_follower("bad", api_key="nobody-key-00000", api_secret="x")
    reply = boss.post(
        reverse(FOLLOWERS), {"action": "verify", "_selected_action": [good.pk, bad.pk]}, follow=True
    )
    text = reply.content.decode()
    assert "good" in text and "321" in text
    assert Follower.objects.get(pk=bad.pk).state == FollowerState.DISABLED
    assert balances.balances_get([good.pk])[good.pk].usdt == Decimal("321")


def test_global_switch(boss):
    url = reverse("admin:copytrade_switch")
    reply = boss.post(url, {"running": "1", "next": reverse(FOLLOWERS)})
    assert reply.status_code == 302 and reply["Location"] == reverse(FOLLOWERS)
    assert services.copy_is_running()
    assert 'id="copy-stop"' in boss.get(reverse(FOLLOWERS)).content.decode()
    boss.post(url, {"running": "0", "next": "https://evil.example/"})
    assert not services.copy_is_running()
    assert boss.get(url).status_code == 405


def test_non_operators_cannot_use_controls(viewer):
    f = make_follower("a")
    assert viewer.get(reverse(FOLLOWERS)).status_code == 200
    assert viewer.post(reverse("admin:copytrade_switch"), {"running": "1"}).status_code == 403
    assert not services.copy_is_running()
    viewer.post(reverse(FOLLOWERS), {"action": "pause", "_selected_action": [f.pk]})
    assert Follower.objects.get(pk=f.pk).state == FollowerState.ACTIVE
    assert 'id="copy-start"' not in viewer.get(reverse(FOLLOWERS)).content.decode()


def test_dashboard_event_log_and_latency(boss):
    f1, f2 = make_follower("alpha"), make_follower("beta", "bitget")
    leader = make_leader()
    for i, latency in enumerate([10, 20, 30, 40, 200]):
        make_event(leader, f"L{i}", {f1: ("FILLED", latency), f2: ("SKIPPED", None)})
    page = boss.get(reverse("admin:copytrade_dashboard")).content.decode()
    assert "30 / 200 ms" in page  # p50 / p95 of the five fan-outs
    assert page.count('class="event"') == 5 and page.count('class="exec"') == 10
    assert "below_minimum" in page and 'http-equiv="refresh"' in page
    assert (
        'http-equiv="refresh"'
        not in boss.get(reverse("admin:copytrade_dashboard") + "?refresh=0").content.decode()
    )


def test_event_log_lists_problems_first_and_links_the_rest(boss):
    followers = [make_follower(f"f{i:02d}") for i in range(15)]
    results = {f: ("FILLED", 10 + i) for i, f in enumerate(followers)}
    results[followers[0]] = ("FAILED", None)
    results[followers[1]] = ("SKIPPED", None)
    make_event(make_leader(), "L-big", results)
    page = boss.get(reverse("admin:copytrade_dashboard")).content.decode()
    page = page.split('id="copy-log"')[1]  # the log, not the followers table above it
    assert page.count('<tr class="exec">') == 10
    assert "boom" in page and "below_minimum" in page  # the failure and the skip are listed
    assert "f14" in page and "f02" not in page  # then the slowest fills
    assert "另有 5 个跟单结果" in page


def test_event_log_is_capped_at_50(boss):
    f1 = make_follower("alpha")
    leader = make_leader()
    for i in range(55):
        make_event(leader, f"L{i}", {f1: ("FILLED", i)})
    page = boss.get(reverse("admin:copytrade_dashboard")).content.decode()
    assert page.count('class="event"') == 50


def test_leader_admin_sets_and_replaces_through_the_service(boss):
    first = make_leader()
    data = {"environment": "sim", "api_key": "new-leader-key-1", "api_secret": "s"}
    reply = boss.post(reverse("admin:copytrade_leader_add"), data)
    assert reply.status_code == 302, reply.content.decode()[:3000]
    active = Leader.objects.get(is_active=True)
    assert active.pk != first.pk and active.credential.venue == "binance"
    assert boss.get(reverse("admin:copytrade_leader_changelist")).status_code == 200


def test_leader_event_page_shows_each_follower_result(boss):
    f1, f2 = make_follower("alpha"), make_follower("beta")
    event = make_event(make_leader(), "L-77", {f1: ("FILLED", 12), f2: ("FAILED", None)})
    listing = boss.get(reverse("admin:copytrade_leaderevent_changelist")).content.decode()
    assert "2: 1 / 1 / 0" in listing
    page = boss.get(reverse("admin:copytrade_leaderevent_change", args=[event.pk])).content.decode()
    assert "alpha" in page and "beta" in page and "boom" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["跟单总开关", "跟单看板", "可用 USDT", "事件日志（最近 50 条）"]),
        ("en", ["Copy trading master switch", "Copy trading dashboard", "Free USDT", "Event log"]),
    ],
)
def test_dashboard_languages(boss, language, expected):
    boss.cookies["django_language"] = language
    page = boss.get(reverse("admin:copytrade_dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert [e for e in expected if e not in text] == []
