"""Who is due: schedule slots found by Query, right across daylight-saving changes in both hemispheres."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lib.core.models import Profile
from lib.core.nudge_prefs import NudgePrefs
from lib.jobs import schedule
from lib.jobs.tick import due_items

ZONES = ["Europe/Paris", "America/Los_Angeles", "Australia/Sydney", "Europe/Dublin", "Australia/Lord_Howe",
         "Asia/Kolkata", "UTC", "Pacific/Chatham"]
# Days around both changes of each hemisphere (2026): Europe 29 Mar / 25 Oct, US 8 Mar / 1 Nov,
# Australia 5 Apr / 4 Oct; plus a plain winter and summer day.
DAYS = [dt.date(2026, 1, 15), dt.date(2026, 3, 8), dt.date(2026, 3, 29), dt.date(2026, 3, 30), dt.date(2026, 4, 5),
        dt.date(2026, 7, 15), dt.date(2026, 10, 4), dt.date(2026, 10, 25), dt.date(2026, 11, 1)]


def _users(store: Any) -> None:
    for zone in ZONES:
        profile = Profile(user_id=f"u-{zone}", display_name="U", timezone=zone,
                          nudges=NudgePrefs(morning="08:00", evening="20:35"))
        schedule.reschedule(store, profile, has_channels=True)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_user_is_due_exactly_at_their_local_times(store: Any, day: dt.date) -> None:
    _users(store)
    for zone in ZONES:
        for local, part in ((dt.time(8, 0), "am"), (dt.time(20, 35), "pm")):
            at = dt.datetime.combine(day, local, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
            due = [(i["user"], i["part"]) for i in due_items(store, at)]
            assert (f"u-{zone}", part) in due, (zone, at)
            for off in (-60, -30, -5, 5, 30, 60):
                other = [(i["user"], i["part"]) for i in due_items(store, at + dt.timedelta(minutes=off))]
                assert (f"u-{zone}", part) not in other, (zone, at, off)


def test_a_tick_reads_few_partitions_and_no_scan(store: Any) -> None:
    at = dt.datetime(2026, 7, 15, 6, 0, tzinfo=dt.UTC)
    assert 2 <= len(schedule.slots_at(at)) <= 5


def test_moving_the_time_moves_the_item_and_no_channel_removes_it(store: Any) -> None:
    profile = Profile(user_id="m", display_name="M", timezone="UTC")
    assert schedule.reschedule(store, profile, True) == ["08:00|am", "20:30|pm"]
    moved = Profile(user_id="m", display_name="M", timezone="UTC", nudges=NudgePrefs(morning="06:10", evening=None,
                                                                                     weekly=False))
    assert schedule.reschedule(store, moved, True) == ["06:10|am"]
    assert store.query_records("SCHEDULE#08:00", "U#") == [] and store.query_records("SCHEDULE#20:30", "U#") == []
    assert [i["user"] for i in store.query_records("SCHEDULE#06:10", "U#")] == ["m"]
    assert schedule.reschedule(store, moved, False) == []
    assert store.query_records("SCHEDULE#06:10", "U#") == []
