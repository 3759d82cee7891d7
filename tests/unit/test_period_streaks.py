"""The rolling budget's streak over the budget period (issue 26): the streak rules and the stored streak state
restart at each period start (a payday), not on the 1st, so the first card and the streak agree.

A payday on the 25th with spending that carries over the 1st, a change of rule in the middle of a period,
a payday on the 31st and February; the state joined to the window always equals the whole history."""
from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import time_machine

from lib.core import analytics, period, standing, streaks
from lib.core.models import Profile, validate_transaction
from lib.store.sqlite import SQLiteStore

D = dt.date
DAY = dt.timedelta(days=1)
KEYS = ("current_streak", "current_streak_start", "longest_streak", "longest_streak_start", "longest_streak_end",
        "tracked_through", "tracking_since", "today_status", "allowance_today_cents")


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "period-streaks.db")
    s.init()
    return s


@pytest.fixture
def on_day(request: pytest.FixtureRequest) -> Iterator[dt.date]:
    """The clock pinned to the test's day (noon UTC), so the stores' "this month" is that day's month."""
    day: dt.date = request.param
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False):
        yield day


def _profile(store: SQLiteStore, user: str, payday: str, style: str = "rolling") -> None:
    store.save_profile(Profile(user, user.capitalize(), daily_budget=Decimal("10.00"), budget_style=style,
                               payday=payday))


def _whole(store: SQLiteStore, user: str, today: dt.date, checkin: dt.date | None = None) -> standing.Standing:
    frame = analytics.transactions_frame(store.list_transactions(user, dt.date(1900, 1, 1), today))
    return standing.standing_from_frame(store.get_profile(user), frame, today, checkin=checkin)


def test_day_excess_restarts_on_payday_not_on_the_first() -> None:
    days = pd.date_range("2026-11-23", "2026-12-02", freq="D", unit="s", name="date")
    spent = pd.Series([1000, 1000, 400, 400, 400, 400, 400, 400, 4000, 0], index=days)
    month = analytics.day_excess(spent, 1000, "rolling")
    paid = analytics.day_excess(spent, 1000, "rolling", "monthly:25")
    assert month[8] == 3000  # 1 December alone against one day's budget
    assert paid[8] == 6400 - 7000  # 25 Nov .. 1 Dec: 64.00 spent of 70.00
    assert paid[1] == 2000 - 2000 and paid[2] == 400 - 1000  # 24 Nov ends a period, 25 Nov starts one
    assert list(analytics.day_excess(spent, 1000, "daily", "monthly:25")) == list(spent.to_numpy() - 1000)


@pytest.mark.parametrize("on_day", [D(2026, 12, 2)], indirect=True)
def test_payday_25th_rolling_spending_carried_over_the_first(on_day: dt.date, store: SQLiteStore) -> None:
    today = on_day
    _profile(store, "pay", "monthly:25")
    start = D(2026, 10, 25)
    txns = [validate_transaction("pay", start + k * DAY, "10.00", "Food")
            for k in range((D(2026, 11, 25) - start).days)]
    txns += [validate_transaction("pay", D(2026, 11, 25) + k * DAY, "4.00", "Food") for k in range(6)]
    txns.append(validate_transaction("pay", D(2026, 12, 1), "40.00", "Food"))  # over a day, within the period
    store.put_transactions(txns)

    s, window = standing.load_standing(store, "pay", today)
    assert window.streak_state is not None and window.streak_state.upto == D(2026, 11, 25)
    assert window.streak_state.signature.endswith("|payday=monthly:25")
    # The first card's allowance and the streak say the same thing: 64.00 of 70.00 spent by yesterday.
    assert s.allowance_today_cents == 8 * 1000 - 6400
    assert s.today_status == "no spending"
    assert s.current_streak == (today - start).days and s.current_streak_start == start
    again, _ = standing.load_standing(store, "pay", today)
    assert {k: getattr(again, k) for k in KEYS} == {k: getattr(s, k) for k in KEYS}
    assert {k: getattr(_whole(store, "pay", today), k) for k in KEYS} == {k: getattr(s, k) for k in KEYS}
    # The calendar month would have reset on the 1st: 40.00 against one day's 10.00 broke the streak.
    store.save_profile(dataclasses.replace(store.get_profile("pay"), payday="calendar"))
    cal, _ = standing.load_standing(store, "pay", today)
    assert cal.current_streak == 0 and cal.allowance_today_cents == 2 * 1000 - 4000


