"""Models, validation and the single-table key layout."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.core.errors import ValidationError
from lib.core.models import Profile, Transaction, validate_profile, validate_transaction
from lib.store import schema


def test_default_profile_has_the_documented_defaults() -> None:
    p = schema.item_to_profile(None, "ann", "Ann Lee")
    assert (p.display_name, p.daily_budget, p.ai_tone, p.monthly_salary, p.version) == (
        "Ann Lee", Decimal("15.00"), "brutal", None, 0)


@pytest.mark.parametrize(
    ("field", "kwargs", "reason"),
    [
        ("daily_budget", {"daily_budget": "0"}, "more than zero"),
        ("daily_budget", {"daily_budget": "-5"}, "more than zero"),
        ("daily_budget", {"daily_budget": "12.345"}, "2 decimals"),
        ("daily_budget", {"daily_budget": "abc"}, "not a number"),
        ("daily_budget", {"daily_budget": "1000000"}, "at most"),
        ("monthly_salary", {"monthly_salary": "-1"}, "negative"),
        ("display_name", {"display_name": "   "}, "empty"),
        ("display_name", {"display_name": "x" * 51}, "at most 50"),
        ("display_name", {"display_name": "bad\x07name"}, "printable"),
        ("ai_tone", {"ai_tone": "gentle"}, "one of"),
    ],
)
def test_invalid_settings_are_refused_with_a_reason_per_field(field: str, kwargs: dict, reason: str) -> None:
    args = {"display_name": "Ann", "daily_budget": "20", "monthly_salary": "", "ai_tone": "brutal", **kwargs}
    with pytest.raises(ValidationError) as info:
        validate_profile("ann", **args)
    assert set(info.value.errors) == {field}
    assert reason in info.value.errors[field]


def test_valid_settings_are_normalised() -> None:
    p = validate_profile("ann", " Ann ", "20.5", "3200", "SARCASTIC")
    assert p == Profile("ann", "Ann", Decimal("20.50"), Decimal("3200.00"), "sarcastic")


def test_two_purchases_on_one_day_get_different_sort_keys_that_start_with_the_date() -> None:
    day = dt.date(2026, 11, 25)
    a = Transaction("u", day, Decimal("3.20"))
    b = Transaction("u", day, Decimal("3.20"))
    assert a.sort_key != b.sort_key
    assert a.sort_key.startswith("2026-11-25#") and b.sort_key.startswith("2026-11-25#")


def test_transaction_validation_reports_each_bad_field() -> None:
    with pytest.raises(ValidationError) as info:
        validate_transaction("u", "2026-13-40", "12,3,4")
    assert set(info.value.errors) == {"date", "amount"}


def test_legacy_items_of_the_original_backend_read_correctly() -> None:
    prof = schema.item_to_profile(
        {"user_id": "u", "transaction_date": "PROFILE#u", "display_name": "Old", "daily_budget": Decimal(30),
         "ai_tone": "Sarcastic"}, "u")
    assert (prof.ai_tone, prof.daily_budget, prof.version) == ("sarcastic", Decimal(30), 0)
    bare = schema.item_to_transaction({"user_id": "u", "transaction_date": "2024-02-29", "amount": Decimal("4.5")})
    stamp = schema.item_to_transaction(
        {"user_id": "u", "transaction_date": "2024-03-01T08:15:00Z", "amount": Decimal("1"), "category": "Coffee"})
    assert bare is not None and bare.date == dt.date(2024, 2, 29) and bare.category == "Other"
    assert stamp is not None and stamp.date == dt.date(2024, 3, 1) and stamp.sort_key == "2024-03-01T08:15:00Z"


days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@given(days, days)
def test_sort_keys_of_every_shape_fall_inside_their_days_range(a: dt.date, b: dt.date) -> None:
    start, end = min(a, b), max(a, b)
    low, high = schema.day_range(start, end)
    for day in (start, end):
        for key in (day.isoformat(), f"{day.isoformat()}T23:59:59Z", Transaction("u", day, Decimal(1)).sort_key):
            assert low <= key <= high
    before, after = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    assert Transaction("u", before, Decimal(1)).sort_key < low
    assert Transaction("u", after, Decimal(1)).sort_key > high
    # the profile and the commentary sort after every date, so one query from `start` returns them
    assert schema.profile_key("u")["transaction_date"] > high
    assert schema.commentary_key("u")["transaction_date"] > high


@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2), days)
def test_money_round_trips_through_an_item_exactly(amount: Decimal, day: dt.date) -> None:
    if amount == 0:
        return
    txn = validate_transaction("u", day, amount, "Food", "Lunch")
    back = schema.item_to_transaction(schema.transaction_to_item(txn))
    assert back == txn and isinstance(back.amount, Decimal)
