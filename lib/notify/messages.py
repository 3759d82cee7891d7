"""What a nudge says: pure, from the ONE standing (lib.core.standing), in the user's tone, sized for a phone.

Morning: yesterday's verdict (the standing as of yesterday), today's allowance and the streak (as of today).
Evening: nothing known today yet (no purchase, no check-in): log or check in before midnight.
Weekly (Sunday evening): the last 7 days against 7 daily budgets, the streak, the month's projection.
Milestone (in the morning): the streak just reached 7/14/30/60/100/365 days.
A morning or evening text ends with one line on the bank feed when it needs the user (`bank`, from
lib.core.bank.nudge_alert): "your bank needs attention", "stale since <date>", revoked, lapsed.
With a payday rule the morning opens with what is left per day until payday (issue 26, the block at the end).
Titles are at most 60 characters, bodies at most 240; every text passes the coach's content check.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from lib.coach.safety import content_violations
from lib.core import analytics as an
from lib.core.models import clip_words
from lib.core.money import money_format
from lib.core.nudge_prefs import MILESTONES
from lib.core.standing import Standing, day_states, split_fixed
from lib.core.types import Window
from lib.notify.voices import BANK_LINES, HIDDEN_TITLES, RISKS, VOICES

TITLE_MAX = 60
BODY_MAX = 240
NAME_IN_TEXT = 20  # a 50-character name would leave no room for the message


@dataclass(frozen=True)
class Nudge:
    """One message for one user: its kind, title and body (plain text)."""

    kind: str
    title: str
    body: str


class UnsafeText(ValueError):
    """A nudge text failed the content check (never sent; a test catches the template)."""


def _money(s: Standing, cents: int) -> str:
    """An amount in the home currency in the user's saved locale (issue 25); before one is picked, as before."""
    return money_format(s.currency, s.locale, s.currency_symbol).cents(abs(cents))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else clip_words(text, limit)


def _render(tone: str, key: str, values: dict[str, str], hide: bool, kind: str,
            bank: tuple[str, str] | None = None, lead: str | None = None) -> Nudge:
    tone = tone if tone in VOICES else "brutal"
    title, body, bare = VOICES[tone][key]
    if hide:
        title, body = HIDDEN_TITLES[tone].get(key, title), bare
    text = body.format(**values)
    # The payday line in front (issue 26) and the bank's line at the end (issue 20) always fit: the text between
    # gives way.
    tail = BANK_LINES[tone][bank[0]].format(since=bank[1]) if bank is not None and bank[0] in BANK_LINES[tone] else ""
    if lead or tail:
        room = BODY_MAX - (len(lead) + 1 if lead else 0) - (len(tail) + 1 if tail else 0)
        text = " ".join(part for part in (lead, _fit(text, room), tail) if part)
    nudge = Nudge(kind, _fit(title.format(**values), TITLE_MAX), _fit(text, BODY_MAX))
    problems = content_violations(nudge.title + "\n" + nudge.body)
    if problems:
        raise UnsafeText(f"{tone}/{key}: {', '.join(problems)}")
    return nudge


def _base(s: Standing) -> dict[str, str]:
    return {"name": clip_words(s.display_name, NAME_IN_TEXT) or "you", "budget": _money(s, s.daily_budget_cents),
            "streak": _days(s.current_streak)}


def _yesterday_known(today: Standing) -> bool:
    return today.tracked_through is not None and today.tracked_through >= today.today - dt.timedelta(days=1)


def morning(yesterday: Standing, today: Standing, *, hide_amounts: bool = False,
            bank: tuple[str, str] | None = None) -> Nudge:
    """Yesterday's verdict (the standing as of yesterday), today's allowance and the streak (as of today),
    and the bank feed's trouble when there is some (`bank`: lib.core.bank.nudge_alert).

    The standing counts finished days only, so today's streak is the run through yesterday.
    """
    y, s = yesterday, today
    values = {**_base(s), "y_spent": _money(y, y.today_everyday_cents), "y_over": _money(y, y.today_over_cents),
              "allow": _money(s, s.allowance_today_cents)}
    if not s.has_data:
        key = "morning_no_data"
    elif not _yesterday_known(s):
        key = "morning_unlogged"
    else:
        key = "morning_over" if y.today_status == "over" else "morning_kept"
    return _render(s.tone, key, values, hide_amounts, "morning", bank, payday_line(s, hide_amounts=hide_amounts))