@pytest.mark.parametrize("on_day", [D(2026, 12, 10)], indirect=True)
def test_a_change_of_rule_in_the_middle_of_a_period_rebuilds_the_streak(on_day: dt.date,
                                                                         store: SQLiteStore) -> None:
    today = on_day
    _profile(store, "chg", "calendar")
    # 10.00 a day's budget; 5.00 a day, and 40.00 on 1 December.
    txns = [validate_transaction("chg", today - k * DAY, "40.00" if today - k * DAY == D(2026, 12, 1) else "5.00",
                                 "Food") for k in range(1, 120)]
    store.put_transactions(txns)
    cal, window = standing.load_standing(store, "chg", today)
    assert window.streak_state is not None and window.streak_state.upto == D(2026, 12, 1)
    # Calendar: 1 Dec is 40.00 of 10.00; December catches up on 7 Dec (70.00 of 70.00): 7, 8, 9 Dec kept.
    assert (cal.current_streak, cal.current_streak_start) == (3, D(2026, 12, 7))
    assert cal.allowance_today_cents == 10 * 1000 - 8000

    store.save_profile(dataclasses.replace(store.get_profile("chg"), payday="monthly:25"))
    paid, window = standing.load_standing(store, "chg", today)
    state = window.streak_state
    assert state is not None and state.upto == D(2026, 11, 25) and "payday=monthly:25" in state.signature
    # From 25 Nov: 1 Dec ends 7 days at 70.00 of 70.00, kept: the streak never broke.
    assert (paid.current_streak, paid.current_streak_start) == (119, today - 119 * DAY)
    assert paid.allowance_today_cents == 16 * 1000 - (14 * 500 + 4000 + 0)
    assert paid.today_status == "no spending" and paid.left_per_day_cents == (30 * 1000 - 11000) // 15
    assert {k: getattr(paid, k) for k in KEYS} == {k: getattr(_whole(store, "chg", today), k) for k in KEYS}
    # And back: the calendar's state is rebuilt again, with the month's answer.
    store.save_profile(dataclasses.replace(store.get_profile("chg"), payday="calendar"))
    back, window = standing.load_standing(store, "chg", today)
    assert window.streak_state is not None and window.streak_state.upto == D(2026, 12, 1)
    assert back.current_streak == 3


@pytest.mark.parametrize("on_day", [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 1), D(2028, 2, 29), D(2026, 12, 26)],
                         indirect=True)
