"""GET /dashboard: where the user stands today and what the coach says, from ONE store read.

The numbers are the coach's own facts (lib.coach.build_facts over the coach's window) and
the month-end projection is the forecast model's median with its p10-p90 band, so the API,
the sidebar and the Forecast page speak from the same figures.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from lib import analytics, forecast, views
from lib.api.payloads import money, profile_json
from lib.coach import CoachResult, build_facts, get_commentary
from lib.coach.facts import Facts
from lib.models import currency_symbol
from lib.schema import Window
from lib.store import Store


def load(store: Store, user_id: str, today: dt.date, default_name: str | None) -> tuple[Facts, Any, Window]:
    """The user's facts and month forecast from one window read (the coach's window)."""
    window = store.load_window(user_id, *views.coach_range(today), default_name)
    frame = analytics.transactions_frame(window.transactions)
    facts = build_facts(window.profile, frame, today, currency_symbol(window.transactions))
    first = analytics.first_day(frame) or today
    daily = analytics.daily_totals(frame, min(first, today), today)
    profile = window.profile
    outlook = forecast.forecast(
        daily, today, analytics.decimal_to_cents(profile.daily_budget),
        analytics.decimal_to_cents(profile.monthly_salary) if profile.monthly_salary else None,
        frame=frame, horizon_months=1,
    )
    return facts, outlook.month, window


def _cents(value: int | None) -> str | None:
    return None if value is None else money(analytics.cents_to_decimal(int(value)))


def dashboard_json(facts: Facts, month: Any, window: Window, coach: CoachResult) -> dict[str, Any]:
    """The GET /dashboard body (see openapi.yaml, Dashboard)."""
    return {
        "today": facts.today,
        "profile": profile_json(window.profile),
        "day": {
            "spent": money(facts.today_spent),
            "budget": money(facts.daily_budget),
            "left": money(facts.today_left),
            "over": money(facts.today_over),
            "status": facts.today_status,
        },
        "streak": {
            "current": facts.current_streak,
            "longest": facts.longest_streak,
            "milestone": facts.streak_milestone,
        },
        "month": {
            "spent": money(facts.month_spent),
            "allowed_so_far": money(facts.month_allowed),
            "budget": money(facts.month_budget),
            "days_left": facts.days_left_in_month,
            "left_per_day": money(facts.month_left_per_day),
            "projection": {
                "p10": _cents(month.p10),
                "p50": _cents(month.p50),
                "p90": _cents(month.p90),
                "within_budget_chance": round(float(month.under_budget_probability), 3),
                "method": month.method,
                "note": month.note,
            },
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
    store: Store, user_id: str, today: dt.date, default_name: str | None, bedrock: Any, refresh: str
) -> dict[str, Any]:
    """The dashboard of one user: one window read, the facts, and the day's commentary (saved take reused)."""
    facts, month, window = load(store, user_id, today, default_name)
    coach = get_commentary(
        facts, day=today, bedrock=bedrock, cached=window.commentary, save=store.put_commentary,
        user_id=user_id, refresh=refresh,
    )
    return dashboard_json(facts, month, window, coach)
