"""Datetimes in API replies are UTC whatever TIME_ZONE is (the admin keeps Asia/Shanghai)."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_login_reply_datetimes_are_utc(client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import trader_create

    assert settings.TIME_ZONE != "UTC"
    trader_create(
        username="utc1",
        password="pw-123456789",
        display_name="U",
        expires_at=timezone.now() + timedelta(days=3),
    )
    reply = client.post(
        "/api/v1/auth/login",
        {"username": "utc1", "password": "pw-123456789", "device_id": "dev-utc"},
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    body = reply.json()
    for value in (body["expires_at"], body["server_time"], body["trader"]["expires_at"]):
        assert value.endswith("Z") or value.endswith("+00:00"), value
