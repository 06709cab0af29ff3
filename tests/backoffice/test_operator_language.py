"""The back office is Chinese for everyone, whatever the browser asks; English is a choice made with
the header switcher and remembered per operator (on the next login, on another browser)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from backoffice.models import OperatorLanguage

pytestmark = pytest.mark.django_db

EN_US = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("op-lang", "op@example.com", "pw-123456789")


def _logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _switch(browser: Client, language: str, back: str = "/admin/"):
    return browser.post(reverse("operator_language"), {"language": language, "next": back})


def test_an_english_browser_gets_the_chinese_admin(operator):
    page = _logged_in(operator).get("/admin/", **EN_US).content.decode()
    assert '<html lang="zh-hans"' in page
    assert "运营控制台" in page and "Site administration" not in page


def test_the_login_page_is_chinese_for_an_english_browser(client):
    page = client.get("/admin/login/", **EN_US).content.decode()
    assert '<html lang="zh-hans"' in page and "用户名" in page


def test_the_header_switcher_is_on_every_page_and_names_both_languages(operator):
    page = _logged_in(operator).get("/admin/orders/eventorder/").content.decode()
    form = re.search(r'<form id="fleet-language".*?</form>', page, re.S)
    assert form, "language switcher missing from the header"
    assert "简体中文" in form.group(0) and "English" in form.group(0)


def test_english_is_remembered_per_operator_across_browsers(operator):
    first = _logged_in(operator)
    reply = _switch(first, "en", "/admin/accounts/trader/")
    assert reply.status_code == 302 and reply["Location"] == "/admin/accounts/trader/"
    assert OperatorLanguage.objects.get(user=operator).language == "en"
    other_browser = _logged_in(operator)  # no cookie: the saved choice decides
    page = other_browser.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en"' in page
    _switch(other_browser, "zh-hans")
    assert '<html lang="zh-hans"' in _logged_in(operator).get("/admin/", **EN_US).content.decode()


def test_one_operators_choice_does_not_change_anothers(operator, django_user_model):
    colleague = django_user_model.objects.create_superuser("op-2", "o2@example.com", "pw-12345678")
    _switch(_logged_in(operator), "en")
    assert '<html lang="zh-hans"' in _logged_in(colleague).get("/admin/").content.decode()


def test_the_switcher_refuses_foreign_redirects_and_unknown_languages(operator):
    browser = _logged_in(operator)
    reply = _switch(browser, "xx", "https://evil.example/")
    assert reply["Location"] == "/admin/"
    assert OperatorLanguage.objects.get(user=operator).language == "zh-hans"


def test_the_api_still_follows_accept_language(client):
    reply = client.get("/api/v1/event-orders/pull", HTTP_ACCEPT_LANGUAGE="en")
    assert reply.status_code in (401, 403)
    assert reply["Content-Language"] == "en"


def test_there_is_no_view_site_link(operator):
    page = _logged_in(operator).get("/admin/").content.decode()
    assert "查看站点" not in page


def test_periodic_task_and_copytrade_pages_have_no_english_column_titles(operator):
    browser = _logged_in(operator)
    for url in ("/admin/django_celery_beat/periodictask/", "/admin/copytrade/leader/"):
        page = browser.get(url).content.decode()
        headers = " ".join(re.findall(r'<th scope="col"[^>]*>.*?</th>', page, re.S))
        words = re.findall(r">\s*([A-Za-z][A-Za-z ]{3,})\s*<", headers)
        assert not [w for w in words if w.strip() not in ("API Key",)], (url, words)


def test_schedule_pages_translate_what_django_celery_beat_leaves_in_english(operator):
    page = _logged_in(operator).get("/admin/django_celery_beat/clockedschedule/add/")
    text = page.content.decode()
    assert "Task Name" not in text and "Periodic Tasks Using This Schedule" not in text
    assert "使用此计划的周期任务" in text
    task_page = _logged_in(operator).get("/admin/django_celery_beat/periodictask/add/")
    assert "Execution Options" not in task_page.content.decode()


def test_the_login_page_offers_the_switcher_once(client):
    page = client.get("/admin/login/").content.decode()
    assert page.count('id="fleet-language"') == 1
    reply = client.post(reverse("operator_language"), {"language": "en", "next": "/admin/login/"})
    assert reply.cookies["django_language"].value == "en"
    assert '<html lang="en"' in client.get("/admin/login/").content.decode()


def test_crontab_pages_label_the_cron_meaning_in_chinese(operator):
    browser = _logged_in(operator)
    for url in (
        "/admin/django_celery_beat/crontabschedule/add/",
        "/admin/django_celery_beat/periodictask/add/",
    ):
        text = browser.get(url).content.decode()
        assert "Human readable" not in text and "Crontab translation" not in text, url
