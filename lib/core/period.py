"""The budget period: the calendar month, monthly from a payday, or every two weeks from a date.

A rule is a short string, stored as the user typed it once validated:
- "calendar": the 1st to the last day of the month (the default);
- "monthly:N" (N 1-31): from the payday to the day before the next one; a month shorter than N
  is paid on its last day; "monthly:N:friday" moves a payday that falls on a weekend to the Friday before;
- "biweekly:YYYY-MM-DD": 14-day periods, one of them starting on that date (earlier ones too).
Pure: no I/O, dates only.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

CALENDAR = "calendar"
RULE_MAX = 40  # untrusted text is bounded before parsing
BIWEEKLY_DAYS = 14
EXAMPLES = "calendar, monthly:25, monthly:25:friday or biweekly:2026-11-27"


@dataclass(frozen=True)
class PeriodRule:
    """A parsed rule; `text` is its canonical spelling."""

    kind: str  # "calendar", "monthly" or "biweekly"
    day: int = 1  # monthly: the payday's day of the month
    friday: bool = False  # monthly: a weekend payday moves to the Friday before
    anchor: dt.date | None = None  # biweekly: one period's first day

    @property
    def text(self) -> str:
        if self.kind == "monthly":
            return f"monthly:{self.day}" + (":friday" if self.friday else "")
        if self.kind == "biweekly" and self.anchor is not None:
            return f"biweekly:{self.anchor.isoformat()}"
        return CALENDAR

    @property
    def is_calendar(self) -> bool:
        return self.kind == "calendar"


class PeriodRuleError(ValueError):
    """The rule cannot be read; the message is the reason, fit to show next to the field."""


def parse_rule(text: object) -> PeriodRule:
    """The rule a string names ("" means calendar), or PeriodRuleError with the reason."""
    raw = str(text if text is not None else "").strip().lower()
    if len(raw) > RULE_MAX:
        raise PeriodRuleError(f"A payday rule is at most {RULE_MAX} characters (for example {EXAMPLES}).")
    if raw in ("", CALENDAR):
        return PeriodRule(CALENDAR)
    kind, _, rest = raw.partition(":")
    if kind == "monthly":
        day_text, _, option = rest.partition(":")
        if not day_text.isdigit() or not 1 <= int(day_text) <= 31:
            raise PeriodRuleError("A monthly payday needs a day from 1 to 31, for example monthly:25.")
        if option not in ("", "friday"):
            raise PeriodRuleError("After the day only ':friday' may follow (a weekend payday moves to the Friday "
                                  "before), for example monthly:25:friday.")
        return PeriodRule("monthly", day=int(day_text), friday=option == "friday")
    if kind == "biweekly":
        try:
            anchor = dt.date.fromisoformat(rest)
        except ValueError:
            raise PeriodRuleError("Every two weeks needs the date of one payday as YYYY-MM-DD, "
                                  "for example biweekly:2026-11-27.") from None
        return PeriodRule("biweekly", anchor=anchor)
    raise PeriodRuleError(f"A payday rule is one of: {EXAMPLES}.")


def rule_reason(text: object) -> str | None:
    """Why the rule cannot be used, or None when it can."""
    try:
        parse_rule(text)
    except PeriodRuleError as exc:
        return str(exc)
    return None


def _month(year: int, month: int, k: int) -> tuple[int, int]:
    total = year * 12 + month - 1 + k
    return total // 12, total % 12 + 1


def payday_in(year: int, month: int, rule: PeriodRule) -> dt.date:
    """The monthly rule's payday in that month: day N, the last day of a shorter month, maybe the Friday before."""
    last = calendar.monthrange(year, month)[1]
    day = dt.date(year, month, min(rule.day, last))
    if rule.friday and day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    return day


def period_of(day: dt.date, rule: PeriodRule | str) -> tuple[dt.date, dt.date]:
    """The budget period holding `day`: its first and last day (both included)."""
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    if rule.kind == "biweekly" and rule.anchor is not None:
        k = (day - rule.anchor).days // BIWEEKLY_DAYS  # floor: periods before the anchor too
        start = rule.anchor + dt.timedelta(days=k * BIWEEKLY_DAYS)
        return start, start + dt.timedelta(days=BIWEEKLY_DAYS - 1)
    if rule.kind == "monthly":
        # A Friday-before payday can fall in the month before, so look one month further either side.
        paydays = [payday_in(*_month(day.year, day.month, k), rule) for k in range(-2, 3)]
        i = max(j for j, p in enumerate(paydays) if p <= day)
        return paydays[i], paydays[i + 1] - dt.timedelta(days=1)
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(day.year, day.month)[1])


def days_left(day: dt.date, rule: PeriodRule | str) -> int:
    """Days from `day` to the period's end, `day` included (what is left per day divides by)."""
    return (period_of(day, rule)[1] - day).days + 1


def starts_between(first: dt.date, last: dt.date, rule: PeriodRule | str) -> list[dt.date]:
    """The first day of every period that holds a day of first..last, in order (the first may be before `first`)."""
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    out: list[dt.date] = []
    day = first
    while day <= last:
        start, end = period_of(day, rule)
        out.append(start)
        day = end + dt.timedelta(days=1)
    return out


def upto_of(today: dt.date, rule: PeriodRule | str) -> dt.date:
    """Where a streak summary ends: the start of the period holding the 1st of today's month.

    A period start (a rolling budget's running sum starts there) and never after the month's 1st,
    so the stores' rule "a write dated this month never touches the summary" holds for every rule.
    """
    return period_of(today.replace(day=1), rule)[0]
