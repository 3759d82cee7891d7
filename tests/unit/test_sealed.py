"""Secrets at rest open only with our keys, survive a key rotation, and a laptop gets a private key file."""
from __future__ import annotations

import stat

import pytest

from lib.config import Settings
from lib.store.sealed import Sealer, SealError, new_key, sealer_from_settings


def test_a_sealed_secret_is_not_readable_and_opens_again():
    box = Sealer([new_key()])
    token = box.seal("ntfy://user:pass@ntfy.example.com/topic")
    assert "pass" not in token and "ntfy.example" not in token
    assert box.open(token) == "ntfy://user:pass@ntfy.example.com/topic"


def test_rotation_old_tokens_still_open_and_other_keys_refuse():
    old, new = new_key(), new_key()
    token = Sealer([old]).seal("secret")
    assert Sealer([new, old]).open(token) == "secret"
    with pytest.raises(SealError):
        Sealer([new]).open(token)
    with pytest.raises(SealError):
        Sealer([new]).open("plain text never sealed")


def test_hosted_without_a_key_refuses_and_a_laptop_makes_a_private_key_once(tmp_path):
    with pytest.raises(SealError):
        sealer_from_settings(Settings(env="hosted", store_url=f"sqlite:///{tmp_path}/f.db"))
    local = Settings(store_url=f"sqlite:///{tmp_path}/data/f.db")
    token = sealer_from_settings(local).seal("x")
    key_file = tmp_path / "data" / ".encryption-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sealer_from_settings(local).open(token) == "x"


def test_a_long_random_secret_from_secrets_manager_works_and_a_short_one_is_refused():
    secret = "Q" * 20 + "x7Gm2kP9rT4vW8yZ1bN5cD3f"
    assert Sealer([secret]).open(Sealer([secret]).seal("bank")) == "bank"
    with pytest.raises(SealError, match="at least 32"):
        Sealer(["too-short-a-secret"])
    with pytest.raises(SealError, match="example"):
        Sealer(["example-encryption-key-change-me"])
