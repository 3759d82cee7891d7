"""Per-user limits kept in the table, so every server and every Lambda sees the same count:
token buckets (the API's request rate, imports per hour) and failed password logins.

Each is one small versioned item (keys in lib.store.schema) written with a condition, so two
servers racing on one user cannot both spend the last token or both forget a failure.
"""
from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from lib.core.errors import ConflictError, FinanceError
from lib.store import schema
from lib.store.base import Store

log = logging.getLogger(__name__)

_ATTEMPTS = 4


class RateLimitedError(FinanceError):
    """Too many requests for now (HTTP 429); `retry_after` is the whole seconds to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Bucket:
    """A token bucket: `capacity` at once, refilled at `capacity` per `period` seconds."""

    name: str
    capacity: int
    period: float

    @property
    def rate(self) -> float:
        return self.capacity / self.period


API_BUCKET = Bucket("api", capacity=60, period=60.0)  # a burst of 60, then one request a second
IMPORT_BUCKET = Bucket("imports", capacity=10, period=3600.0)  # ten imports an hour


class BucketMemo:
    """Per-process memory of the bucket items last written, so a warm server spends one conditional
    write per request (no read first); a stale memory costs one refused write that carries the truth."""

    def __init__(self, entries: int = 10_000) -> None:
        self.entries = entries
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str], schema.Item | None] = OrderedDict()

    def get(self, key: dict[str, str]) -> tuple[bool, schema.Item | None]:
        with self._lock:
            k = (key[schema.PK], key[schema.SK])
            if k not in self._items:
                return False, None
            self._items.move_to_end(k)
            return True, self._items[k]

    def put(self, key: dict[str, str], item: schema.Item | None) -> None:
        with self._lock:
            self._items[(key[schema.PK], key[schema.SK])] = item
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


def take(store: Store, user_id: str, bucket: Bucket, now: float, memo: BucketMemo | None = None) -> int:
    """Spend one token of the user's bucket; 0 when allowed, else the whole seconds until one is back."""
    key = schema.rate_bucket_key(user_id, bucket.name)
    known, item = memo.get(key) if memo is not None else (False, None)
    if not known:
        item = store.get_record(key, consistent=True)
    for _ in range(_ATTEMPTS):
        version = schema.version_of(item)
        tokens = float(bucket.capacity)
        if item:
            elapsed = max(0.0, now - float(str(item.get("at") or now)))
            tokens = min(float(bucket.capacity), float(str(item.get("tokens") or 0)) + elapsed * bucket.rate)
        if tokens < 1.0:
            if memo is not None:
                memo.put(key, item)
            return max(1, math.ceil((1.0 - tokens) / bucket.rate))
        new = {**key, "tokens": f"{tokens - 1.0:.6f}", "at": f"{now:.6f}", "version": version + 1,
               schema.EXPIRES_AT: int(now + bucket.period) + 1}
        try:
            store.put_record(new, expected_version=version)
        except ConflictError as exc:
            # Another server (or request) spent a token meanwhile: the refusal carries what is stored now.
            item = exc.current if isinstance(exc.current, dict) else store.get_record(key, consistent=True)
            continue
        if memo is not None:
            memo.put(key, new)
        return 0
    return 1  # persistently contended: refuse this one rather than let a burst through uncounted


def check_import_quota(store: Store, user_id: str, now: float) -> None:
    """The importer's per-user limit (ten imports an hour); RateLimitedError with the wait when spent."""
    wait = take(store, user_id, IMPORT_BUCKET, now)
    if wait:
        raise RateLimitedError(
            f"You have imported {IMPORT_BUCKET.capacity} files in the last hour: try again in "
            f"{math.ceil(wait / 60)} minute(s).", wait)


# -- failed password logins ----------------------------------------------------------------------
MAX_FAILURES = 10
LOCK_SECONDS = 15 * 60
FREE_FAILURES = 3  # typos cost nothing; from the 4th failure on each wait doubles
MAX_DELAY_SECONDS = 60
USERNAME_MAX = 64


def login_name(typed: str) -> str:
    """The failure counter's name for what was typed: as the login sees it, bounded (any name counts)."""
    return typed.strip().lower()[:USERNAME_MAX]


def delay_after(failures: int) -> int:
    """Seconds before the next attempt after `failures` failures in a row (0, 0, 0, 1, 2, 4, ... 60)."""
    if failures < FREE_FAILURES:
        return 0
    if failures >= MAX_FAILURES:
        return LOCK_SECONDS
    return int(min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_FAILURES)))


def _failures(item: schema.Item | None, now: float) -> tuple[int, float]:
    """(failures in a row, when the next attempt is allowed); a spent lock or an old count starts afresh."""
    if not item:
        return 0, 0.0
    failures = int(item.get("failures") or 0)
    last = float(str(item.get("last_failure") or 0))
    if now - last >= LOCK_SECONDS:
        return 0, 0.0
    return failures, last + delay_after(failures)


def login_wait(store: Store, username: str, now: float) -> int:
    """Whole seconds before `username` may try a password again (0: now). Unknown names count the same."""
    _, allowed_at = _failures(store.get_record(schema.login_failures_key(login_name(username))), now)
    return max(0, math.ceil(allowed_at - now))


def record_failure(store: Store, username: str, now: float) -> int:
    """Count one more failed login for the typed name; returns the failures in a row."""
    key = schema.login_failures_key(login_name(username))
    for _ in range(_ATTEMPTS):
        item = store.get_record(key, consistent=True)
        failures, _allowed = _failures(item, now)
        version = schema.version_of(item)
        new = {**key, "failures": failures + 1, "last_failure": f"{now:.6f}", "version": version + 1,
               schema.EXPIRES_AT: int(now + LOCK_SECONDS) + 1}
        try:
            store.put_record(new, expected_version=version)
        except ConflictError:
            continue
        if failures + 1 >= MAX_FAILURES:
            log.warning("login locked", extra={"user_id": key[schema.PK], "failures": failures + 1})
        return failures + 1
    return MAX_FAILURES


def clear_failures(store: Store, username: str) -> None:
    """A successful login forgets the failures before it."""
    store.delete_record(schema.login_failures_key(login_name(username)))
