"""GET /dashboard: where the user stands today and what the coach says about it, from ONE store read.

Every number is the one standing (lib.core.standing.load_standing, the dashboard's own loader and
read), and the coach speaks from facts built from that same standing, so the API, the pages
and the CLI tell the same month end, streak and day.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from lib.api.payloads import profile_json
from lib.coach import CoachResult, get_commentary
from lib.coach.facts import Facts, facts_from_standing
from lib.core.analytics import money_str
from lib.core.standing import Standing
from lib.core.types import Window
from lib.core.userday import load_user_standing
from lib.store import Store


def _money(cents: int | None) -> str | None:
    return None if cents is None else money_str(cents)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def dashboard_json(s: Standing, facts: Facts, window: Window, coach: CoachResult) -> dict[str, Any]:
    """The GET /dashboard body (see openapi.yaml, Dashboard)."""
    return {
        "today": s.today.isoformat(),
        "currency": window.profile.currency or None,  # issue 25: the money below is all in it
        "profile": profile_json(window.profile),
        "budget_style": s.budget_style,
        "tracked_through": _iso(s.tracked_through),
        "unlogged_days": s.unlogged_days,
        "day": {
            "spent": _money(s.today_spent_cents),
            "everyday": _money(s.today_everyday_cents),
            "fixed": _money(s.today_fixed_cents),
            "allowance": _money(s.allowance_today_cents),
            "left": _money(s.today_left_cents),
            "over": _money(s.today_over_cents),
            "status": s.today_status,
        },
        "streak": {
            "current": s.current_streak,
            "current_start": _iso(s.current_streak_start),
            "longest": s.longest_streak,
            "longest_start": _iso(s.longest_streak_start),
            "longest_end": _iso(s.longest_streak_end),
            "paused": s.streak_paused,
            "milestone": facts.streak_milestone,
        },
        "month": {
            "month": s.month,
            "spent": _money(s.month_spent_cents),
            "everyday": _money(s.month_everyday_cents),
            "fixed": _money(s.month_fixed_cents),
            "allowed_so_far": _money(s.month_allowed_cents),
            "budget": _money(s.month_budget_cents),
            "fixed_expected": _money(s.month_fixed_expected_cents),
            "days_elapsed": s.days_elapsed,
            "days_left": s.days_left,
            "ended": s.month_ended,
            "left_per_day": _money(s.month_left_per_day_cents),
            "salary_share_pct": s.salary_share_pct,
            "projection": {
                "p10": _money(s.month_end_p10_cents),
                "p50": _money(s.month_end_p50_cents),
                "p90": _money(s.month_end_p90_cents),
                "within_budget_pct": s.month_within_budget_pct,
                "straight_line": _money(s.month_straight_line_cents),
                "rough": s.forecast_rough,
                "note": s.forecast_note,
            },
        },
        "period": {
            "rule": s.period_rule,
            "start": s.period_start.isoformat(),
            "end": s.period_end.isoformat(),
            "days_left": s.period_days_left,
            "spent": _money(s.period_spent_cents),
            "everyday": _money(s.period_everyday_cents),
            "budget": _money(s.period_budget_cents),
            "bills_due": _money(s.period_bills_due_cents),
            "left_per_day": _money(s.left_per_day_cents),
            "p10": _money(s.period_end_p10_cents),
            "p50": _money(s.period_end_p50_cents),
            "p90": _money(s.period_end_p90_cents),
        },
        "coach": {
            "text": coach.text,
            "source": coach.source,
            "model": coach.model,
            "tone": facts.tone,
            "notice": coach.notice,
            "as_of": coach.as_of,
        },
    }


def build(
    store: Store, user_id: str, today: dt.date | None, default_name: str | None, bedrock: Any, refresh: str
) -> dict[str, Any]:
    """The dashboard of one user: one window read, the standing, and the day's commentary (saved take reused).

    `today` None: the user's own today, in the zone on their profile (read with the same window).
    """
    standing, window = load_user_standing(store, user_id, default_name, today)
    today = standing.today
    facts = facts_from_standing(standing)
    coach = get_commentary(
        facts, day=today, bedrock=bedrock, cached=window.commentary, save=store.put_commentary,
        user_id=user_id, refresh=refresh, zone=window.profile.timezone,
    )
    return dashboard_json(standing, facts, window, coach)
