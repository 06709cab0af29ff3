from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import trader_create


@pytest.mark.django_db
def test_login_me_logout(client):
    trader_create(
        username="u1", password="pw-123456", expires_at=timezone.now() + timedelta(days=1)
    )
    r = client.post(
        "/api/v1/auth/login",
        {"username": "u1", "password": "pw-123456", "device_id": "d1"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    token = r.json()["token"]
    r = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200 and r.json()["username"] == "u1"
    r = client.post("/api/v1/auth/logout", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 204
    r = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    r = client.post(
        "/api/v1/auth/login", {"username": "u1", "password": "bad"}, content_type="application/json"
    )
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials", r.content
