"""Encryption at rest for API keys, secrets, passphrases and web cookies.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) through ``MultiFernet``: the first key in
``FIELD_ENCRYPTION_KEYS`` encrypts, every key decrypts, so rotation is "prepend a new key, run
``manage.py rotate_encryption_keys``, then drop the old key". Decrypted values are registered with
the log redaction filter the moment they are decrypted.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from kernel.logging import register_secret

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    """Encrypt under the newest key; the plain value is registered for log redaction first."""
    register_secret(plain)
    return PREFIX + fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    try:
        plain = fernet().decrypt(token.removeprefix(PREFIX).encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: no configured key matches") from exc
    register_secret(plain)
    return plain


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the newest key (no-op cost if already there)."""
    return PREFIX + fernet().rotate(token.removeprefix(PREFIX).encode()).decode()


def mask(value: str | None, visible: int = 4) -> str:
    """``'abcd…wxyz'`` style mask for display; short values are fully hidden."""
    if not value:
        return ""
    if len(value) <= visible * 3:
        return "•" * 8
    return f"{value[:visible]}••••{value[-visible:]}"


class EncryptedTextField(models.TextField):
    """A text column that stores ``fernet:<token>`` and gives Python code the plain value."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def value_to_string(self, obj: Any) -> str:
        """Serializers (``dumpdata``, fixtures) get the ciphertext, never the plain value;
        ``loaddata`` reads it back through ``to_python``."""
        # the stubs leave the value type of an unparameterised TextField subclass unbound
        value = cast("str | None", self.value_from_object(obj))
        return encrypt(value) if value else ""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value
