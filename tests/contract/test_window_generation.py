"""Issue 21: the dashboard's window Query also brings the user's session generation (issue 22), so a
session's first load is one request; the range it adds holds a few fixed small items, no collection."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lib.core import clock
from lib.core.models import Profile, validate_transaction
from lib.core.types import Generation
from lib.store import schema, side_items
from lib.store.session_gen import GenerationCache, end_all_sessions
from lib.store.throttle import record_failure


def test_the_window_query_brings_the_session_generation_in_the_same_request(store: Any) -> None:
    today = clock.today()
    store.save_profile(Profile("ann", "Ann", daily_budget=Decimal("10.00")))
    store.add_transaction(validate_transaction("ann", today, "3.00"))
    before = store.meter.for_user("ann").requests
    window = store.load_window("ann", today - dt.timedelta(days=30), today)
    assert store.meter.for_user("ann").requests - before == 1
    assert window.generation == Generation(0)  # never logged out: no item, generation 0
    assert [t.amount for t in window.transactions] == [Decimal("3.00")]

    at = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    end_all_sessions(store, "ann", at)
    end_all_sessions(store, "ann", at + dt.timedelta(seconds=1))
    record_failure(store, "ann", at.timestamp())  # a fixed small item between "~" and the generation
    before = store.meter.for_user("ann").requests
    window = store.load_window("ann", today - dt.timedelta(days=30), today)
    assert store.meter.for_user("ann").requests - before == 1
    assert window.generation is not None and window.generation.number == 2
    assert window.generation.ended_at == at + dt.timedelta(seconds=1)
    assert [t.amount for t in window.transactions] == [Decimal("3.00")]
    assert window.profile.daily_budget == Decimal("10.00")


def test_a_window_in_the_past_carries_no_generation(store: Any) -> None:
    """A past window's Query ends at its last day: it does not reach the item, so it claims nothing."""
    end_all_sessions(store, "ann", dt.datetime(2026, 12, 4, tzinfo=dt.UTC))
    day = dt.date(2020, 1, 31)
    assert store.load_window("ann", day - dt.timedelta(days=30), day).generation is None


def test_the_added_range_holds_no_growing_collection() -> None:
    _low, high = schema.window_bounds(dt.date(2026, 12, 1))
    assert high == schema.session_gen_key("ann")[schema.SK]
    for key in (side_items.import_batch_key("ann", "b1"), side_items.mapping_key("ann", "sig"),
                side_items.category_rule_key("ann", "shop")):
        assert key[schema.SK] > high, key
    from lib.store import schema_bank, schema_nudges

    for prefix in (schema_bank.BANK_PREFIX, schema_nudges.CHANNEL_PREFIX, schema_nudges.DELIVERY_PREFIX,
                   schema_nudges.SCHEDULE_POINTER):
        assert prefix > high, prefix


def test_a_generation_learned_from_a_window_never_hides_a_newer_one() -> None:
    clock_now = [0.0]
    cache = GenerationCache(monotonic=lambda: clock_now[0])
    assert cache.peek("ann") is None
    cache.remember("ann", Generation(3))  # this process's own logout
    cache.learn("ann", Generation(2))  # a window Query that started before it
    assert cache.peek("ann") == Generation(3)
    cache.learn("ann", Generation(4))
    assert cache.peek("ann") == Generation(4)
    clock_now[0] += 30
    assert cache.peek("ann") is None  # stale after 30 s: the next check reads
