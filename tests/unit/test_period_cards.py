"""One period everywhere (issue 26): with a payday rule the dashboard's month cards (spent, fixed bills, the
projection, the chance within budget) and its month chart run over the pay period; for the calendar month
they read as they always did."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from lib.core import analytics, forecast, standing
from lib.core.models import Profile, validate_transaction
from lib.core.types import Window
from lib.web import dashboard_charts as charts
from lib.web import views
from tests.svg_text import texts

D = dt.date
DAY = dt.timedelta(days=1)


def _frame(today: dt.date) -> pd.DataFrame:
    txns = [validate_transaction("u", today - k * DAY, "10.00", "Food") for k in range(150)]
    # Rent on the 28th of each month: 28 Dec is still due before a payday on the 25th... of January.
    for month in range(7, 12):
        txns.append(validate_transaction("u", D(2026, month, 28), "900.00", "Rent", "Landlord"))
    return analytics.transactions_frame(txns)


def _standing(payday: str, today: dt.date, style: str = "daily") -> standing.Standing:
    profile = Profile("u", "Ada", daily_budget=Decimal("20.00"), payday=payday, budget_style=style)
    return standing.standing_from_frame(profile, _frame(today), today, "$")


def test_a_payday_user_sees_the_period_in_the_month_cards() -> None:
    today = D(2026, 12, 10)  # paid on the 25th: the period is 25 Nov – 24 Dec, rent on 28 Nov is in it
    s = _standing("monthly:25", today)
    cards = {m.label: m for m in views.dashboard_metrics(s)}
    spent = cards["Spent since payday (25 Nov)"]
    assert spent.value == views.fmt(s.period_spent_cents) == views.fmt(16 * 1000 + 90000)
    assert s.period_allowed_cents == 16 * 2000 and spent.delta == f"-{views.fmt(16 * 1000)} under pace"
    bills = cards["Fixed bills"]
    assert bills.value == views.fmt(90000) and bills.delta == "none due"  # the next rent falls after payday
    proj = cards["Projected by payday (24 Dec)"]
    assert proj.value == views.fmt(s.period_end_p50_cents)
    assert s.period_end_p50_cents == 30 * 1000 + 90000  # 10.00 every day: the period ends at 300.00 + rent
    chance = cards["Chance within budget"]
    assert chance.value == f"{s.period_within_budget_pct}%" == "100%"
    assert chance.delta == f"budget {views.fmt(30 * 2000)} + fixed {views.fmt(90000)}"
    assert not any(label.startswith("December") or "month end" in label for label in cards)
    # The phone's first row stays what is left per day until payday, then the streak.
    assert [m.label for m in views.dashboard_metrics(s)[:2]] == ["Left per day until payday", "Current streak"]
    first = views.dashboard_metrics(s)[0]
    assert first.delta == f"{s.period_days_left} days until payday, today included", first.delta


def test_bills_due_before_payday_and_the_chance_against_them() -> None:
    today = D(2026, 12, 27)  # period 25 Dec – 24 Jan: rent on 28 Dec is due before payday
    s = _standing("monthly:25", today)
    assert s.period_fixed_cents == 0 and s.period_bills_due_cents == 90000
    assert s.period_fixed_expected_cents == 90000
    cards = {m.label: m for m in views.dashboard_metrics(s)}
    assert cards["Fixed bills"].delta == f"{views.fmt(90000)} due before payday"
    # 10.00 a day against 20.00, rent allowed for: the period ends within budget in every simulated path.
    assert s.period_within_budget_pct == 100
    tight = _standing("monthly:25", today).period_end_p50_cents
    sim = standing.month_simulation(_frame(today), today, _frame(today)["date"].min().date(),
                                    fixed=standing.DEFAULT_FIXED_CATEGORIES, payday="monthly:25")
    *_, within = forecast.period_outlook(sim, s.period_end, s.period_spent_cents - s.today_spent_cents,
                                         s.today_spent_cents, 2000, tight - 1)
    assert within is not None and within < 1.0  # a limit under the median is not met by every path


@pytest.mark.parametrize("today", [D(2026, 12, 10), D(2026, 12, 31), D(2027, 2, 28)])
def test_a_calendar_period_reads_as_the_month(today: dt.date) -> None:
    s = _standing("calendar", today)
    labels = [m.label for m in views.dashboard_metrics(s)]
    assert f"{today:%B} spent" in labels and ("Month ends at" if s.month_ended else "Projected month end") in labels
    assert (s.period_allowed_cents, s.period_fixed_expected_cents, s.period_within_budget_pct) == \
        (s.month_allowed_cents, s.month_fixed_expected_cents, s.month_within_budget_pct)


def test_the_month_chart_and_its_caption_follow_the_period() -> None:
    today = D(2026, 12, 10)
    frame = _frame(today)
    profile = Profile("u", "Ada", daily_budget=Decimal("20.00"), payday="monthly:25")
    txns = [validate_transaction("u", today - k * DAY, "10.00", "Food") for k in range(150)]
    view = views.dashboard(Window(profile, txns), today - 29 * DAY, today, today,
                           standing.standing_from_frame(profile, frame, today, "$"))
    assert view.month_daily.index[0] == pd.Timestamp(D(2026, 11, 25)) and int(view.month_daily.sum()) == 16000
    caption = views.chart_captions(view, today)["month"]
    assert caption.startswith("Since payday (25 Nov) so far: 160.00 spent") and "at payday" in caption
    chart = charts.month_cumulative(view.month_daily, view.budget_cents, today,
                                    period=(D(2026, 11, 25), D(2026, 12, 24)))
    assert chart.title.startswith("Since payday")
    words = texts(chart.svg)
    assert "160.00" in words  # spent since payday, written at the line's end
    assert words[:5] == ["25 Nov", "02 Dec", "09 Dec", "16 Dec", "23 Dec"]  # weekly from payday


def test_the_rolling_rule_is_told_over_the_pay_period() -> None:
    s = _standing("monthly:25", D(2026, 12, 10), style="rolling")
    streak = {m.label: m for m in views.dashboard_metrics(s)}["Current streak"]
    assert streak.help is not None and "from payday to payday" in streak.help and "the month" not in streak.help


def test_the_salary_card_follows_a_monthly_payday_only() -> None:
    today = D(2026, 12, 10)  # day 16 of the period 25 Nov – 24 Dec (30 days)
    profile = Profile("u", "Ada", daily_budget=Decimal("20.00"), payday="monthly:25", monthly_salary=Decimal("2000"))
    s = standing.standing_from_frame(profile, _frame(today), today, "$")
    card = {m.label: m for m in views.dashboard_metrics(s)}["Salary spent since payday"]
    assert card.value == f"{round(s.period_spent_cents / 200000 * 100)}%" == "53%"  # 160.00 + 900.00 rent of 2000
    assert card.delta == "53% of the pay period gone"  # 16 of 30 days
    two_weeks = dataclasses.replace(profile, payday="biweekly:2026-11-27")
    labels = [m.label for m in views.dashboard_metrics(standing.standing_from_frame(two_weeks, _frame(today), today))]
    assert "Salary spent" in labels  # a monthly salary against two weeks: the month's card
