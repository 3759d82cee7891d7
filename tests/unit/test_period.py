"""The budget period (lib/core/period.py) and the standing over it: edges of a period, the 31st,
February, a weekend payday, two weeks from a date, a change of rule in the middle of a period."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from lib.coach.facts import facts_from_standing
from lib.coach.grounding import ungrounded_numbers
from lib.coach.offline import offline_commentary
from lib.core import analytics, period
from lib.core.errors import ValidationError
from lib.core.models import Profile, validate_profile, validate_transaction
from lib.core.standing import standing_from_frame
from lib.store import schema

D = dt.date
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(("day", "rule", "start", "end"), [
    (D(2026, 12, 4), "calendar", D(2026, 12, 1), D(2026, 12, 31)),
    (D(2026, 12, 24), "monthly:25", D(2026, 11, 25), D(2026, 12, 24)),  # the last day of a period
    (D(2026, 12, 25), "monthly:25", D(2026, 12, 25), D(2027, 1, 24)),  # the first day of the next
    # A payday on the 31st: a shorter month pays on its last day, so periods end on the 30th, 27th ...
    (D(2027, 1, 31), "monthly:31", D(2027, 1, 31), D(2027, 2, 27)),
    (D(2027, 2, 28), "monthly:31", D(2027, 2, 28), D(2027, 3, 30)),
    (D(2027, 4, 29), "monthly:31", D(2027, 3, 31), D(2027, 4, 29)),
    (D(2027, 4, 30), "monthly:31", D(2027, 4, 30), D(2027, 5, 30)),
    (D(2028, 2, 28), "monthly:30", D(2028, 1, 30), D(2028, 2, 28)),  # a leap February pays on the 29th
    (D(2028, 2, 29), "monthly:30", D(2028, 2, 29), D(2028, 3, 29)),
    (D(2027, 2, 28), "calendar", D(2027, 2, 1), D(2027, 2, 28)),
    # 25 Oct 2026 is a Sunday: paid Friday the 23rd; 25 Nov is a Wednesday.
    (D(2026, 10, 23), "monthly:25:friday", D(2026, 10, 23), D(2026, 11, 24)),
    (D(2026, 10, 22), "monthly:25:friday", D(2026, 9, 25), D(2026, 10, 22)),
    # 1 Feb 2026 is a Sunday: the Friday before is in January.
    (D(2026, 1, 30), "monthly:1:friday", D(2026, 1, 30), D(2026, 2, 26)),
    (D(2026, 11, 27), "biweekly:2026-11-27", D(2026, 11, 27), D(2026, 12, 10)),
    (D(2026, 11, 26), "biweekly:2026-11-27", D(2026, 11, 13), D(2026, 11, 26)),  # before the anchor too
    (D(2027, 3, 1), "biweekly:2026-11-27", D(2027, 2, 19), D(2027, 3, 4)),
])
def test_period_of(day: dt.date, rule: str, start: dt.date, end: dt.date) -> None:
    assert period.period_of(day, rule) == (start, end)
    assert period.days_left(day, rule) == (end - day).days + 1


@pytest.mark.parametrize("rule", ["calendar", "monthly:1", "monthly:25", "monthly:31", "monthly:29:friday",
                                  "biweekly:2026-11-27"])
def test_periods_tile_the_calendar(rule: str) -> None:
    """Every day is in exactly one period, and each period starts the day after the last one ended."""
    day, end = D(2025, 12, 1), D(2028, 3, 31)
    stop = period.period_of(day, rule)[1]
    while stop < end:
        nxt_start, nxt_stop = period.period_of(stop + DAY, rule)
        assert nxt_start == stop + DAY and nxt_stop >= nxt_start
        assert period.period_of(nxt_start + (nxt_stop - nxt_start) // 2, rule) == (nxt_start, nxt_stop)
        assert 13 <= (nxt_stop - nxt_start).days <= 33
        stop = nxt_stop


@pytest.mark.parametrize(("text", "field_reason"), [
    ("monthly:0", "day from 1 to 31"), ("monthly:32", "day from 1 to 31"), ("monthly:x", "day from 1 to 31"),
    ("monthly:25:saturday", ":friday"), ("biweekly:27/11/2026", "YYYY-MM-DD"), ("weekly", "one of"),
    ("monthly:" + "1" * 60, "at most"),
])
def test_a_bad_rule_is_refused_with_a_reason(text: str, field_reason: str) -> None:
    reason = period.rule_reason(text)
    assert reason and field_reason in reason
    with pytest.raises(ValidationError) as exc:
        validate_profile("u", "U", "20", None, "brutal", payday=text)
    assert field_reason in exc.value.errors["payday"]


def test_the_rule_is_stored_canonical_and_a_broken_one_reads_as_calendar() -> None:
    p = validate_profile("u", "U", "20", None, "brutal", payday=" Monthly:25:FRIDAY ")
    assert p.payday == "monthly:25:friday"
    item = schema.profile_to_item(p)
    assert item["payday"] == "monthly:25:friday"
    assert schema.item_to_profile(item, "u").payday == "monthly:25:friday"
    assert "payday" not in schema.profile_to_item(dataclasses.replace(p, payday="calendar"))
    assert schema.item_to_profile({**item, "payday": "fortnightly"}, "u").payday == "calendar"


# --- the standing over a period ---------------------------------------------------------------------------------


def _frame(today: dt.date, days: int, amount: str = "10.00", start_offset: int = 0) -> pd.DataFrame:
    txns = [validate_transaction("u", today - k * DAY, amount, "Food") for k in range(start_offset, days)]
    txns.append(validate_transaction("u", today - (days + 40) * DAY, "900.00", "Rent", "Landlord"))
    return analytics.transactions_frame(txns)


def _profile(payday: str, budget: str = "20.00", style: str = "daily") -> Profile:
    return Profile("u", "Ada", daily_budget=Decimal(budget), payday=payday, budget_style=style)


def test_left_per_day_until_payday_on_the_day_before_payday() -> None:
    today = D(2026, 12, 24)
    frame = _frame(today, 120)  # 10.00 a day, every day
    s = standing_from_frame(_profile("monthly:25"), frame, today, "$")
    assert (s.period_start, s.period_end, s.period_days_left) == (D(2026, 11, 25), today, 1)
    assert s.period_everyday_cents == 30 * 1000
    assert s.period_budget_cents == 30 * 2000
    assert s.left_per_day_cents == (60000 - 30000) // 1
    # Spending is the same every day: the period ends at what it has spent, with today's spending a floor.
    assert s.period_end_p50_cents >= s.period_spent_cents
    # The month's own keys are untouched by the rule.
    cal = standing_from_frame(_profile("calendar"), frame, today, "$")
    assert (s.month_end_p50_cents, s.month_budget_cents) == (cal.month_end_p50_cents, cal.month_budget_cents)


def test_a_calendar_period_equals_the_month() -> None:
    today = D(2026, 12, 10)
    s = standing_from_frame(_profile("calendar"), _frame(today, 100), today, "$")
    assert (s.period_start, s.period_end) == (D(2026, 12, 1), D(2026, 12, 31))
    assert (s.period_end_p10_cents, s.period_end_p50_cents, s.period_end_p90_cents) == \
        (s.month_end_p10_cents, s.month_end_p50_cents, s.month_end_p90_cents)
    assert s.period_spent_cents == s.month_spent_cents
    assert s.left_per_day_cents == (31 * 2000 - 10 * 1000) // 22
    d = s.to_dict()
    for key in ("period_start", "period_end", "period_spent", "left_per_day", "period_end_p10", "period_end_p50",
                "period_end_p90", "month_end_p50"):
        assert key in d
    assert d["left_per_day"] == "23.63"


def test_a_period_running_past_the_month_end_is_forecast_to_its_end() -> None:
    today = D(2026, 11, 27)  # paid on the 25th: the period runs to 24 December
    s = standing_from_frame(_profile("monthly:25"), _frame(today, 100), today, "$")
    assert (s.period_start, s.period_end) == (D(2026, 11, 25), D(2026, 12, 24))
    # 10.00 a day for the 27 days after today, on 30.00 already spent (25-27 November).
    assert s.period_end_p10_cents <= s.period_end_p50_cents <= s.period_end_p90_cents
    assert s.period_end_p50_cents == 3000 + 27 * 1000


def test_first_and_last_day_of_a_biweekly_period() -> None:
    rule = "biweekly:2026-11-27"
    first = standing_from_frame(_profile(rule), _frame(D(2026, 11, 27), 60), D(2026, 11, 27), "$")
    assert (first.period_days_left, first.period_everyday_cents, first.left_per_day_cents) == (14, 1000, 27000 // 14)
    last = standing_from_frame(_profile(rule), _frame(D(2026, 12, 10), 60), D(2026, 12, 10), "$")
    assert (last.period_days_left, last.period_everyday_cents, last.left_per_day_cents) == (1, 14000, 14000)


def test_rolling_budget_runs_over_the_period() -> None:
    today = D(2026, 12, 2)  # day 8 of a period from 25 November
    s = standing_from_frame(_profile("monthly:25", style="rolling"), _frame(today, 60), today, "$")
    # 8 days of 20.00 allowed, 7 days of 10.00 spent before today.
    assert s.allowance_today_cents == 8 * 2000 - 7 * 1000
    cal = standing_from_frame(_profile("calendar", style="rolling"), _frame(today, 60), today, "$")
    assert cal.allowance_today_cents == 2 * 2000 - 1000


def test_a_change_of_rule_in_the_middle_of_a_period() -> None:
    """Switching from the calendar month to the 25th on 10 December: the period is recomputed at once."""
    today = D(2026, 12, 10)
    frame = _frame(today, 60)
    before = standing_from_frame(_profile("calendar"), frame, today, "$")
    after = standing_from_frame(_profile("monthly:25"), frame, today, "$")
    assert (before.period_start, before.period_everyday_cents) == (D(2026, 12, 1), 10 * 1000)
    assert (after.period_start, after.period_end) == (D(2026, 11, 25), D(2026, 12, 24))
    assert after.period_everyday_cents == 16 * 1000  # 25 Nov .. 10 Dec: the days already spent count
    assert after.left_per_day_cents == (30 * 2000 - 16 * 1000) // 15


def test_a_new_user_setting_payday_the_day_before_it() -> None:
    """Tracking began 3 days ago: only the days since count in the period's budget, not the whole month."""
    today = D(2026, 12, 24)
    frame = analytics.transactions_frame([validate_transaction("u", today - k * DAY, "10.00", "Food")
                                          for k in range(3)])
    s = standing_from_frame(_profile("monthly:25"), frame, today, "$")
    assert s.period_budget_cents == 3 * 2000 and s.period_everyday_cents == 3000
    assert s.left_per_day_cents == 3000
    facts = facts_from_standing(s)
    assert facts.days_to_payday == 1 and facts.left_per_day == Decimal("30.00")
    for tone in ("brutal", "sarcastic", "polite"):
        text = offline_commentary(facts, tone, today)
        assert "$30.00 left" in text.split(". ")[0] or "$30.00 is left" in text.split(". ")[0], text
        assert ungrounded_numbers(text, facts) == []


@pytest.mark.parametrize("tone", ["brutal", "sarcastic", "polite"])
def test_the_coach_opens_with_left_per_day_until_payday(tone: str) -> None:
    today = D(2026, 12, 10)
    s = standing_from_frame(_profile("monthly:25"), _frame(today, 60), today, "$")
    facts = facts_from_standing(s)
    assert facts.days_to_payday == 15 and facts.left_per_day == Decimal("29.33")  # (600.00 - 160.00) / 15
    text = offline_commentary(facts, tone, today)
    assert "$29.33 a day" in text.split(". ")[0] and "15 days" in text.split(". ")[0], text
    assert ungrounded_numbers(text, facts) == []
    # Without a payday rule the coach opens as it always did.
    calendar_facts = facts_from_standing(standing_from_frame(_profile("calendar"), _frame(today, 60), today, "$"))
    assert "payday" not in offline_commentary(calendar_facts, tone, today).split(". ")[0]
