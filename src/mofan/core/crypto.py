"""Encryption at rest for personal data (ID and mobile numbers) and keyed hashes for lookup.

Keys come from the environment (MOFAN_FIELD_KEY, MOFAN_HASH_KEY; urlsafe base64 of 32 bytes).
Without them, they are generated once into MOFAN_KEY_DIR (by default MOFAN_DATA_DIR, for the
demo). Losing the field key loses the encrypted values: keep the keys apart from the database
and its backups, and back them up separately (deploy.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _key(env_name: str, file_name: str) -> bytes:
    value = os.environ.get(env_name, "")
    if value:
        return value.encode()
    folder = Path(settings.KEY_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / file_name
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


@cache
def _fernet() -> Fernet:
    return Fernet(_key("MOFAN_FIELD_KEY", "field.key"))


@cache
def _hash_key() -> bytes:
    return base64.urlsafe_b64decode(_key("MOFAN_HASH_KEY", "hash.key"))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the normalised value: unique and searchable, useless without the key."""
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()
