"""The one clock gives today in a user's own zone; a profile holds only zones of the IANA database."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import validate_profile


@pytest.fixture(autouse=True)
def _no_pin(monkeypatch):
    monkeypatch.delenv("FINANCE_TODAY", raising=False)


def test_sydney_is_already_tomorrow_at_22_utc_and_los_angeles_still_yesterday_at_01_utc():
    with time_machine.travel(dt.datetime(2026, 12, 4, 22, 0, tzinfo=dt.UTC), tick=False):
        assert clock.today("Australia/Sydney") == dt.date(2026, 12, 5)
        assert clock.today("Europe/London") == dt.date(2026, 12, 4)
    with time_machine.travel(dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC), tick=False):
        assert clock.today("America/Los_Angeles") == dt.date(2026, 12, 4)


@pytest.mark.parametrize(("instant", "zone", "day"), [
    # the spring-forward and fall-back days in both hemispheres, near local midnight
    (dt.datetime(2026, 3, 8, 7, 59, tzinfo=dt.UTC), "America/Los_Angeles", dt.date(2026, 3, 7)),
    (dt.datetime(2026, 3, 8, 8, 1, tzinfo=dt.UTC), "America/Los_Angeles", dt.date(2026, 3, 8)),
    (dt.datetime(2026, 11, 1, 7, 30, tzinfo=dt.UTC), "America/Los_Angeles", dt.date(2026, 11, 1)),
    (dt.datetime(2026, 4, 4, 13, 30, tzinfo=dt.UTC), "Australia/Sydney", dt.date(2026, 4, 5)),
    (dt.datetime(2026, 10, 3, 13, 30, tzinfo=dt.UTC), "Australia/Sydney", dt.date(2026, 10, 3)),
    (dt.datetime(2026, 10, 3, 14, 30, tzinfo=dt.UTC), "Australia/Sydney", dt.date(2026, 10, 4)),
])
def test_daylight_saving_change_days_in_both_hemispheres(instant, zone, day):
    with time_machine.travel(instant, tick=False):
        assert clock.today(zone) == day


def test_an_unknown_zone_is_the_servers_day_and_a_pin_wins(monkeypatch):
    assert clock.today("Mars/Olympus") == clock.today()
    monkeypatch.setenv("FINANCE_TODAY", "2028-02-29")
    assert clock.today("Australia/Sydney") == dt.date(2028, 2, 29)


@pytest.mark.parametrize("bad", ["Mars/Olympus", "../../etc/passwd", "UTC+25", "x" * 500])
def test_a_profile_refuses_a_zone_outside_the_iana_database_with_a_reason(bad):
    with pytest.raises(ValidationError) as refused:
        validate_profile("ann", "Ann", "30", None, "brutal", timezone=bad)
    assert "IANA" in refused.value.errors["timezone"] and len(refused.value.errors["timezone"]) < 120


def test_a_profile_keeps_a_real_zone():
    assert validate_profile("ann", "Ann", "30", None, "brutal", timezone="Australia/Sydney").timezone == \
        "Australia/Sydney"
