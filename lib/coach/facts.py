"""The facts every coach speaks from: a compact, typed summary of the user's numbers.

Nothing else reaches a coach (offline or Bedrock), so every number a coach may state is here;
lib.coach.grounding checks each stated figure against the field it is said to be.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import MISSING, dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from lib.core import analytics as an
from lib.core.models import Profile
from lib.core.money import MoneyFormat, money_format

if TYPE_CHECKING:
    from lib.core.standing import Standing

TEXT_LIMIT = 40  # descriptions and categories shown to a coach: enough to recognise, too short to steer
TOP_WINDOW_DAYS = 30
SPLURGE_WINDOW_DAYS = 7
STREAK_MILESTONES = frozenset({3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 100, 150, 180, 200, 250, 300, 365, 500, 730, 1000})
# "Salary share high": the salary is being spent faster than the month passes, and it is no small part of it.
SALARY_HIGH_MIN_PCT = 25
UNSET_WHEN_EMPTY = ("currency", "locale")


def _d(cents: int | None) -> Decimal | None:
    return None if cents is None else an.cents_to_decimal(cents)


def _pct(ratio: float | None) -> int | None:
    return None if ratio is None else int(Decimal(repr(ratio * 100)).quantize(Decimal(1), ROUND_HALF_UP))


def canonical_number(value: Decimal) -> str:
    """A number's canonical spelling: no exponent, no trailing zeros ("12.5", "1200", "0")."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Facts:
    """What the coach knows about one user on one day; money is Decimal, dates are ISO strings."""

    display_name: str
    tone: str
    today: str
    currency_symbol: str
    has_data: bool
    days_tracked: int
    today_spent: Decimal
    daily_budget: Decimal
    today_status: str  # "under" (at or under budget), "over", "no spending", "refund" (refunds beat purchases)
    today_left: Decimal  # budget - spent, never below 0
    today_over: Decimal  # spent - budget, never below 0
    current_streak: int
    longest_streak: int
    streak_milestone: int | None  # current_streak when it is a round number worth a remark
    month_spent: Decimal
    month_allowed: Decimal  # budget x days elapsed (today included)
    month_budget: Decimal  # budget x days in the month
    month_projection: Decimal  # the month end: the forecast's median (p50), the same figure everywhere
    month_projection_gap: Decimal  # |projection - (month budget + fixed_month)|
    days_left_in_month: int  # after today
    month_left_per_day: Decimal | None  # spendable per remaining day to end on budget
    top_category: str | None  # biggest net category over the last 30 days
    top_category_spent: Decimal | None
    top_category_share_pct: int | None
    splurge_amount: Decimal | None  # biggest single purchase over the last 7 days
    splurge_description: str | None
    splurge_date: str | None
    monthly_salary: Decimal | None
    salary_share_pct: int | None  # this month's spending as a share of the salary
    month_elapsed_pct: int | None  # share of the month gone, for comparison with salary_share_pct
    days_to_payday: int | None  # days to the next budget period's first day (the 1st for a calendar month)
    # Known days end at tracked_through (last transaction, import coverage or "nothing spent" check-in).
    tracked_through: str | None = None  # ISO date
    unlogged_days: int = 0  # days after tracked_through up to today
    budget_style: str = "daily"  # "daily" or "rolling" (unspent budget carries forward in the month)
    allowance_today: Decimal | None = None  # rolling: what may be spent today
    fixed_today: Decimal = Decimal("0.00")  # fixed bills today (not counted against the daily budget)
    fixed_month: Decimal = Decimal("0.00")  # the month's fixed bills: paid so far plus still due
    month_p10: Decimal | None = None  # the month-end band around month_projection (the forecast's median)
    month_p90: Decimal | None = None
    month_within_budget_pct: int | None = None  # chance the month ends within budget plus fixed bills
    month_ended: bool = False  # the last day of the month: it "ended at", it is not "heading for"
    # The budget period (issue 26): its rule, and daily spending left per day until payday (today included)
    payday_rule: str = "calendar"
    left_per_day: Decimal | None = None
    # Issue 25: the home currency ("" = none picked: bare figures after currency_symbol) and the reader's locale.
    currency: str = ""
    locale: str = ""

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.today)

    @property
    def salary_high(self) -> bool:
        """Spending the salary faster than the month is passing (and it is a noticeable share)."""
        return (
            self.salary_share_pct is not None
            and self.month_elapsed_pct is not None
            and self.salary_share_pct >= SALARY_HIGH_MIN_PCT
            and self.salary_share_pct > self.month_elapsed_pct
        )

    @property
    def projected_over(self) -> bool:
        """The month's median ends over the budget for daily spending plus the month's fixed bills."""
        return self.month_projection > self.month_budget + self.fixed_month

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (money as "12.50" strings)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in UNSET_WHEN_EMPTY and not value:
                continue  # before a home currency is picked the facts (and their hash) are as they were
            out[f.name] = f"{value:.2f}" if isinstance(value, Decimal) else value
        return out

    @property
    def money(self) -> MoneyFormat:
        """How the coach writes amounts: the home currency the reader's way, else currency_symbol + bare figure."""
        return money_format(self.currency, self.locale, self.currency_symbol)