@pytest.mark.parametrize("rule", ["monthly:31", "monthly:25", "monthly:30:friday", "biweekly:2026-11-27", "calendar"])
def test_the_joined_state_equals_the_whole_history(on_day: dt.date, rule: str, store: SQLiteStore) -> None:
    """The 31st, February, a Friday payday, two weeks: a state summarising days before a period start, with
    quiet gaps (a check-in makes them known), joins the window exactly as the whole history computes it."""
    today = on_day
    rng = random.Random(f"{rule}{today}")
    _profile(store, "mix", rule)
    upto = period.upto_of(today, rule)
    txns = []
    for k in range(1, 260):
        day = today - k * DAY
        if upto - 20 * DAY <= day <= upto + DAY or 90 <= k <= 102 or rng.random() < 0.1:
            continue  # quiet days: a gap across the state's `upto` (and the period start before it), and others
        amount = rng.choice(["3.00", "6.00", "9.00", "14.00", "31.00"])
        txns.append(validate_transaction("mix", today - k * DAY, amount, "Food"))
    store.put_transactions(txns)
    store.mark_known("mix", today - DAY)
    first, window = standing.load_standing(store, "mix", today)
    state = window.streak_state
    assert state is not None and state.upto == period.upto_of(today, rule)
    assert state.upto == period.period_of(state.upto, rule)[0] <= today.replace(day=1)
    joined, _ = standing.load_standing(store, "mix", today)
    whole = _whole(store, "mix", today, today - DAY)
    for s in (first, joined):
        assert {k: getattr(s, k) for k in KEYS} == {k: getattr(whole, k) for k in KEYS}
    # A state summarising up to an old period start, then moved forward a month later, still agrees.
    later = period.upto_of(today + 31 * DAY, rule)
    assert later > state.upto
    assert streaks.usable(state, streaks.signature(store.get_profile("mix"), standing.DEFAULT_FIXED_CATEGORIES),
                          standing.window_range(today)[0], today)


@pytest.mark.parametrize("on_day", [D(2026, 12, 26)], indirect=True)
def test_the_dashboard_calendar_follows_the_period(on_day: dt.date, store: SQLiteStore) -> None:
    """The streak calendar's days are judged as the streak judges them (the period's running sum)."""
    today = on_day
    _profile(store, "cal", "monthly:25")
    store.put_transactions([validate_transaction("cal", today - k * DAY, "4.00" if k > 1 else "20.00", "Food")
                            for k in range(1, 40)])
    s, _ = standing.load_standing(store, "cal", today)
    everyday = analytics.daily_totals(analytics.transactions_frame(store.list_transactions("cal", D(2026, 11, 25),
                                                                                            today)),
                                      D(2026, 11, 25), today)
    states = standing.day_states(everyday, s)
    # 25 Dec: 20.00 on the first day of a period is over; under the month's rule it would have been kept.
    assert states[pd.Timestamp(D(2026, 12, 25))] == 2.0
    assert s.current_streak == 0


def _at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False)


@pytest.mark.parametrize(("rule", "last", "kept_from"), [
    # A period start inside the quiet gap (13 Nov): the big day's overrun ends with its period.
    ("biweekly:2026-11-27", D(2026, 11, 5), D(2026, 11, 13)),
    # The 1st inside the gap but no payday: the overrun carries over it to the period's end.
    ("monthly:25", D(2026, 10, 28), D(2026, 11, 25)),
])
def test_a_quiet_gap_before_the_state_is_judged_by_its_period(rule: str, last: dt.date, kept_from: dt.date,
                                                              store: SQLiteStore) -> None:
    """The state is built while the days after `last` are unknown; a month later they are known (later
    spending) and the state moves forward over them: each quiet day is judged within its own period."""
    built_on, moved_on = D(2026, 12, 3), D(2027, 1, 3)
    _profile(store, "gap", rule)
    with _at(built_on):
        store.put_transactions([validate_transaction("gap", last - k * DAY, "5.00", "Food") for k in range(1, 30)]
                               + [validate_transaction("gap", last, "510.00", "Food")])
        _, window = standing.load_standing(store, "gap", built_on)
        state = window.streak_state
        assert state is not None and state.upto == period.upto_of(built_on, rule) and state.last_day == last
        upto = state.upto
        store.put_transactions([validate_transaction("gap", upto + k * DAY, "5.00", "Food") for k in range(1, 35)])
    with _at(moved_on):
        moved, window = standing.load_standing(store, "gap", moved_on)
        assert window.streak_state is not None and window.streak_state.upto == period.upto_of(moved_on, rule) > upto
        whole = _whole(store, "gap", moved_on)
        assert {k: getattr(moved, k) for k in KEYS} == {k: getattr(whole, k) for k in KEYS}
        assert moved.current_streak_start == kept_from
