"""Nudge items (channels, delivery records, schedule slots, profile prefs) agree on SQLite, moto, dynalite."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lib.core.errors import ConflictError
from lib.core.models import Profile, Transaction
from lib.core.nudge_prefs import Channel, validate_nudge_prefs
from lib.jobs import schedule
from lib.jobs.tick import due_items
from lib.notify import channels as ch
from lib.notify.delivery import claim
from lib.store import nudge_items, schema_nudges
from lib.store.sealed import Sealer, new_key

AT = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)


def test_prefs_survive_a_save_and_a_load(store: Any) -> None:
    prefs = validate_nudge_prefs(morning="06:30", evening="off", quiet="23:00-06:00", hide_amounts="on")
    store.save_profile(Profile(user_id="ann", display_name="Ann", timezone="Europe/Paris", nudges=prefs))
    loaded = store.get_profile("ann")
    assert loaded.nudges == prefs and loaded.timezone == "Europe/Paris"
    window = store.load_window("ann", AT.date() - dt.timedelta(days=5), AT.date())
    assert window.profile.nudges == prefs


def test_a_channel_is_stored_sealed_and_its_state_versioned(store: Any) -> None:
    sealer = Sealer([new_key()])
    added = ch.add_channel(store, sealer, "ann", "ntfy://127.0.0.1:9/topic", allow_private=True, at=AT)
    item = store.get_record(schema_nudges.channel_key("ann", added.channel_id))
    assert "127.0.0.1" not in item["sealed_url"] and sealer.open(item["sealed_url"]) == "ntfy://127.0.0.1:9/topic"
    [listed] = ch.list_channels(store, "ann")
    assert listed == added and isinstance(listed, Channel)
    failed = ch.record_outcome(store, listed, ch.SendResult(False, "down"), AT)
    with pytest.raises(ConflictError):  # a writer holding the old version loses
        store.put_record(nudge_items.channel_to_item(dataclasses.replace(listed, version=listed.version + 1)),
                         expected_version=listed.version)
    assert ch.list_channels(store, "ann")[0].failures == 1 == failed.failures


def test_a_delivery_is_claimed_once(store: Any) -> None:
    assert claim(store, "ann", AT.date(), "morning", AT)
    assert not claim(store, "ann", AT.date(), "morning", AT)
    assert claim(store, "ann", AT.date(), "evening", AT)
    assert claim(store, "ann", AT.date() + dt.timedelta(days=1), "morning", AT)


def test_side_items_stay_out_of_the_dashboards_window(store: Any) -> None:
    store.save_profile(Profile(user_id="ann", display_name="Ann", timezone="UTC"))
    store.add_transaction(Transaction(user_id="ann", date=AT.date(), amount=Decimal("3.00")))
    ch.add_channel(store, Sealer([new_key()]), "ann", "json://127.0.0.1:9/x", allow_private=True, at=AT)
    claim(store, "ann", AT.date(), "morning", AT)
    schedule.reschedule(store, store.get_profile("ann"), True)
    window = store.load_window("ann", AT.date() - dt.timedelta(days=3), AT.date())
    assert len(window.transactions) == 1
    export = {i["transaction_date"][:6] for i in store.export_items("ann")}
    assert {"~CHANN", "~NUDGE", "~SCHED"} <= export


def test_the_due_users_are_found_by_query(store: Any) -> None:
    for n, zone in enumerate(("UTC", "Europe/Paris", "America/New_York")):
        schedule.reschedule(store, Profile(user_id=f"u{n}", display_name="U", timezone=zone), True)
    assert [i["user"] for i in due_items(store, AT)] == ["u0"]
    assert [i["user"] for i in due_items(store, AT - dt.timedelta(hours=1))] == ["u1"]
    assert [i["user"] for i in due_items(store, AT + dt.timedelta(hours=5))] == ["u2"]


def test_a_window_ending_on_the_servers_yesterday_still_brings_the_per_user_items(store: Any) -> None:
    """A user west of the server's zone is still on the server's yesterday: one Query, streak state included."""
    from lib.core import clock
    from lib.core.types import StreakState

    today = clock.today()
    store.save_profile(Profile(user_id="west", display_name="W", timezone="America/Los_Angeles"))
    store.put_streak_state("west", StreakState(upto=today.replace(day=1), signature="s",
                                               first_day=today - dt.timedelta(days=40)))
    before = store.meter.for_user("west").requests
    window = store.load_window("west", today - dt.timedelta(days=10), today - dt.timedelta(days=1))
    assert window.streak_state is not None and window.profile.display_name == "W"
    assert store.meter.for_user("west").requests - before == 1