def facts_hash(facts: Facts) -> str:
    """A stable hash of the facts (tone and name included) for caching; not Python's salted hash()."""
    text = json.dumps(facts.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


# Not the top category: two close categories swap places on a small purchase, which is no new story.
HEADLINE_FIELDS = ("display_name", "tone", "today", "has_data", "current_streak", "longest_streak",
                   "streak_milestone")


def headline_hash(facts: Facts) -> str:
    """A hash of what the day's story hangs on (today's status, the streak, the month's direction, ...).

    A purchase that leaves all of these as they were does not buy a new Bedrock call: the day's
    take is shown again with the time its numbers are from (see coach.service, cost rule).
    """
    head = {name: getattr(facts, name) for name in HEADLINE_FIELDS}
    # Over budget or not is the story; "nothing yet" and "under" are the same story a coffee later.
    head.update(today_over=facts.today_status == "over", projected_over=facts.projected_over,
                salary_high=facts.salary_high)
    text = json.dumps(head, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def build_facts(profile: Profile, df: pd.DataFrame, today: dt.date, currency_symbol: str = "$") -> Facts:
    """Facts for a user's frame, through the one standing (lib.core.standing); the only coach input."""
    from lib.core.standing import standing_from_frame

    return facts_from_standing(standing_from_frame(profile, df, today, currency_symbol))


def facts_from_standing(s: Standing) -> Facts:
    """The coach's facts: the standing's numbers as Decimal money and ISO dates, nothing recomputed."""
    today = s.today
    milestone = s.current_streak if s.current_streak in STREAK_MILESTONES else None
    has_salary = s.monthly_salary_cents is not None
    payday_set = s.period_rule != "calendar"
    d = an.cents_to_decimal
    return Facts(
        display_name=s.display_name,
        tone=s.tone,
        today=today.isoformat(),
        currency_symbol=s.currency_symbol,
        has_data=s.has_data,
        days_tracked=s.days_tracked,
        today_spent=d(s.today_everyday_cents),
        daily_budget=d(s.daily_budget_cents),
        today_status=s.today_status,
        today_left=d(s.today_left_cents),
        today_over=d(s.today_over_cents),
        current_streak=s.current_streak,
        longest_streak=s.longest_streak,
        streak_milestone=milestone,
        month_spent=d(s.month_spent_cents),
        month_allowed=d(s.month_allowed_cents),
        month_budget=d(s.month_budget_cents),
        month_projection=d(s.month_end_p50_cents),
        month_projection_gap=d(abs(s.month_over_cents)),
        days_left_in_month=s.days_left,
        month_left_per_day=_d(s.month_left_per_day_cents),
        top_category=s.top_category,
        top_category_spent=_d(s.top_category_spent_cents),
        top_category_share_pct=s.top_category_share_pct,
        splurge_amount=_d(s.splurge_cents),
        splurge_description=s.splurge_description,
        splurge_date=s.splurge_date.isoformat() if s.splurge_date else None,
        monthly_salary=_d(s.monthly_salary_cents),
        salary_share_pct=s.salary_share_pct,
        month_elapsed_pct=s.month_elapsed_pct if has_salary else None,
        days_to_payday=(s.period_end - today).days + 1 if has_salary or payday_set else None,
        tracked_through=s.tracked_through.isoformat() if s.tracked_through else None,
        unlogged_days=s.unlogged_days,
        budget_style=s.budget_style,
        allowance_today=d(s.allowance_today_cents) if s.budget_style == "rolling" else None,
        fixed_today=d(s.today_fixed_cents),
        fixed_month=d(s.month_fixed_expected_cents),
        month_p10=d(s.month_end_p10_cents),
        month_p90=d(s.month_end_p90_cents),
        month_within_budget_pct=s.month_within_budget_pct,
        month_ended=s.month_ended,
        payday_rule=s.period_rule,
        left_per_day=d(s.left_per_day_cents),
        currency=s.currency,
        locale=s.locale if s.currency else "",
    )


def facts_from_dict(data: dict[str, Any]) -> Facts:
    """Rebuild Facts from `to_dict()` output (tests and the CLI round-trip them)."""
    values: dict[str, Any] = {}
    for f in fields(Facts):
        v = data.get(f.name)
        if f.name not in data and f.default is not MISSING:
            continue  # facts saved before a field existed read with its default
        values[f.name] = Decimal(v) if isinstance(v, str) and "Decimal" in str(f.type) else v
    return Facts(**values)
