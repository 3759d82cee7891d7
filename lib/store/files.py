"""Files of ours on the machine are private (issue 22): the SQLite database and its -wal/-shm files
0600, the app's data/ folder 0700, exported files 0600. Other local accounts read none of them."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from lib.config import DEFAULT_DB

log = logging.getLogger(__name__)


def private_database(path: Path) -> None:
    """Issue 22: the database is readable by its owner only (0600), its folder 0700 when we create it
    (or when it is the app's own data/ folder); SQLite gives the -wal and -shm files the same mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    elif path.parent.resolve() == DEFAULT_DB.parent.resolve():
        _tighten(path.parent, 0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    _tighten(path, 0o600)


def private_companions(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _tighten(companion, 0o600)


def _tighten(path: Path, mode: int) -> None:
    """chmod, but a file someone else owns (a shared volume) is reported, not fatal."""
    try:
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError as exc:
        log.warning("could not make a file private", extra={"path": str(path), "error": str(exc)})


def write_private(path: str | Path, text: str) -> None:
    """Write an export readable by its owner only (0600), also when the file already exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT: tighten it
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            fd = -1
            out.write(text)
    finally:
        if fd != -1:
            os.close(fd)
