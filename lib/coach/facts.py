"""The facts every coach speaks from: a compact, typed summary of the user's numbers.

Nothing else reaches a coach (offline or Bedrock), so every number a coach may state is here,
and `Facts.numbers()` lists them with the rounding variants a reader would accept.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from lib import analytics as an
from lib.models import NAME_MAX, Profile, clean_text, normalise_tone

TEXT_LIMIT = 40  # descriptions and categories shown to a coach: enough to recognise, too short to steer
TOP_WINDOW_DAYS = 30
SPLURGE_WINDOW_DAYS = 7
STREAK_MILESTONES = frozenset({3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 100, 150, 180, 200, 250, 300, 365, 500, 730, 1000})
# "Salary share high": the salary is being spent faster than the month passes, and it is no small part of it.
SALARY_HIGH_MIN_PCT = 25


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
    today_status: str  # "under" (at or under budget), "over", "no spending"
    today_left: Decimal  # budget - spent, never below 0
    today_over: Decimal  # spent - budget, never below 0
    current_streak: int
    longest_streak: int
    streak_milestone: int | None  # current_streak when it is a round number worth a remark
    month_spent: Decimal
    month_allowed: Decimal  # budget x days elapsed (today included)
    month_budget: Decimal  # budget x days in the month
    month_projection: Decimal  # month end at the current rate
    month_projection_gap: Decimal  # |projection - month budget|
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
    days_to_payday: int | None  # payday assumed to be the 1st of next month when a salary is set

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
        return self.month_projection > self.month_budget

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (money as "12.50" strings)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = f"{value:.2f}" if isinstance(value, Decimal) else value
        return out

    def payload(self) -> dict[str, Any]:
        """The data block a language model sees: no name or tone (those are in the system prompt), no nulls."""
        return {k: v for k, v in self.to_dict().items() if v is not None and k not in ("display_name", "tone")}

    def money_values(self) -> list[Decimal]:
        return [getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), Decimal)]

    def count_values(self) -> list[int]:
        return [
            getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), int)
            and not isinstance(getattr(self, f.name), bool)
            and not f.name.endswith("_pct")
        ]

    def pct_values(self) -> list[int]:
        values = [getattr(self, f.name) for f in fields(self) if f.name.endswith("_pct")]
        return [v for v in values if v is not None]

    def dates(self) -> set[dt.date]:
        """Dates a text may name: today, the splurge's day and (with a salary) payday."""
        out = {self.day}
        if self.splurge_date:
            out.add(dt.date.fromisoformat(self.splurge_date))
        if self.days_to_payday is not None:
            out.add(self.day + dt.timedelta(days=self.days_to_payday))
        return out

    def text_values(self) -> list[str]:
        """User-provided strings a text may quote verbatim (digits inside them are not figures)."""
        return [v for v in (self.display_name, self.top_category, self.splurge_description) if v]

    def numbers(self) -> frozenset[str]:
        """Every number a text may state, canonical ("12.5", "13", "45%"), with rounding variants.

        Money: exact, to 1 decimal, to a whole unit (half-up and half-even), and in thousands
        ("1.2k" is 1200) for large sums. Counts as integers. Percentages with a % sign, whole
        and exact. Signs are ignored: "-4.50" and "4.50 over" state the same figure.
        """
        out: set[str] = set()
        for money in self.money_values():
            m = abs(money)
            out.add(canonical_number(m))
            out.add(canonical_number(m.quantize(Decimal("0.1"), ROUND_HALF_UP)))
            for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN):
                out.add(canonical_number(m.quantize(Decimal(1), mode)))
            if m >= 1000:
                for step in (Decimal(100), Decimal(1000)):
                    out.add(canonical_number((m / step).quantize(Decimal(1), ROUND_HALF_UP) * step))
        for count in self.count_values():
            out.add(str(abs(count)))
        for pct in self.pct_values():
            out.add(f"{abs(pct)}%")
        return frozenset(out)


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


