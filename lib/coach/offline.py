"""The offline coach: deterministic tough-love commentary in three voices, from the facts alone.

A text runs in the same order the Bedrock prompt asks for: today, the streak, the month, one
concrete cut (the splurge, the top category, or the daily limit that ends the month on budget).
Each slot rotates through its templates by day, from an offset of the user, tone and situation,
so the same facts on the same day read the same and 30 days in a row repeat no sentence more
than 3 times (see lib.coach.voices). The splurge is named only every other day, so the closing
jab never names the same purchase on consecutive days.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from lib.coach.facts import Facts
from lib.coach.voices import TAILS, VOICES
from lib.core.models import TONES

MILESTONES = (7, 14, 30, 60, 100, 365)  # streak lengths worth a remark, in every tone
UNLOGGED_MIN_DAYS = 2  # a day without a purchase is normal; two without any entry is hiding


def _money(facts: Facts, amount: Decimal | None) -> str:
    return facts.money.amount(abs(amount or Decimal(0)))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _short_date(iso: str | None) -> str:
    return "" if not iso else f"{dt.date.fromisoformat(iso).day} {dt.date.fromisoformat(iso):%b}"


def _offset(*parts: str) -> int:
    """A stable number from text (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def _band(f: Facts) -> str:
    """The one projection's band and its odds, when the forecast has them."""
    out = f"; likely {_money(f, f.month_p10)} to {_money(f, f.month_p90)}" \
        if f.month_p10 is not None and f.month_p90 is not None and f.month_p10 != f.month_p90 else ""
    within = f.month_within_budget_pct
    return out + (f", a {within}% chance of staying within budget" if within is not None else "")


def _limit(f: Facts) -> str:
    """The month's budget as the projection is measured against it: daily budgets plus the fixed bills."""
    bills = f" (plus {_money(f, f.fixed_month)} of fixed bills)" if f.fixed_month > 0 else ""
    return _money(f, f.month_budget) + bills


def _values(f: Facts) -> dict[str, str]:
    return {
        "name": f.display_name,
        "spent": _money(f, f.today_spent),
        "budget": _money(f, f.daily_budget),
        "left": _money(f, f.today_left),
        "over": _money(f, f.today_over),
        "refund": _money(f, f.today_spent),
        "fixed": _money(f, f.fixed_today),
        "allowance": _money(f, f.allowance_today),
        "unlogged": _days(f.unlogged_days),
        "since": _short_date(f.tracked_through),
        "streak": _days(f.current_streak),
        "streak_n": str(f.current_streak),
        "longest": _days(f.longest_streak),
        "month_spent": _money(f, f.month_spent),
        "month_budget": _limit(f),
        "projection": _money(f, f.month_projection),
        "gap": _money(f, f.month_projection_gap),
        "band": _band(f),
        "salary_pct": f"{f.salary_share_pct}%",
        "elapsed_pct": f"{f.month_elapsed_pct}%",
        "payday": _days(f.days_to_payday or 0),
        "splurge": _money(f, f.splurge_amount),
        "splurge_desc": f.splurge_description or "",
        "top_cat": f.top_category or "",
        "top_amt": _money(f, f.top_category_spent),
        "top_pct": f"{f.top_category_share_pct}%",
        "per_day": _money(f, f.month_left_per_day),
        "left_per_day": _money(f, f.left_per_day),
        "days_left": _days(f.days_left_in_month),
    }


def _today(f: Facts) -> str:
    if f.unlogged_days >= UNLOGGED_MIN_DAYS and f.tracked_through and f.today_spent == 0:
        return "unlogged"
    if f.today_status == "refund" or f.today_spent < 0:
        return "refund"
    if f.today_status == "over":
        return "over_fixed" if f.fixed_today > 0 else "over"
    if f.fixed_today > 0:
        return "bills_day"  # fixed bills are no splurge: a day under budget apart from them says so
    if f.budget_style == "rolling" and f.allowance_today is not None:
        return "allowance"
    return "under" if f.today_spent > 0 else "quiet"


def _streak(f: Facts) -> str:
    if f.current_streak in MILESTONES:
        return "milestone"
    if f.current_streak and f.current_streak >= f.longest_streak:
        return "record"
    if f.current_streak:
        return "building"
    return "broken" if f.longest_streak else "none"


def _month(f: Facts) -> str:
    if f.month_ended:
        return "ended_over" if f.projected_over else "ended_under"
    if f.salary_high and f.days_to_payday is not None:
        return "salary_high"
    return "proj_over" if f.projected_over else "proj_under"


def names_splurge_on(f: Facts, day: dt.date) -> bool:
    """Whether the closing jab may name the splurge today: every other day, so never two days running."""
    return (day.toordinal() + _offset(f.display_name, "splurge")) % 2 == 0


def _cut(f: Facts, day: dt.date) -> str | None:
    if f.splurge_amount is not None and f.splurge_amount >= f.daily_budget and names_splurge_on(f, day):
        return "splurge"
    if f.top_category and f.top_category_spent and f.top_category_share_pct is not None:
        return "top"
    if f.month_left_per_day is not None and f.month_left_per_day > 0 and f.days_left_in_month > 0:
        return "per_day"
    return None


def situations(f: Facts, day: dt.date | None = None) -> list[str]:
    """Which template group speaks in each slot, in order: today, streak, month, one cut."""
    if not f.has_data:
        return ["no_data"]
    cut = _cut(f, day or f.day)
    # A payday rule makes "left per day until payday" the number that matters: it speaks first.
    first: list[str] = []
    if f.payday_rule != "calendar" and f.left_per_day is not None and f.days_to_payday:
        first = ["payday_last" if f.days_to_payday == 1 else "payday"]
    return [*first, _today(f), _streak(f), _month(f), *([cut] if cut else [])]


def _sentence(tone: str, slot: int, situation: str, f: Facts, day: dt.date, values: dict[str, str]) -> str:
    """Template by day (from an offset of user, tone and situation), tail by day and slot.

    Each slot of a text takes a different tail (slot numbers differ mod 4), and with an odd
    number of templates (3) against 4 tails a template meets each tail once every 12 days.
    """
    options = VOICES[tone][situation]
    template = options[(day.toordinal() + _offset(f.display_name, tone, situation)) % len(options)]
    tails = TAILS[tone]
    if template.endswith("."):
        template = template[:-1] + tails[(day.toordinal() + slot) % len(tails)] + "."
    text = template.format(**values)
    if not template.startswith("{name}"):  # a sentence starts with a capital; a name keeps its own spelling
        text = text[:1].upper() + text[1:]
    return text


def offline_commentary(facts: Facts, tone: str, day: dt.date) -> str:
    """Three or four sentences in the given voice (one without data), the same for the same facts, tone and day."""
    tone = tone if tone in TONES else "brutal"
    values = _values(facts)
    return " ".join(_sentence(tone, slot, s, facts, day, values) for slot, s in enumerate(situations(facts, day)))
