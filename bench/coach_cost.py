"""Bedrock tokens of one coach call on the demo user, estimated from the real prompt, and the
monthly cost of a typical user from lib/cost.py's prices and the measured figures.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from bench.app_pages import USER
from lib import analytics, views
from lib.coach import build_facts, offline_commentary
from lib.coach.bedrock import CHARS_PER_TOKEN, BedrockCoach, estimate_tokens, system_prompt, user_message
from lib.config import Settings
from lib.cost import monthly_cost_estimate
from lib.demo import demo_profile, demo_transactions
from lib.models import currency_symbol


def demo_facts(today: dt.date) -> Any:
    """The facts the sidebar builds for the demo user: a 3-year history, the coach's window."""
    start, end = views.coach_range(today)
    txns = [t for t in demo_transactions(USER, days=3 * 365, today=today) if start <= t.date <= end]
    return build_facts(demo_profile(USER, "Demo"), analytics.transactions_frame(txns), today, currency_symbol(txns))


def token_estimate(today: dt.date) -> dict[str, Any]:
    """Input: the Converse request's system + user text by estimate_tokens; output: the max_tokens cap."""
    facts = demo_facts(today)
    coach = BedrockCoach(client=None, max_tokens=Settings().bedrock_max_tokens)
    tones = ("brutal", "sarcastic", "polite")
    typical = {tone: estimate_tokens(offline_commentary(facts, tone, today)) for tone in tones}
    return {
        "bedrock_input_tokens": coach.estimate_input_tokens(facts),
        "bedrock_output_tokens": coach.max_tokens,
        "_system_chars": len(system_prompt(facts)),
        "_user_chars": len(user_message(facts)),
        "_chars_per_token": CHARS_PER_TOKEN,
        "_typical_answer_tokens": typical,
        "_tone": facts.tone,
    }


def monthly_cost(measured: dict[str, Any]) -> dict[str, Any]:
    """cost_per_user_month_usd from lib/cost.py with the measured read/write units and tokens."""
    kwargs = cost_inputs(measured)
    est = monthly_cost_estimate("dynamodb", **kwargs)
    return {
        "cost_per_user_month_usd": est.total_usd,
        "_cost_dynamodb_usd": est.dynamodb_usd,
        "_cost_bedrock_usd": est.bedrock_usd,
        "_cost_basis": est.basis,
        "_cost_inputs": kwargs,
    }


def cost_inputs(measured: dict[str, Any]) -> dict[str, Any]:
    """The monthly_cost_estimate arguments that come from measurements (the rest keep their defaults)."""
    day = measured["user_day"]
    return {
        "read_units_per_load": measured["read_units_per_load"],
        "write_units_per_write": measured["add_write_units"],
        # The user-day: its first read is the dashboard load, every further read followed a write.
        "reloads_per_write": (day["reads"] - 1) / day["adds"],
        "bedrock_calls_per_day": float(day["coach_calls"]),
        "commentary_write_units": measured["commentary_write_units"],
        "input_tokens": measured["bedrock_input_tokens"],
        "output_tokens": measured["bedrock_output_tokens"],
    }
