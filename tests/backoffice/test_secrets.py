"""Secrets at rest and in logs: the raw column is ciphertext, key rotation re-encrypts under the
newest key, decrypted values never reach a log line (Django, Celery or gunicorn handlers), and
neither ``repr()`` nor ``dumpdata`` shows them."""

from __future__ import annotations

import io
import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.models import ExchangeCredential
from accounts.services import credential_save
from kernel.logging import RedactSecretsFilter, install_everywhere

KEY_OLD = Fernet.generate_key().decode()
KEY_NEW = Fernet.generate_key().decode()
API_KEY = "AKIA-plain-api-key-4242"
SECRET = "s3cr3t-value-that-must-never-leak"
PASSPHRASE = "pass-phrase-77"


def _create() -> ExchangeCredential:
    return credential_save(
        label="leader",
        venue="binance",
        environment="sim",
        api_key=API_KEY,
        api_secret=SECRET,
        passphrase=PASSPHRASE,
    )


def _raw(pk: int, column: str) -> str:
    table = ExchangeCredential._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _plain_under(key: str, raw: str) -> str:
    return Fernet(key.encode()).decrypt(raw.removeprefix("fernet:").encode()).decode()


@pytest.mark.django_db
@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_OLD])
def test_raw_column_is_ciphertext():
    cred = _create()
    for column, plain in (("api_key", API_KEY), ("api_secret", SECRET), ("passphrase", PASSPHRASE)):
        raw = _raw(cred.pk, column)
        assert raw.startswith("fernet:") and plain not in raw
        assert _plain_under(KEY_OLD, raw) == plain
    assert ExchangeCredential.objects.get().api_secret == SECRET


@pytest.mark.django_db
def test_rotation_re_encrypts_under_the_new_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_OLD]):
        cred = _create()
        before = _raw(cred.pk, "api_secret")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW, KEY_OLD]):
        assert ExchangeCredential.objects.get().api_secret == SECRET  # old values still read
        out = io.StringIO()
        call_command("rotate_encryption_keys", stdout=out)
        assert "re-encrypted 3 values" in out.getvalue()
    after = _raw(cred.pk, "api_secret")
    assert after != before and SECRET not in after
    assert _plain_under(KEY_NEW, after) == SECRET
    with pytest.raises(Exception):
        _plain_under(KEY_OLD, after)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW]):  # the old key can now be dropped
        cred = ExchangeCredential.objects.get()
        assert (cred.api_key, cred.api_secret, cred.passphrase) == (API_KEY, SECRET, PASSPHRASE)


@pytest.mark.django_db
@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_NEW])
def test_reading_with_a_wrong_key_fails_without_revealing_anything():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_OLD]):
        _create()
    with pytest.raises(ValueError) as err:
        ExchangeCredential.objects.get()
    assert SECRET not in str(err.value) and KEY_OLD not in str(err.value)


@pytest.fixture
def console():
    """The real configured console handler (from LOGGING), writing into a buffer."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


@pytest.mark.django_db
def test_a_decrypted_secret_logged_by_mistake_shows_as_stars(console):
    _create()
    cred = ExchangeCredential.objects.get()  # decrypts
    log = logging.getLogger("fleet.trading.oops")
    log.warning("signing with %s and %s", cred.api_secret, cred.passphrase)
    log.warning("payload " + json.dumps({"k": cred.api_key}))
    try:
        raise RuntimeError(f"exchange refused secret {cred.api_secret}")
    except RuntimeError:
        log.exception("call failed")
    text = console.getvalue()
    assert "signing with *** and ***" in text and "call failed" in text
    assert "RuntimeError: exchange refused secret ***" in text
    for plain in (SECRET, PASSPHRASE, API_KEY):
        assert plain not in text


def test_credential_looking_values_are_masked_even_when_unknown(console):
    logging.getLogger("fleet.x").info("GET /x?signature=abcdef123456&api_secret=zzz999888")
    assert "signature=***" in console.getvalue() and "zzz999888" not in console.getvalue()


def test_every_handler_has_the_filter():
    install_everywhere()
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture handlers
            assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters), handler


def test_celery_logging_setup_gets_the_filter():
    from celery.signals import after_setup_logger

    import backoffice.celery  # noqa: F401 - connects the signal

    logger = logging.getLogger("celery.test.redaction")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        after_setup_logger.send(sender=None, logger=logger, loglevel=20, logfile=None)
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters)
    finally:
        logger.removeHandler(handler)


def test_gunicorn_logger_gets_the_filter():
    from gunicorn.config import Config

    from backoffice.gunicorn_conf import RedactingLogger

    glog = RedactingLogger(Config())
    handlers = glog.error_log.handlers + glog.access_log.handlers
    assert handlers and all(
        any(isinstance(f, RedactSecretsFilter) for f in h.filters) for h in handlers
    )


@pytest.mark.django_db
def test_repr_and_dumpdata_do_not_leak():
    cred = _create()
    assert SECRET not in repr(cred) and API_KEY not in repr(cred)
    assert PASSPHRASE not in repr(cred) and "leader" in repr(cred)
    out = io.StringIO()
    call_command("dumpdata", "accounts.exchangecredential", stdout=out)
    dump = out.getvalue()
    assert SECRET not in dump and API_KEY not in dump and "fernet:" in dump
