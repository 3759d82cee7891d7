"""The one standing: hand-worked histories with known answers, run on several fixed days (clock_day)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from lib.coach.facts import facts_from_standing
from lib.core import analytics, clock, standing, streaks
from lib.core.models import Profile, validate_transaction
from lib.core.types import StreakState, Window
from lib.store.sqlite import SQLiteStore

DAY = dt.timedelta(days=1)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "standing.db")
    s.init()
    return s


def _budget(store: SQLiteStore, user: str, budget: str = "10.00", **extra: object) -> None:
    store.save_profile(Profile(user, user.capitalize(), daily_budget=Decimal(budget), **extra))  # type: ignore[arg-type]


def _spend(store: SQLiteStore, user: str, day: dt.date, amount: str, category: str = "Food",
           description: str = "") -> None:
    store.add_transaction(validate_transaction(user, day, amount, category, description))


def test_a_199_day_streak_is_199_days_and_later_loads_read_only_the_window(clock_day: dt.date,
                                                                            store: SQLiteStore) -> None:
    today = clock_day
    _budget(store, "long")
    store.put_transactions([validate_transaction("long", today - k * DAY, "5.00", "Food") for k in range(1, 200)]
                           + [validate_transaction("long", today - 200 * DAY, "50.00", "Food")])

    first, _ = standing.load_standing(store, "long", today)
    before = store.meter.for_user("long")
    again, window = standing.load_standing(store, "long", today)
    used = store.meter.for_user("long").minus(before)

    for s in (first, again):
        assert (s.current_streak, s.longest_streak) == (199, 199)
        assert s.current_streak_start == today - 199 * DAY
        assert s.tracked_through == today - DAY and s.unlogged_days == 1
    assert used.requests == 1, "with the streak state in place a load is one query"
    assert window.streak_state is not None and window.streak_state.upto == today.replace(day=1)
    assert facts_from_standing(again).current_streak == 199


def test_the_state_joined_to_the_window_agrees_with_the_whole_history(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _budget(store, "mix")
    # 400 days: over budget every 37th day and on a few days just before the window and the month.
    txns = [validate_transaction("mix", today - k * DAY, "12.00" if k % 37 == 0 or k in (101, 120) else "4.00")
            for k in range(1, 401)]
    store.put_transactions(txns)
    profile = store.get_profile("mix")
    whole = standing.standing_from_frame(profile, analytics.transactions_frame(store.list_transactions(
        "mix", dt.date(1900, 1, 1), today)), today)
    joined, window = standing.load_standing(store, "mix", today)
    assert window.streak_state is not None
    keys = ("current_streak", "current_streak_start", "longest_streak", "longest_streak_start",
            "longest_streak_end", "tracked_through", "tracking_since")
    assert {k: getattr(joined, k) for k in keys} == {k: getattr(whole, k) for k in keys}


def test_an_old_edit_drops_the_state_and_the_next_load_rebuilds_it(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _budget(store, "edit")
    store.put_transactions([validate_transaction("edit", today - k * DAY, "3.00") for k in range(1, 150)])
    assert standing.load_standing(store, "edit", today)[0].current_streak == 149
    _spend(store, "edit", today - 120 * DAY, "40.00")  # over budget, long before this month
    s, _ = standing.load_standing(store, "edit", today)
    assert s.current_streak == 119 and s.longest_streak == 119
    # Writes dated this month never touch the state: the add and the data version's bump, nothing more,
    # unless the next month has already begun somewhere (UTC+14): then a day of this month may be before a
    # user's state `upto`, and the store checks (one conditional delete) since it does not know the writer's zone.
    before = store.meter.for_user("edit")
    _spend(store, "edit", today, "1.00")
    ahead = clock.latest_today().replace(day=1) > today
    assert store.meter.for_user("edit").minus(before).requests == (3 if ahead else 2)


def test_days_after_the_last_record_are_unknown_not_kept(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _spend(store, "gone", today - 80 * DAY, "4.00")
    s, _ = standing.load_standing(store, "gone", today)
    # One known day, kept; the 80 unlogged days after it are not a streak, it waits for them.
    assert (s.current_streak, s.longest_streak) == (1, 1) and s.streak_paused
    assert s.tracked_through == today - 80 * DAY and s.unlogged_days == 80
    f = facts_from_standing(s)
    assert (f.tracked_through, f.unlogged_days) == ((today - 80 * DAY).isoformat(), 80)


def test_a_check_in_makes_quiet_days_known(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _budget(store, "quiet")
    _spend(store, "quiet", today - 3 * DAY, "4.00")
    assert standing.load_standing(store, "quiet", today)[0].current_streak == 1  # only day -3 is known
    store.mark_known("quiet", today)
    store.mark_known("quiet", today - 10 * DAY)  # a check-in never moves back
    s, window = standing.load_standing(store, "quiet", today)
    assert window.checkin == today and s.tracked_through == today and s.unlogged_days == 0
    assert s.current_streak == 3  # days -3, -2, -1 are known now; today joins at midnight
    assert not s.streak_paused


def test_fixed_bills_count_in_the_month_but_never_break_the_streak(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _budget(store, "rent")
    for k in range(1, 40):
        _spend(store, "rent", today - k * DAY, "5.00", "Groceries", "Market")
    _spend(store, "rent", today - 2 * DAY, "950.00", "Rent", "Landlord")
    _spend(store, "rent", today, "73.85", "Utilities", "Octopus Energy")
    s, _ = standing.load_standing(store, "rent", today)
    assert s.current_streak == 39
    assert s.today_status == "no spending" and s.today_everyday_cents == 0 and s.today_fixed_cents == 7385
    assert s.splurge_description != "Octopus Energy" and s.splurge_description != "Landlord"
    month_rent = 95000 if (today - 2 * DAY).month == today.month else 0
    assert s.month_fixed_cents == 7385 + month_rent
    assert s.month_spent_cents == s.month_everyday_cents + s.month_fixed_cents
    assert s.month_end_p50_cents >= s.month_spent_cents
    assert set(s.fixed_categories) == {"Rent", "Utilities"}
    assert facts_from_standing(s).fixed_today == Decimal("73.85")


def test_refund_days_and_net_refund_months(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _spend(store, "back", today, "-232.67", "Shopping", "Returned coat")
    s, _ = standing.load_standing(store, "back", today)
    assert s.today_status == "refund"
    assert s.month_spent_cents == -23267
    assert facts_from_standing(s).today_status == "refund"


def test_rolling_budget_carries_unspent_budget_forward(clock_day: dt.date, store: SQLiteStore) -> None:
    today = clock_day
    _budget(store, "roll", budget_style="rolling")
    start = today.replace(day=1)
    for k in range((today - start).days):
        _spend(store, "roll", start + k * DAY, "4.00")  # 6.00 a day unspent
    _spend(store, "roll", today, "9.00")
    s, _ = standing.load_standing(store, "roll", today)
    elapsed = (today - start).days
    assert s.allowance_today_cents == 1000 * (elapsed + 1) - 400 * elapsed
    assert s.today_status == "under" and s.current_streak == elapsed
    assert facts_from_standing(s).allowance_today == analytics.cents_to_decimal(s.allowance_today_cents)
    daily = dataclasses.replace(store.get_profile("roll"), budget_style="daily")
    frame = analytics.transactions_frame(store.list_transactions("roll", start, today))
    assert standing.standing_from_frame(daily, frame, today).allowance_today_cents == 1000


def test_the_month_end_is_the_forecast_median_and_says_ended_on_the_last_day(clock_day: dt.date,
                                                                             store: SQLiteStore) -> None:
    today = clock_day
    for k in range(0, 60):
        _spend(store, "m", today - k * DAY, "7.00")
    s, _ = standing.load_standing(store, "m", today)
    assert s.month_end_p10_cents <= s.month_end_p50_cents <= s.month_end_p90_cents
    assert s.month_end_p50_cents >= s.month_spent_cents
    assert s.month_ended == ((today + DAY).day == 1)
    f = facts_from_standing(s)
    assert f.month_projection == analytics.cents_to_decimal(s.month_end_p50_cents)
    assert f.month_ended == s.month_ended and f.month_p10 is not None and f.month_p90 is not None


def test_a_user_who_started_two_days_ago_is_projected_from_those_days(clock_day: dt.date,
                                                                      store: SQLiteStore) -> None:
    today = clock_day
    _spend(store, "new", today - 2 * DAY, "20.00")
    _spend(store, "new", today - DAY, "20.00")
    s, _ = standing.load_standing(store, "new", today)
    assert s.forecast_rough and "2 complete days" in s.forecast_note
    assert s.days_tracked == 3 and s.longest_streak == 0


def test_a_profile_rule_change_rebuilds_the_state(store: SQLiteStore) -> None:
    today = dt.date(2026, 6, 15)
    _budget(store, "rule")
    window = Window(store.get_profile("rule"), [])
    sig = streaks.signature(window.profile, standing.DEFAULT_FIXED_CATEGORIES)
    other = streaks.signature(dataclasses.replace(window.profile, daily_budget=Decimal("11.00")),
                                   standing.DEFAULT_FIXED_CATEGORIES)
    assert sig != other
    state = StreakState(upto=today.replace(day=1), signature=sig)
    assert streaks.usable(state, sig, standing.window_range(today)[0], today)
    assert not streaks.usable(state, other, standing.window_range(today)[0], today)
