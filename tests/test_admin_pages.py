"""Every page of the back office renders for a superuser, in Chinese and in English.

A smoke test over the whole admin registry: each model's list page (with its filters and search
box) and its add page, plus the admin index and every custom dashboard URL. A template error, a
broken ``list_display`` callable or a missing translation catalogue shows up here as a 500.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("root-op", "op@example.com", "pw-123456789")
    client.force_login(user)
    return client


def _model_urls() -> list[tuple[str, str]]:
    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(("changelist", reverse("admin:{}_{}_changelist".format(*info))))
        try:
            urls.append(("add", reverse("admin:{}_{}_add".format(*info))))
        except NoReverseMatch:  # an admin that removed its add view
            pass
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_page_renders(operator, language):
    operator.cookies["django_language"] = language
    failures = []
    pages = [("index", reverse("admin:index")), *_model_urls()]
    for kind, url in pages:
        reply = operator.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if reply.status_code not in (200, 403):  # 403: a model that forbids manual adds
            failures.append((kind, url, reply.status_code))
    assert not failures, failures
    assert len(pages) > 10


@pytest.mark.django_db
def test_admin_speaks_chinese_by_default(operator):
    reply = operator.get(reverse("admin:index"))
    assert reply.status_code == 200
    assert "站点管理" in reply.content.decode() or "管理" in reply.content.decode()
