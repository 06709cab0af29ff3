"""The Alpha back office with real data: bots with progress bars and pause reasons, cycles with
legs and fills, bulk pause/resume, and the pasted-session form (verified against the sim)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification
from trading.alpha.inprocess import InProcess
from trading.alpha.models import AlphaCredential, AlphaCycle
from trading.alpha.services import bots

from .conftest import fresh, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("alpha-op", "op@example.com", "pw-123456789")
    client.force_login(user)
    return client


def test_bot_pages_bulk_pause_and_resume(sim, world, operator) -> None:
    done = world.trader_bot()
    with InProcess():
        bots.bot_start(bot_id=done.pk)
        wait_for(lambda: fresh(done).phase == "target_reached", timeout=30)
    page = operator.get(reverse("admin:alpha_alphabot_changelist")).content.decode()
    assert "已达目标" in page and "100.0%" in page and "积分" in page
    cycle = AlphaCycle.objects.filter(bot=done).first()
    detail = operator.get(reverse("admin:alpha_alphacycle_change", args=[cycle.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200 and "fee" in text and cycle.legs.first().order_id in text
    en = operator.get(reverse("admin:alpha_alphabot_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 200
    assert operator.get(reverse("admin:alpha_alphabot_change", args=[done.pk])).status_code == 200

    running = world.trader_bot(buy_offset=1, sell_offset=1)  # maker: rests in "working"
    with InProcess():
        bots.bot_start(bot_id=running.pk)
        wait_for(lambda: fresh(running).phase == "working")
        url = reverse("admin:alpha_alphabot_changelist")
        operator.post(url, {"action": "pause_selected", "_selected_action": [running.pk]})
        assert (fresh(running).phase, fresh(running).pause_reason) == ("paused", "manual")
        page = operator.get(url).content.decode()
        assert "手动暂停" in page
        operator.post(url, {"action": "resume_selected", "_selected_action": [running.pk]})
        wait_for(lambda: fresh(running).phase == "working")
    assert Notification.objects.filter(kind="alpha.paused", trader=running.trader).count() == 1


def test_paste_session_is_verified_then_stored(sim, world, operator, django_user_model) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import trader_create

    trader = trader_create(username="pasted", password="pw-12345678",
                           expires_at=timezone.now() + timedelta(days=3))  # fmt: skip
    info = world.session()
    url = reverse("admin:alpha_alphacredential_paste")
    curl = (f"curl 'https://www.binance.com/bapi/asset/v1/private/alpha-trade/oto-order/place' \\\n"
            f"  -H 'clienttype: web' \\\n  -H 'csrftoken: {info['csrftoken']}' \\\n"
            f"  -H 'lang: zh-CN' \\\n  -H 'cookie: bnc-uuid=x; p20t={info['p20t']}; lang=zh-cn' \\\n"
            f"  --data-raw '{{}}'")  # fmt: skip
    bad = operator.post(url, {"trader": trader.pk, "env": "sim",
                              "pasted": curl.replace(info["p20t"], "wrong")})  # fmt: skip
    assert bad.status_code == 200 and "重新扫码" in bad.content.decode()
    assert not AlphaCredential.objects.filter(trader=trader).exists()
    ok = operator.post(url, {"trader": trader.pk, "env": "sim", "pasted": curl})
    assert ok.status_code == 302
    cred = AlphaCredential.objects.get(trader=trader)
    assert cred.source == "admin_paste" and cred.csrftoken == info["csrftoken"]
    assert "lang" in cred.extra_headers and cred.p20t == info["p20t"]
    listing = operator.get(reverse("admin:alpha_alphacredential_changelist")).content.decode()
    assert info["p20t"] not in listing and info["csrftoken"] not in listing
