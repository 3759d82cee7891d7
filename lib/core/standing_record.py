"""The Standing record: every fact about where one user stands on one day (decided in lib.core.standing).

Money fields end in `_cents` (int); `to_dict()` is the JSON every frame serves (`stats --json`, the API).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from lib.core import analytics as an

_NOT_IN_DICT = frozenset({"forecast_memory"})


@dataclass(frozen=True)
class Standing:
    """Where one user stands on one day. Money fields end in `_cents`; `to_dict()` drops the suffix."""

    user_id: str
    display_name: str
    tone: str
    today: dt.date
    currency_symbol: str
    budget_style: str  # "daily" or "rolling"
    daily_budget_cents: int
    monthly_salary_cents: int | None
    has_data: bool
    tracking_since: dt.date | None  # the first transaction
    tracked_through: dt.date | None  # the last known day: last transaction, import coverage or check-in
    unlogged_days: int  # days after tracked_through up to today (today included when it is not known)
    days_tracked: int
    # Today
    today_spent_cents: int  # everything (fixed bills included)
    today_fixed_cents: int
    today_everyday_cents: int  # what counts against the budget
    today_status: str  # "under", "over", "no spending", "refund"
    allowance_today_cents: int  # daily: the budget; rolling: the month's allowance to date minus its spending
    today_left_cents: int  # allowance - everyday spending today, never below 0
    today_over_cents: int  # everyday spending today - allowance, never below 0
    # Streaks over known days (fixed bills never break them)
    current_streak: int
    current_streak_start: dt.date | None
    longest_streak: int
    longest_streak_start: dt.date | None
    longest_streak_end: dt.date | None
    streak_paused: bool  # days after tracked_through are unknown: the streak waits for them
    # The month
    month: str  # "YYYY-MM"
    days_in_month: int
    days_elapsed: int  # today included
    days_left: int  # after today
    month_ended: bool  # the last day: the month "ends at", it is not "heading for"
    month_spent_cents: int  # everything, fixed included
    month_fixed_cents: int
    month_everyday_cents: int
    month_allowed_cents: int  # budget x days elapsed (daily spending)
    month_budget_cents: int  # budget x days in the month (daily spending)
    month_fixed_expected_cents: int  # fixed so far plus the bills still due this month
    month_left_per_day_cents: int | None  # per remaining day to keep daily spending on budget
    month_end_p10_cents: int
    month_end_p50_cents: int  # THE month-end projection, everywhere
    month_end_p90_cents: int
    month_within_budget_pct: int  # chance the month ends within budget + fixed costs
    month_straight_line_cents: int  # "at this rate", for comparison only
    # The budget period (issue 26; the calendar month unless the profile has a payday rule)
    period_rule: str
    period_start: dt.date
    period_end: dt.date
    period_days_left: int  # today included
    period_spent_cents: int  # everything, fixed included
    period_everyday_cents: int
    period_budget_cents: int  # budget x days in the period (from the first tracked day when that is later)
    period_bills_due_cents: int  # fixed bills still due before payday
    left_per_day_cents: int  # (period budget - everyday spending so far) / days left, today included; never < 0
    period_allowed_cents: int  # budget x the period's days so far (from the first tracked day when later)
    period_fixed_cents: int
    period_fixed_expected_cents: int  # fixed so far plus the bills still due before payday
    period_within_budget_pct: int  # chance the period ends within its budget + fixed costs
    period_end_p10_cents: int
    period_end_p50_cents: int
    period_end_p90_cents: int
    forecast_rough: bool
    forecast_note: str
    salary_share_pct: int | None
    month_elapsed_pct: int
    fixed_categories: tuple[str, ...]
    bills: tuple[str, ...]  # monthly payees the forecast found (fixed costs too)
    bill_payees: tuple[tuple[str, str], ...]  # their (description, category), to tell fixed rows apart
    # What the money went on (daily spending only: a bill is never a splurge)
    top_category: str | None = None  # biggest net category over the last 30 days
    top_category_spent_cents: int | None = None
    top_category_share_pct: int | None = None
    splurge_cents: int | None = None  # biggest single everyday purchase over the last 7 days
    splurge_description: str | None = None
    splurge_date: dt.date | None = None
    currency: str = ""  # issue 25: the home currency ("" = none picked: bare figures) and the reader's saved locale
    locale: str = ""
    # What the band was calibrated with (the streak state's, lib.core.forecast.memory); not in to_dict: for the
    # Forecast page and `forecast`, so their month end is this one to the cent.
    forecast_memory: str = field(default="", repr=False)

    @property
    def month_over_cents(self) -> int:
        """How far the projected month end is over the month's budget plus its fixed costs."""
        return self.month_end_p50_cents - self.month_budget_cents - self.month_fixed_expected_cents

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money as "12.50" strings (the `_cents` suffix dropped), dates ISO."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in _NOT_IN_DICT:
                continue
            value = getattr(self, f.name)
            if f.name.endswith("_cents"):
                out[f.name.removesuffix("_cents")] = None if value is None else an.money_str(value)
            elif isinstance(value, dt.date):
                out[f.name] = value.isoformat()
            elif isinstance(value, tuple):
                out[f.name] = list(value)
            else:
                out[f.name] = value
        return out
