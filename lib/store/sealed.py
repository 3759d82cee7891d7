"""Secrets at rest: channel URLs and bank access URLs are stored sealed (Fernet: AES-128-CBC + HMAC).

`cryptography`'s Fernet is the well-kept, misuse-resistant choice for "encrypt this short string
with a key we hold"; MultiFernet lets a new key be put first while old items still open (rotation).
The key comes from the settings (`FINANCE_ENCRYPTION_KEY` / `encryption_key` in secrets.toml,
comma-separated, newest first; `make run` writes one). On a laptop with none set, a key file is
made once beside the SQLite database, readable by this account only. Hosted, a missing key is an
error: the template passes one from Secrets Manager (encrypted with the stack's KMS key).
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from lib.config import DEFAULT_DB, Settings
from lib.core.errors import FinanceError

log = logging.getLogger(__name__)
PREFIX = "fernet:"


class SealError(FinanceError):
    """A sealed value cannot be opened (wrong or missing key), or no key is configured."""


MIN_SECRET = 32


def _fernet(key: str) -> Fernet:
    """A Fernet key as given, or one derived (SHA-256) from a long random secret such as the one
    Secrets Manager generates for the template, which cannot produce Fernet's format itself."""
    if key.startswith("example-"):
        raise SealError("The encryption key is still the example one: run `make run` once, or set your own.")
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, TypeError, UnicodeError):
        if len(key) < MIN_SECRET:
            raise SealError(f"The encryption key must be a Fernet key or a random secret of at least "
                            f"{MIN_SECRET} characters.") from None
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8")).digest()))


class Sealer:
    """Seal and open short secrets; the first key seals, every key opens."""

    def __init__(self, keys: list[str] | tuple[str, ...]):
        if not keys:
            raise SealError("No encryption key is configured (FINANCE_ENCRYPTION_KEY).")
        self._box = MultiFernet([_fernet(k) for k in keys])

    def seal(self, text: str) -> str:
        """The secret as a printable token safe to store."""
        return PREFIX + self._box.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        """The secret again; SealError when the token was not sealed with any of our keys."""
        if not token.startswith(PREFIX):
            raise SealError("This secret was not stored sealed.")
        try:
            return self._box.decrypt(token[len(PREFIX):].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise SealError("A stored secret cannot be opened with the configured keys.") from exc


def new_key() -> str:
    """A fresh random key (for `make run` and tests)."""
    return Fernet.generate_key().decode("ascii")


def _local_key_file(settings: Settings) -> Path:
    if settings.store_kind == "sqlite":
        return Path(settings.store_url.split("://", 1)[1]).with_name(".encryption-key")
    return DEFAULT_DB.with_name(".encryption-key")


def sealer_from_settings(settings: Settings) -> Sealer:
    """The sealer of this deployment: configured keys, else (on a laptop only) a key file made once."""
    if settings.encryption_keys:
        return Sealer(settings.encryption_keys)
    if settings.is_hosted:
        raise SealError("Hosted, an encryption key must be configured (FINANCE_ENCRYPTION_KEY).")
    path = _local_key_file(settings)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as out:
                out.write(new_key())
            log.info("made a local encryption key", extra={"path": str(path)})
    return Sealer([path.read_text().strip()])