def milestone(today: Standing, *, hide_amounts: bool = False) -> Nudge | None:
    """A remark when the streak through yesterday is one of MILESTONES (yesterday known); else None."""
    s = today
    if s.current_streak not in MILESTONES or not _yesterday_known(s):
        return None
    values = {**_base(s), "allow": _money(s, s.allowance_today_cents)}
    return _render(s.tone, "milestone", values, hide_amounts, "milestone")


def today_known(today: Standing) -> bool:
    """True when today already has a purchase or a check-in (the evening nudge is then not sent)."""
    return today.tracked_through is not None and today.tracked_through >= today.today


def evening(today: Standing, *, hide_amounts: bool = False, bank: tuple[str, str] | None = None) -> Nudge | None:
    """Log or check in before midnight (the streak at risk), and the bank's trouble; None when today is known."""
    s = today
    if today_known(s):
        return None
    with_streak, without = RISKS.get(s.tone, RISKS["brutal"])
    streak = s.current_streak  # the run through yesterday (today is not counted until it is over)
    risk = with_streak.format(n=streak) if streak else without
    return _render(s.tone, "evening", {**_base(s), "risk": risk}, hide_amounts, "evening", bank)


def weekly(today: Standing, window: Window, *, hide_amounts: bool = False) -> Nudge:
    """The last 7 days (today included) against 7 daily budgets, the streak and the month's projection."""
    s = today
    start = s.today - dt.timedelta(days=6)
    frame = an.transactions_frame(window.transactions)
    everyday, _ = split_fixed(frame, s)
    daily = an.daily_totals(everyday, start, s.today)
    states = day_states(daily, s)
    if not today_known(s):  # today still in progress and unlogged: not (yet) a kept day
        states = states[states.index < pd.Timestamp(s.today)]
    kept = int(((states == 0) | (states == 1)).sum())
    values = {**_base(s), "w_spent": _money(s, int(daily.sum())), "w_budget": _money(s, 7 * s.daily_budget_cents),
              "kept": str(kept), "days": "7", "projection": _money(s, s.month_end_p50_cents)}
    return _render(s.tone, "weekly", values, hide_amounts, "weekly")


# --- issue 26: left per day until payday, first in the morning nudge when a payday rule is set -------------------

PAYDAY_LINES: dict[str, tuple[str, str, str]] = {  # (days left, the last day, amounts hidden)
    "brutal": ("Until payday: {lpd} a day for {days}. Not a cent more.",
               "Payday tomorrow: {lpd} of this pay period's budget is left.", "Payday in {days}."),
    "sarcastic": ("Until payday: {lpd} a day for {days}. Riveting, I know.",
                  "Payday tomorrow, and {lpd} of this period's budget survived.", "Payday in {days}, if you can wait."),
    "polite": ("Until payday you have {lpd} a day for {days}.",
               "Payday is tomorrow; {lpd} of this pay period's budget is left.", "Payday is in {days}."),
}


def payday_line(s: Standing, *, hide_amounts: bool = False) -> str | None:
    """What is left per day until payday, in the user's tone; None without a payday rule (or without data)."""
    if s.period_rule == "calendar" or not s.has_data:
        return None
    many, last, hidden = PAYDAY_LINES.get(s.tone, PAYDAY_LINES["brutal"])
    text = hidden if hide_amounts else (last if s.period_days_left == 1 else many)
    return text.format(lpd=_money(s, s.left_per_day_cents), days=_days(s.period_days_left))
