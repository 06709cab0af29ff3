"""The issue's Done-when for secrets as one story, through the real entry points: an operator
stores an exchange API key + secret in the back office; the database only ever receives
ciphertext; the admin pages never show it; after a key rotation (new key first, then
``manage.py rotate_encryption_keys``, then the old key dropped) the secret still decrypts and
still signs requests the simulator accepts (it checks the HMAC); and no log line — with every
logger at DEBUG, SQL included — carries the key or the secret.

Real MariaDB (when TEST_DATABASE_URL points at it), Redis and the simulator on loopback.
"""

from __future__ import annotations

import asyncio
import io
import logging
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import ExchangeCredential
from kernel.logging import RedactSecretsFilter
from trading.copytrade.services.venues import BUILDERS

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()
CREDENTIALS = "/admin/accounts/exchangecredential/"


@pytest.fixture
def console(caplog):
    """Every logger at DEBUG (SQL too), written by the project's configured console handler —
    the one carrying the redaction filter — into a buffer."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    for name in (None, "django.db.backends", "httpx", "httpcore", "fleet"):
        caplog.set_level(logging.DEBUG, logger=name)
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    old_debug_cursor, connection.force_debug_cursor = connection.force_debug_cursor, True
    yield buffer
    connection.force_debug_cursor = old_debug_cursor
    handler.setStream(old_stream)


def _raw(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_exchangecredential WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _free_usdt(cred: ExchangeCredential) -> Decimal:
    """A signed call to the simulator with the stored (decrypted) key and secret."""

    async def call() -> Decimal:
        client = BUILDERS["binance"](cred)
        try:
            return await client.free("USDT")
        finally:
            await client.close()

    return asyncio.run(call())


def test_api_secret_unreadable_in_the_database_readable_after_rotation_absent_from_logs(
    admin_client, sim, console
):
    account = sim.control.binance_account({"USDT": "1234.5"})
    api_key, secret = account["api_key"], account["api_secret"]
    plain = (api_key, secret)

    # 1. The operator stores the credential through the back office, under the old key.
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_OLD]):
        with CaptureQueriesContext(connection) as queries:
            r = admin_client.post(
                f"{CREDENTIALS}add/",
                {
                    "label": "leader",
                    "venue": "binance",
                    "environment": "sim",
                    "owner": "",
                    "api_key": api_key,
                    "api_secret": secret,
                    "passphrase": "",
                },
            )
        assert r.status_code == 302, r.content[:3000]
        cred = ExchangeCredential.objects.get()
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "fernet:" in sql and not any(p in sql for p in plain)  # the DB gets ciphertext

        # 2. Unreadable in the database: ciphertext that only the configured key opens.
        raw_before = _raw(cred.pk, "api_secret")
        assert raw_before.startswith("fernet:") and secret not in raw_before
        assert api_key not in _raw(cred.pk, "api_key")
        with pytest.raises(InvalidToken):
            Fernet(KEY_NEW.encode()).decrypt(raw_before.removeprefix("fernet:").encode())

        # 3. The back office never shows it (list, change page).
        for url in (CREDENTIALS, f"{CREDENTIALS}{cred.pk}/change/"):
            page = admin_client.get(url).content.decode()
            assert "leader" in page and not any(p in page for p in plain), url
        assert _free_usdt(cred) == Decimal("1234.5")

    # 4. Rotation: the new key first (old values still read), re-encrypt, then drop the old key.
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW, KEY_OLD]):
        assert ExchangeCredential.objects.get().api_secret == secret
        out = io.StringIO()
        call_command("rotate_encryption_keys", stdout=out)
        assert "re-encrypted 2 values" in out.getvalue()
    raw_after = _raw(cred.pk, "api_secret")
    assert raw_after != raw_before and secret not in raw_after
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW]):
        rotated = ExchangeCredential.objects.get()
        assert (rotated.api_key, rotated.api_secret) == plain
        assert _free_usdt(rotated) == Decimal("1234.5")  # still signs valid requests
        logging.getLogger("fleet.trading.oops").error("signing with %s", rotated.api_secret)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_OLD]), pytest.raises(ValueError):
        ExchangeCredential.objects.get()  # the old key alone no longer opens anything

    # 5. Absent from every log line of the whole story (and the story did log: SQL, HTTP, ours).
    text = console.getvalue()
    assert "INSERT INTO" in text and "HTTP Request" in text
    assert "signing with ***" in text
    assert not any(p in text for p in plain)


def test_rotation_never_overwrites_a_secret_changed_while_it_runs(monkeypatch):
    """The operator replaces the API key between the command's read of that column and its write:
    the new key stays (the command's UPDATE compares with the value it read)."""
    from accounts.services import credential_save
    from backoffice.management.commands import rotate_encryption_keys as command

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_OLD]):
        cred = credential_save(
            label="f1", venue="binance", environment="sim", api_key="k" * 16, api_secret="old" * 8
        )
    real_rotate = command.rotate

    def rotate_while_the_operator_edits(token: str) -> str:
        if not changed:
            changed.append(True)
            credential_save(credential=ExchangeCredential.objects.get(), api_key="n" * 16)
        return real_rotate(token)

    changed: list[bool] = []
    monkeypatch.setattr(command, "rotate", rotate_while_the_operator_edits)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW, KEY_OLD]):
        out = io.StringIO()
        call_command("rotate_encryption_keys", stdout=out)
    assert changed and "re-encrypted 1 values" in out.getvalue()  # the secret; the key was new
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW]):
        stored = ExchangeCredential.objects.get(pk=cred.pk)
        assert (stored.api_key, stored.api_secret) == ("n" * 16, "old" * 8)
