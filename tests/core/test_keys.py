"""Where the encryption keys live: MOFAN_KEY_DIR when set, else beside the data (the demo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import LazySettings

from mofan.core import crypto


def test_a_missing_key_is_generated_into_the_key_directory(
    tmp_path: Path, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOFAN_FIELD_KEY", raising=False)
    data, keys = tmp_path / "data", tmp_path / "keys"
    data.mkdir()
    settings.DATA_DIR, settings.KEY_DIR = data, keys
    key = crypto._key("MOFAN_FIELD_KEY", "field.key")
    Fernet(key)  # a usable key
    assert (keys / "field.key").read_bytes().strip() == key
    assert (keys / "field.key").stat().st_mode & 0o777 == 0o600
    assert keys.stat().st_mode & 0o777 == 0o700
    assert list(data.iterdir()) == []
    assert crypto._key("MOFAN_FIELD_KEY", "field.key") == key  # read back, not replaced


def _settings_dirs(env: dict[str, str]) -> list[str]:
    code = "from mofan import settings as s; print(s.DATA_DIR); print(s.KEY_DIR)"
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_the_key_directory_comes_from_the_environment(tmp_path: Path) -> None:
    data, keys = tmp_path / "data", tmp_path / "keys"
    env = {"MOFAN_DATA_DIR": str(data), "MOFAN_KEY_DIR": str(keys), "SECRET_KEY": "x" * 50}
    assert _settings_dirs(env) == [str(data), str(keys)]
    env = {"MOFAN_DATA_DIR": str(data), "MOFAN_KEY_DIR": "", "SECRET_KEY": "x" * 50}
    assert _settings_dirs(env) == [str(data), str(data)]
