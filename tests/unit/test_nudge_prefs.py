"""Nudge preferences: defaults, a reason per refused field, quiet hours across midnight, stored maps."""
from __future__ import annotations

import datetime as dt

import pytest

from lib.core.errors import ValidationError
from lib.core.models import Profile
from lib.core.nudge_prefs import NudgePrefs, prefs_from_stored, quiet_warnings, validate_nudge_prefs
from lib.store import schema


def test_defaults_are_the_issues() -> None:
    assert NudgePrefs().to_dict() == {"morning": "08:00", "evening": "20:30", "weekly": "on", "quiet": "22:00-07:00",
                                      "milestones": "on", "hide_amounts": "off"}


@pytest.mark.parametrize(("field", "value"), [("morning", "25:00"), ("evening", "8pm"), ("morning", "12:60"),
                                              ("quiet", "22-7"), ("quiet", "22:00-22:00"), ("weekly", "maybe"),
                                              ("hide_amounts", "2")])
def test_a_bad_value_is_refused_with_a_reason_for_that_field(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_nudge_prefs(**{field: value})
    assert list(exc.value.errors) == [field] and exc.value.errors[field]


def test_several_bad_fields_get_a_reason_each() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_nudge_prefs(morning="25:00", evening="24:00", quiet="x")
    assert set(exc.value.errors) == {"morning", "evening", "quiet"}
    assert "25:00" in exc.value.errors["morning"]


def test_times_are_normalised_and_off_switches_off() -> None:
    prefs = validate_nudge_prefs(morning="7:05", evening="off", quiet=" 23:00 - 06:30 ", weekly="off",
                                 hide_amounts="on")
    assert (prefs.morning, prefs.evening, prefs.quiet, prefs.weekly, prefs.hide_amounts) == \
        ("07:05", None, ("23:00", "06:30"), False, True)


def test_quiet_hours_cross_midnight() -> None:
    prefs = NudgePrefs()
    assert prefs.in_quiet_hours(dt.time(23, 0)) and prefs.in_quiet_hours(dt.time(6, 59))
    assert not prefs.in_quiet_hours(dt.time(7, 0)) and not prefs.in_quiet_hours(dt.time(21, 59))
    assert quiet_warnings(validate_nudge_prefs(morning="06:00")) and not quiet_warnings(prefs)


def test_prefs_are_stored_on_the_profile_item_and_read_back() -> None:
    prefs = validate_nudge_prefs(morning="06:45", quiet="off", milestones="off")
    item = schema.profile_to_item(Profile(user_id="u", display_name="U", nudges=prefs))
    assert item["nudges"]["morning"] == "06:45"
    assert schema.item_to_profile(item, "u").nudges == prefs
    assert "nudges" not in schema.profile_to_item(Profile(user_id="u", display_name="U"))


def test_an_unreadable_stored_field_falls_back_to_its_default_only() -> None:
    assert prefs_from_stored({"morning": "99:99", "evening": "19:00"}) == NudgePrefs(evening="19:00")
    assert prefs_from_stored("garbage") == NudgePrefs()
