"""Issue 18, part 1: the standing counts days in the user's zone, daylight-saving change days included."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from lib.core.errors import ValidationError
from lib.core.models import Profile, Transaction, validate_transaction
from lib.core.userday import load_user_standing
from lib.store.sqlite import SQLiteStore


@pytest.fixture(autouse=True)
def _real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINANCE_TODAY", raising=False)


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


# Both daylight-saving change days of 2026 in both hemispheres, a minute either side of the local midnights
# that open and close them (the change day itself is 23 or 25 hours long).
CHANGE_DAYS = [
    # Los Angeles, spring forward on Sunday 8 March (PST -8 -> PDT -7): a 23-hour day
    ("America/Los_Angeles", "2026-03-08 07:59", "2026-03-07"),
    ("America/Los_Angeles", "2026-03-08 08:01", "2026-03-08"),
    ("America/Los_Angeles", "2026-03-09 06:59", "2026-03-08"),
    ("America/Los_Angeles", "2026-03-09 07:01", "2026-03-09"),
    # Los Angeles, fall back on Sunday 1 November (PDT -7 -> PST -8): a 25-hour day
    ("America/Los_Angeles", "2026-11-01 06:59", "2026-10-31"),
    ("America/Los_Angeles", "2026-11-01 07:01", "2026-11-01"),
    ("America/Los_Angeles", "2026-11-02 07:59", "2026-11-01"),
    ("America/Los_Angeles", "2026-11-02 08:01", "2026-11-02"),
    # Sydney, fall back on Sunday 5 April (AEDT +11 -> AEST +10): a 25-hour day
    ("Australia/Sydney", "2026-04-04 12:59", "2026-04-04"),
    ("Australia/Sydney", "2026-04-04 13:01", "2026-04-05"),
    ("Australia/Sydney", "2026-04-05 13:59", "2026-04-05"),
    ("Australia/Sydney", "2026-04-05 14:01", "2026-04-06"),
    # Sydney, spring forward on Sunday 4 October (AEST +10 -> AEDT +11): a 23-hour day
    ("Australia/Sydney", "2026-10-03 13:59", "2026-10-03"),
    ("Australia/Sydney", "2026-10-03 14:01", "2026-10-04"),
    ("Australia/Sydney", "2026-10-04 12:59", "2026-10-04"),
    ("Australia/Sydney", "2026-10-04 13:01", "2026-10-05"),
]


@pytest.mark.parametrize(("zone", "instant", "day"), CHANGE_DAYS)
def test_the_standing_counts_the_users_days_on_daylight_saving_change_days(tmp_path: Path, zone: str, instant: str,
                                                                           day: str) -> None:
    today = dt.date.fromisoformat(day)
    store = SQLiteStore(tmp_path / "t.db")
    store.init()
    store.save_profile(Profile("u", "U", daily_budget=Decimal("10.00"), timezone=zone))
    # 2.00 on each of the three days before, 4.00 on the user's today, 7.00 on the day after it.
    store.put_transactions([Transaction("u", today - dt.timedelta(days=k), Decimal("2.00")) for k in (3, 2, 1)]
                           + [Transaction("u", today, Decimal("4.00")),
                              Transaction("u", today + dt.timedelta(days=1), Decimal("7.00"))])
    with time_machine.travel(_utc(instant), tick=False):
        where, window = load_user_standing(store, "u")
    assert where.today == today
    assert where.today_spent_cents == 400, "the user's today, not the day before or after it"
    assert (where.current_streak, where.today_status) == (3, "under")
    assert max(t.date for t in window.transactions) == today, "nothing after their today is read into the day"


def test_a_pinned_today_wins_over_the_zone(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "t.db")
    store.init()
    store.save_profile(Profile("u", "U", timezone="Pacific/Kiritimati"))
    where, _ = load_user_standing(store, "u", today=dt.date(2026, 6, 30))
    assert where.today == dt.date(2026, 6, 30)


def test_a_new_transaction_after_the_users_today_is_refused_with_a_reason() -> None:
    today = dt.date(2026, 12, 5)
    assert validate_transaction("u", today, "1.00", today=today).date == today
    with pytest.raises(ValidationError) as refused:
        validate_transaction("u", today + dt.timedelta(days=1), "1.00", today=today)
    assert "2026-12-05" in refused.value.errors["date"] and "future" in refused.value.errors["date"]
    # Without a today (an import row, a test), no date is refused for being late.
    assert validate_transaction("u", today + dt.timedelta(days=1), "1.00").date == today + dt.timedelta(days=1)


def test_the_time_a_reused_take_is_from_is_shown_on_the_users_clock() -> None:
    from lib.core import clock

    saved = "2026-12-04T22:05:00+00:00"  # what the coach writes now (UTC)
    assert clock.clock_time(saved, "Australia/Sydney") == "09:05"
    assert clock.clock_time(saved, "America/Los_Angeles") == "14:05"
    assert clock.clock_time("2026-12-04T16:12:37") == "16:12", "a take saved before zones reads as written"
    assert clock.clock_time("") is None


def test_the_coach_saves_its_take_with_a_utc_time_and_says_it_in_the_users_zone() -> None:
    from lib.coach import service
    from lib.core.models import Commentary

    with time_machine.travel(dt.datetime(2026, 12, 4, 22, 5, tzinfo=dt.UTC), tick=False):
        made = service._commentary("u", dt.date(2026, 12, 5), _facts(), "k", "Spend less.", "m", (1, 1))
    assert made.created_at == "2026-12-04T22:05:00+00:00"
    cached = Commentary("u", "2026-12-05", "brutal", "k", "Spend less.", "m", created_at=made.created_at)
    result = service._from_cache(cached, _facts(), dt.date(2026, 12, 5), "headline", "Australia/Sydney")
    assert result.as_of == "09:05"


def _facts():
    from lib.coach.facts import facts_from_standing
    from lib.core.standing import standing_from_window
    from lib.core.types import Window

    day = dt.date(2026, 12, 5)
    window = Window(Profile("u", "U"), [Transaction("u", day, Decimal("3.00"))], None, None, None)
    return facts_from_standing(standing_from_window(window, day))