def _splurge(df: pd.DataFrame, today: dt.date) -> tuple[int, str, str] | None:
    since = pd.Timestamp(today - dt.timedelta(days=SPLURGE_WINDOW_DAYS - 1))
    recent = df[(df["date"] >= since) & (df["date"] <= pd.Timestamp(today)) & (df["amount_cents"] > 0)]
    if recent.empty:
        return None
    row = recent.loc[recent["amount_cents"].idxmax()]
    return int(row["amount_cents"]), str(row["description"]), pd.Timestamp(row["date"]).date().isoformat()


def build_facts(profile: Profile, df: pd.DataFrame, today: dt.date, currency_symbol: str = "$") -> Facts:
    """Summarise a user's frame into Facts (streak rule: lib.analytics.TODAY_RULE); the only coach input."""
    df = df[df["date"] <= pd.Timestamp(today)] if not df.empty else df
    budget = an.decimal_to_cents(profile.daily_budget)
    salary = an.decimal_to_cents(profile.monthly_salary) if profile.monthly_salary is not None else None
    tracking = an.first_day(df)
    daily = an.daily_totals(df, min(tracking or today, today.replace(day=1)), today)
    st = an.streaks(daily[daily.index >= pd.Timestamp(tracking or today)], budget, today)
    pace = an.month_pace(daily, budget, salary, today)

    top = an.by_category(df, today - dt.timedelta(days=TOP_WINDOW_DAYS - 1), today)
    top = top[top["amount_cents"] > 0]
    splurge = _splurge(df, today)
    spent = st.today_spent_cents
    milestone = st.current if st.current in STREAK_MILESTONES else None
    has_salary = pace.salary_cents is not None
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Facts(
        display_name=clean_text(profile.display_name, NAME_MAX) or profile.user_id[:NAME_MAX],
        tone=normalise_tone(profile.ai_tone) or "brutal",
        today=today.isoformat(),
        currency_symbol=clean_text(currency_symbol, 3),
        has_data=tracking is not None,
        days_tracked=(today - tracking).days + 1 if tracking else 0,
        today_spent=an.cents_to_decimal(spent),
        daily_budget=an.cents_to_decimal(budget),
        today_status=st.today_status,
        today_left=an.cents_to_decimal(max(0, budget - spent)),
        today_over=an.cents_to_decimal(max(0, spent - budget)),
        current_streak=st.current,
        longest_streak=st.longest,
        streak_milestone=milestone,
        month_spent=an.cents_to_decimal(pace.spent_cents),
        month_allowed=an.cents_to_decimal(pace.allowed_so_far_cents),
        month_budget=an.cents_to_decimal(pace.month_budget_cents),
        month_projection=an.cents_to_decimal(pace.projection_cents),
        month_projection_gap=an.cents_to_decimal(abs(pace.projected_over_cents)),
        days_left_in_month=pace.days_left,
        month_left_per_day=_d(pace.left_per_day_cents),
        top_category=clean_text(top["category"].iloc[0], TEXT_LIMIT) if len(top) else None,
        top_category_spent=an.cents_to_decimal(int(top["amount_cents"].iloc[0])) if len(top) else None,
        top_category_share_pct=_pct(float(top["share"].iloc[0])) if len(top) else None,
        splurge_amount=_d(splurge[0]) if splurge else None,
        splurge_description=(clean_text(splurge[1], TEXT_LIMIT) or "something unlabelled") if splurge else None,
        splurge_date=splurge[2] if splurge else None,
        monthly_salary=_d(pace.salary_cents),
        salary_share_pct=_pct(pace.salary_share),
        month_elapsed_pct=_pct(pace.salary_pace_share) if has_salary else None,
        days_to_payday=(next_month - today).days if has_salary else None,
    )


def facts_from_dict(data: dict[str, Any]) -> Facts:
    """Rebuild Facts from `to_dict()` output (tests and the CLI round-trip them)."""
    values: dict[str, Any] = {}
    for f in fields(Facts):
        v = data.get(f.name)
        values[f.name] = Decimal(v) if isinstance(v, str) and "Decimal" in str(f.type) else v
    return Facts(**values)
