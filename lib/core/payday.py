"""The standing's budget-period facts (issue 26): spent so far, left per day until payday, the period end.

Kept beside lib.core.standing (which calls `period_facts` once) so the standing stays one readable file.
Money is integer cents.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from lib.core import period
from lib.core.models import Profile


def rule_of(profile: Profile) -> period.PeriodRule:
    """The profile's period rule; one that no longer reads is the calendar month (it was validated on save)."""
    try:
        return period.parse_rule(getattr(profile, "payday", period.CALENDAR))
    except period.PeriodRuleError:
        return period.PeriodRule(period.CALENDAR)


def period_facts(
    rule: period.PeriodRule, today: dt.date, budget_cents: int, daily_everyday: pd.Series, daily_fixed: pd.Series,
    sim: Any, month_band: tuple[int, int, int], month_bills_due_cents: int, tracking: dt.date | None = None,
    calendar_same: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The Standing's period_* fields and left_per_day_cents (the series run at least from the period's start).

    A user who started tracking inside the period gets the budget from that day on (as the rolling
    allowance does): days before it were not theirs to spend, and would inflate what is left per day.
    `calendar_same`: the month's own period_allowed/period_fixed_expected/period_within_budget_pct, used as
    they are for a calendar period so the month's cards read exactly as before.
    """
    from lib.core import forecast

    start, end = period.period_of(today, rule)
    in_period = daily_everyday.index >= pd.Timestamp(start)
    everyday = int(daily_everyday[in_period].sum())
    spent = everyday + int(daily_fixed[in_period].sum())
    today_all = int(daily_everyday.iloc[-1]) + int(daily_fixed.iloc[-1])
    fixed = int(daily_fixed[in_period].sum())
    days_left = (end - today).days + 1
    counted_from = max(start, min(tracking or start, today))
    budget = budget_cents * ((end - counted_from).days + 1)
    if rule.is_calendar:  # one forecast: the period's numbers are the month's, to the cent
        band, bills = month_band, month_bills_due_cents
        same = calendar_same or {}
        allowed = same.get("period_allowed_cents", budget_cents * ((today - counted_from).days + 1))
        expected = same.get("period_fixed_expected_cents", fixed + bills)
        within = same.get("period_within_budget_pct", 0)
    else:
        ahead = sim.bills_ahead(end)
        bills = int(ahead["amount_cents"].sum()) if len(ahead) else 0
        allowed, expected = budget_cents * ((today - counted_from).days + 1), fixed + bills
        *p, chance = forecast.period_outlook(sim, end, spent - today_all, today_all, budget_cents, budget + expected)
        band = (p[0], p[1], p[2])
        within = int(f"{chance or 0.0:.0%}".rstrip("%"))  # rounded as the month's chance is
    return {
        "period_allowed_cents": allowed,
        "period_fixed_cents": fixed,
        "period_fixed_expected_cents": expected,
        "period_within_budget_pct": within,
        "period_rule": rule.text,
        "period_start": start,
        "period_end": end,
        "period_days_left": days_left,
        "period_spent_cents": spent,
        "period_everyday_cents": everyday,
        "period_budget_cents": budget,
        "period_bills_due_cents": bills,
        "left_per_day_cents": max(0, (budget - everyday) // days_left),
        "period_end_p10_cents": band[0],
        "period_end_p50_cents": band[1],
        "period_end_p90_cents": band[2],
    }


def salary_since_payday(s: Any) -> tuple[int, int] | None:
    """A monthly payday's salary card: (% of the monthly salary spent since payday, % of the pay period gone).

    None for the calendar month (the month's own card), two weeks (a monthly salary against a 14-day period
    says nothing honest) or no salary set. `s`: a lib.core.standing.Standing (core to core, no import circle).
    """
    if not s.monthly_salary_cents or not str(s.period_rule).startswith("monthly"):
        return None
    days = (s.period_end - s.period_start).days + 1
    gone = (s.today - s.period_start).days + 1
    return int(s.period_spent_cents * 100 / s.monthly_salary_cents + 0.5), int(gone * 100 / days + 0.5)
