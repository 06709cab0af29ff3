"""The trader's Binance web binding (``csrftoken``, ``p20t``, ``expirationTimestamp``) encrypted
on disk. Never plain text, never logged (``WebSession.__repr__`` masks the tokens).

Key: ``scrypt(device_id, salt)`` → 32 bytes → AES-256-GCM. The salt is 16 random bytes in
``vault.salt`` (created on first use, owner-only), so the key differs per installation even for
the same device id, and a copied binding file alone cannot be decrypted elsewhere. Each binding
is one file per trader (``binding-<hash of the username>.bin`` = 12-byte nonce + ciphertext);
the username is the AEAD associated data, so a file swapped between traders fails to open.
A file that fails to decrypt (other device, tampering, older format) reads as "not bound".

Usage::

    vault = Vault(data_dir, device_id)
    vault.save("trader1", web_session)
    vault.load("trader1")   # -> WebSession | None
    vault.clear("trader1")
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from client_desktop.core.settings import write_private
from trading.exchanges.binance_web.auth import WebSession

SALT_FILE: Final = "vault.salt"
FORMAT: Final = b"fleet-binance-binding/v1"
SCRYPT_N: Final = 2**14


def derive_key(device_id: str, salt: bytes) -> bytes:
    """The 32-byte AES key of this installation (scrypt: slow enough to make guessing costly)."""
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=8, p=1)
    return kdf.derive(device_id.encode())


class Vault:
    """Encrypted per-trader storage of the Binance web session in ``data_dir``."""

    def __init__(self, data_dir: Path, device_id: str) -> None:
        self.data_dir = Path(data_dir)
        self._aead = AESGCM(derive_key(device_id, self._salt()))

    def _salt(self) -> bytes:
        path = self.data_dir / SALT_FILE
        try:
            salt = path.read_bytes()
            if len(salt) == 16:
                return salt
        except OSError:
            pass
        salt = os.urandom(16)
        write_private(path, salt)
        return salt

    def path_for(self, owner: str) -> Path:
        digest = hashlib.sha256(owner.encode()).hexdigest()[:16]
        return self.data_dir / f"binding-{digest}.bin"

    def _aad(self, owner: str) -> bytes:
        return FORMAT + b"|" + owner.encode()

    def save(self, owner: str, session: WebSession) -> None:
        plain = json.dumps(session.to_token_json()).encode()
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain, self._aad(owner))
        write_private(self.path_for(owner), nonce + sealed)

    def load(self, owner: str) -> WebSession | None:
        try:
            raw = self.path_for(owner).read_bytes()
        except OSError:
            return None
        if len(raw) < 13:
            return None
        try:
            plain = self._aead.decrypt(raw[:12], raw[12:], self._aad(owner))
            return WebSession.from_token_json(json.loads(plain))
        except (InvalidTag, ValueError, KeyError, TypeError):
            return None

    def clear(self, owner: str) -> None:
        self.path_for(owner).unlink(missing_ok=True)
