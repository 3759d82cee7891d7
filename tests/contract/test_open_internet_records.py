"""Issue 22's items behave the same on SQLite, moto and dynalite: the session generation, the
token buckets, the failed-login count; and DynamoDB's own size refusal comes back in our words."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lib.core.errors import TooLargeError
from lib.store import schema
from lib.store.session_gen import GenerationCache, end_all_sessions, issued_before_logout, read_generation
from lib.store.throttle import (
    API_BUCKET,
    IMPORT_BUCKET,
    LOCK_SECONDS,
    MAX_FAILURES,
    BucketMemo,
    RateLimitedError,
    check_import_quota,
    clear_failures,
    login_wait,
    record_failure,
    take,
)

NOW = 1_800_000_000.0


def test_each_logout_bumps_the_users_generation(store: Any) -> None:
    assert read_generation(store, "ann").number == 0
    at = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    assert end_all_sessions(store, "ann", at).number == 1
    assert end_all_sessions(store, "ann", at + dt.timedelta(seconds=5)).number == 2
    stored = read_generation(store, "ann")
    assert stored.number == 2 and stored.ended_at == at + dt.timedelta(seconds=5)
    assert read_generation(store, "bob").number == 0
    # An identity from before the last logout is refused; one after it is not.
    assert issued_before_logout(at.timestamp(), stored)
    assert not issued_before_logout(at.timestamp() + 6, stored)
    # The item sorts after "~", above every per-user item; the window Query ends on it (issue 21: see
    # tests/contract/test_window_generation.py).
    assert schema.session_gen_key("ann")[schema.SK] > schema.WINDOW_END


def test_the_generation_cache_reads_at_most_once_per_30_seconds_per_user(store: Any) -> None:
    clock = [0.0]
    cache = GenerationCache(monotonic=lambda: clock[0])
    for _ in range(10):
        assert cache.get(store, "ann").number == 0
    assert cache.reads == 1
    end_all_sessions(store, "ann", dt.datetime.now(dt.UTC))  # another server's logout
    clock[0] += 29
    assert cache.get(store, "ann").number == 0  # not yet seen
    clock[0] += 1
    assert cache.get(store, "ann").number == 1  # seen within 30 s
    assert cache.reads == 2
    small = GenerationCache(entries=2)
    for user in ("a", "b", "c"):
        small.get(store, user)
    assert len(small._cache) == 2  # bounded


def test_a_token_bucket_allows_its_capacity_then_says_how_long_to_wait(store: Any) -> None:
    memo = BucketMemo()
    assert [take(store, "ann", API_BUCKET, NOW, memo) for _ in range(API_BUCKET.capacity)] == \
        [0] * API_BUCKET.capacity
    assert take(store, "ann", API_BUCKET, NOW, memo) == 1
    assert take(store, "ann", API_BUCKET, NOW + 1, memo) == 0  # one token back after a second
    assert take(store, "bob", API_BUCKET, NOW) == 0
    # Another process (no memory of the bucket) sees the same count.
    assert take(store, "ann", API_BUCKET, NOW + 1) == 1
    # A stale memory costs a refused write, never a free token.
    stale = BucketMemo()
    stale.put(schema.rate_bucket_key("ann", "api"), None)
    assert take(store, "ann", API_BUCKET, NOW + 1, stale) == 1


def test_imports_are_limited_per_hour_with_a_clear_message(store: Any) -> None:
    for _ in range(IMPORT_BUCKET.capacity):
        check_import_quota(store, "ann", NOW)
    with pytest.raises(RateLimitedError) as refused:
        check_import_quota(store, "ann", NOW)
    assert "10 files in the last hour" in str(refused.value) and refused.value.retry_after > 0
    check_import_quota(store, "ann", NOW + 3600)  # an hour later


def test_failed_logins_wait_longer_then_lock_for_15_minutes(store: Any) -> None:
    waits = []
    for _ in range(MAX_FAILURES):
        record_failure(store, "Ann ", NOW)
        waits.append(login_wait(store, "ann", NOW))
    assert waits[:2] == [0, 0] and waits[2:9] == [1, 2, 4, 8, 16, 32, 60]
    assert waits[9] == LOCK_SECONDS
    assert login_wait(store, "ann", NOW + LOCK_SECONDS) == 0  # the lock ends; the count starts afresh
    assert login_wait(store, "bob", NOW) == 0
    clear_failures(store, "ann")
    assert login_wait(store, "ann", NOW) == 0


def test_dynamodbs_size_refusal_is_ours(dynamo_store: Any) -> None:
    big = {**schema.rate_bucket_key("ann", "big"), "blob": "x" * 450_000}
    with pytest.raises(TooLargeError) as refused:
        dynamo_store.put_record(big)
    assert "too large to store" in str(refused.value) and "DynamoDB" not in str(refused.value)
