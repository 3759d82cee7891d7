"""The monthly cost estimate the sidebar and bench/RESULTS.md show, checked against sums done by hand."""
from __future__ import annotations

import pytest

from lib.core.cost import monthly_cost_estimate

# 4 read units a load; 1 load + 2 writes a day, each write re-reads the window once;
# coach calls default to one per load and per write (3 a day), each answer saved (1 write unit).
HAND = {
    "read_units_per_load": 4.0,
    "loads_per_day": 1.0,
    "writes_per_day": 2.0,
    "write_units_per_write": 1.0,
    "reloads_per_write": 1.0,
    "commentary_write_units": 1.0,
    "input_tokens": 1000,
    "output_tokens": 500,
    "bedrock_calls_per_day": None,  # the "refresh always" rule: one call per load and per write
    "nudge_read_units_per_day": 0.0,  # nudges off in these sums; priced on their own below
    "nudge_write_units_per_day": 0.0,
}


def test_a_dynamodb_month_adds_reads_writes_and_tokens_at_list_prices() -> None:
    est = monthly_cost_estimate("dynamodb", **HAND)

    # reads: 4 units x (1 load + 2 reloads) x 30 days = 360 units at $0.125 per million
    # writes: (2 transactions + 3 saved answers) x 30 days = 150 units at $0.625 per million
    assert est.dynamodb_usd == pytest.approx(360 * 0.125e-6 + 150 * 0.625e-6)  # 0.00013875
    # Bedrock: 3 calls x 30 days x (1000 in at $0.000035/1k + 500 out at $0.00014/1k) = 90 x 0.000105
    assert est.bedrock_usd == pytest.approx(0.00945)
    assert est.total_usd == pytest.approx(0.00958875)
    assert "3 coach calls a day" in est.basis


def test_one_coach_call_a_day_when_asked_for() -> None:
    est = monthly_cost_estimate("dynamodb", **{**HAND, "bedrock_calls_per_day": 1.0})

    assert est.bedrock_usd == pytest.approx(30 * 0.000105)
    # one saved answer a day instead of three: 2 + 1 write units a day
    assert est.dynamodb_usd == pytest.approx(360 * 0.125e-6 + 90 * 0.625e-6)


def test_the_embedded_store_costs_nothing_and_bedrock_still_counts() -> None:
    est = monthly_cost_estimate("sqlite", **HAND)

    assert est.dynamodb_usd == 0
    assert est.bedrock_usd == pytest.approx(0.00945)
    assert "embedded store is free" in est.basis


def test_hosting_at_scale_counts_the_always_on_task_and_gets_cheaper_per_user():
    from bench import scale_cost
    from lib.core import cost

    rows = scale_cost.table(0.00149)
    small, large = rows[1_000], rows[100_000]
    one_task = cost.HOURS_PER_MONTH * (cost.FARGATE_VCPU_HOUR + 2 * cost.FARGATE_GB_HOUR)
    assert small["fargate"] == pytest.approx(one_task)  # 50 people online fit the one task always running
    assert large["fargate"] > 40 * one_task  # 5,000 online need 125 tasks at the peak
    assert small["per_user_total"] > large["per_user_total"] > 0.00149
    assert "| **per user-month** |" in scale_cost.markdown(0.00149)


def test_nudges_add_their_reads_and_writes_every_day() -> None:
    without = monthly_cost_estimate("dynamodb", **HAND)
    est = monthly_cost_estimate("dynamodb", **{**HAND, "nudge_read_units_per_day": 10.0,
                                               "nudge_write_units_per_day": 4.0})
    # 10 read units and 4 write units a day for 30 days, no model calls
    assert est.dynamodb_usd - without.dynamodb_usd == pytest.approx(300 * 0.125e-6 + 120 * 0.625e-6)
    assert est.bedrock_usd == without.bedrock_usd
    assert monthly_cost_estimate("sqlite", **{**HAND, "nudge_read_units_per_day": 10.0}).dynamodb_usd == 0


def test_the_guardrail_and_the_judge_add_their_list_prices() -> None:
    base = monthly_cost_estimate("sqlite", **{**HAND, "bedrock_calls_per_day": 1.0})
    est = monthly_cost_estimate("sqlite", **{**HAND, "bedrock_calls_per_day": 1.0}, guardrail=True, judge=True)
    # judge tokens: 30 verdicts x (430 in at $0.000035/1k + 12 out at $0.00014/1k)
    assert est.bedrock_usd - base.bedrock_usd == pytest.approx(30 * (430 * 0.000035 + 12 * 0.00014) / 1000)
    # guardrail: 30 calls x (4 units x ($0.15 + $0.15 + $0.10) + the judge's 3 units x ($0.15 + $0.15)) per 1,000 units
    assert est.guardrail_usd == pytest.approx(30 * (4 * 0.40 + 3 * 0.30) / 1000)  # 0.075
    assert est.total_usd == pytest.approx(est.bedrock_usd + est.guardrail_usd)
    assert "guardrail on each call" in est.basis and "judge on each answer" in est.basis
    assert monthly_cost_estimate("sqlite", guardrail=True).guardrail_usd == pytest.approx(30 * 1.6 / 1000)
