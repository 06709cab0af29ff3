"""The notifications tab against a live test server: the trader's list with the unread count (also
on the tab's title), "mark all read", adding a channel and its test message to a loopback
receiver, and the binding report the client sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from PySide6.QtWidgets import QTabWidget

from accounts.services import trader_create
from client_desktop.core.api_client import ApiClient
from client_desktop.core.notifications_api import NotificationsApi
from client_desktop.ui.notifications_tab import NotificationsTab
from notifications.models import Channel
from notifications.recipients import Recipient
from notifications.services import notify
from orders.models import BindingReport
from tests.notifications.receiver import Receiver
from tests.notifications.test_delivery import WARN

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


@pytest.fixture
def logged_in(live_server):
    trader = trader_create(
        username="notif1", password="pw-12345678", expires_at=timezone.now() + timedelta(days=9)
    )
    api = ApiClient(live_server.url)
    api.login("notif1", "pw-12345678", "dev-n1")
    yield trader, NotificationsApi(api)
    api.close()


def test_list_unread_badge_mark_all_and_channel_test(qtbot, logged_in):
    trader, api = logged_in
    for i in range(2):
        notify(
            kind=WARN.code, key=f"ui{i}", recipients=[Recipient.trader(trader.pk)], context={"n": i}
        )
    tab = NotificationsTab(api=api, lang="zh")
    tabs = QTabWidget()
    tabs.addTab(tab, "通知")
    tab.unread_changed.connect(lambda n: tabs.setTabText(0, f"通知 ({n})" if n else "通知"))
    qtbot.addWidget(tabs)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=10_000)
    assert tab.unread_label.text() == "2 条未读" and tabs.tabText(0) == "通知 (2)"
    assert tab.table.item(0, 2).text() == "警告 1" and tab.table.item(0, 2).font().bold()

    tab.mark_all_read()
    qtbot.waitUntil(lambda: tab.unread_label.text() == "没有未读通知", timeout=10_000)
    assert tabs.tabText(0) == "通知" and not tab.table.item(0, 2).font().bold()

    with Receiver() as robot:
        tab.kind_combo.setCurrentIndex(tab.kind_combo.findData("wecom"))
        tab.name_edit.setText("群机器人")
        tab.url_edit.setText(f"{robot.url}/cgi-bin/webhook/send?key=0123456789abcdef")
        tab.severity_combo.setCurrentIndex(tab.severity_combo.findData("critical"))
        tab.quiet_edit.setText("23:00-07:30")
        tab.add_channel()
        qtbot.waitUntil(lambda: tab.channel_table.rowCount() == 1, timeout=10_000)
        assert "0123456789abcdef" not in tab.channel_table.item(0, 2).text()
        tab.test_selected()
        qtbot.waitUntil(lambda: "测试消息已发送" in tab.message.text(), timeout=10_000)
        assert robot.requests[0].query == {"key": ["0123456789abcdef"]}
    channel = Channel.objects.get()
    assert channel.owner == f"t:{trader.pk}"
    sub = channel.subscriptions.get()
    assert (sub.min_severity, str(sub.quiet_start), str(sub.quiet_end)) == (
        "critical",
        "23:00:00",
        "07:30:00",
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("23:00-07:00", "23:00", "07:00"),
        (" 22:30 – 06:00 ", "22:30", "06:00"),
        ("", None, None),
        ("later", None, None),
    ],
)
def test_quiet_hours_field(text, start, end):
    from client_desktop.ui.notifications_tab import quiet_hours

    assert quiet_hours(text) == {"quiet_start": start, "quiet_end": end}


def test_the_client_reports_its_binding_expiry(logged_in):
    trader, api = logged_in
    at = (timezone.now() + timedelta(hours=30)).replace(microsecond=0)
    api.report_binding(bound=True, expires_at=at)
    row = BindingReport.objects.get(trader=trader)
    assert row.bound and row.expires_at == at


def test_the_tab_speaks_english(qtbot):
    tab = NotificationsTab(lang="en")
    qtbot.addWidget(tab)
    assert tab.mark_all_button.text() == "Mark all read"
    assert tab.unread_label.text() == "No unread notifications"
