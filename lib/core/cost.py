"""What a user costs per month: DynamoDB on-demand requests plus Bedrock tokens.

Unit prices are list prices (US East, N. Virginia) written here so the app, the benchmark
and RESULTS.md use the same numbers; change them in one place.
"""
from __future__ import annotations

from dataclasses import dataclass

# When these list prices were taken (DynamoDB's on-demand price cut of November 2024, Nova Micro's launch
# price); check them against the price pages before relying on a projection.
PRICES_AS_OF = "2024-12-03"
# DynamoDB on-demand, per million request units (after the November 2024 price change).
DDB_READ_USD_PER_MILLION = 0.125
DDB_WRITE_USD_PER_MILLION = 0.625
# Amazon Nova Micro on Bedrock, per 1,000 tokens (on-demand).
NOVA_MICRO_INPUT_USD_PER_1K = 0.000035
NOVA_MICRO_OUTPUT_USD_PER_1K = 0.00014
DAYS_PER_MONTH = 30
# The nudges of one user-day (morning and evening ticks, the Sunday round-up), measured by bench/month.py.
NUDGE_READ_UNITS_PER_DAY = 12.0  # 361 read units in the 30 days (60 ticks, 34 nudges sent)
NUDGE_WRITE_UNITS_PER_DAY = 2.4  # 71 write units: a claim and an outcome per nudge, streak state
# -- issue 24: the guardrail and the judge -------------------------------------------------------------------------
# Amazon Bedrock Guardrails, per 1,000 text units (a unit is up to 1,000 characters, counted per policy), after
# the December 2024 price cut: content filters, denied topics, contextual grounding.
GUARDRAIL_CONTENT_USD_PER_1K_UNITS = 0.15
GUARDRAIL_TOPICS_USD_PER_1K_UNITS = 0.15
GUARDRAIL_GROUNDING_USD_PER_1K_UNITS = 0.10
# Text units a coach call is charged per policy, counted high: the whole input (system prompt ~1,600 characters and
# the facts ~700, so 3 units) and the answer (under 600 characters, 1 unit).
GUARDRAIL_UNITS_PER_CALL = 4
# The judge's call: rubric + answer + query in (estimated by bench.coach_quality, chars/4), a short JSON verdict out;
# the guardrail reads its input (2 units: answer and query) and its output (1 unit), content filters and denied
# topics only (no grounding source, so no grounding check).
JUDGE_INPUT_TOKENS = 430
JUDGE_OUTPUT_TOKENS = 12
JUDGE_GUARDRAIL_UNITS = 3


@dataclass(frozen=True)
class CostEstimate:
    dynamodb_usd: float
    bedrock_usd: float  # model tokens: the coach's answers, and the judge's verdicts when it is on
    basis: str
    guardrail_usd: float = 0.0  # Bedrock Guardrails text units (coach and judge calls)

    @property
    def total_usd(self) -> float:
        return self.dynamodb_usd + self.bedrock_usd + self.guardrail_usd


def monthly_cost_estimate(
    store_kind: str = "dynamodb",
    *,
    read_units_per_load: float = 3.5,
    loads_per_day: float = 1.0,
    writes_per_day: float = 3.0,
    write_units_per_write: float = 1.0,
    reloads_per_write: float = 1.0,
    bedrock_calls_per_day: float | None = 1.0,
    commentary_write_units: float = 1.0,
    input_tokens: int = 407,
    output_tokens: int = 200,
    nudge_read_units_per_day: float = NUDGE_READ_UNITS_PER_DAY,
    nudge_write_units_per_day: float = NUDGE_WRITE_UNITS_PER_DAY,
    guardrail: bool = False,
    judge: bool = False,
) -> CostEstimate:
    """A typical user's month: one dashboard load and 3 new transactions a day, with the AI coach on.

    What the app does around a write counts too: a write invalidates the user's cached window,
    so the next page reads it again (`reloads_per_write`); the coach is asked again when the
    day's story changes (1 call in the measured user-day; `bedrock_calls_per_day=None` means one
    per load and per write, the "refresh always" rule), each answer saved once
    (`commentary_write_units`). The defaults are the measured figures of `make bench` (see
    bench/RESULTS.md); an embedded SQLite store costs nothing, so only Bedrock is counted there.
    The nudges (issue 18) add their own reads (the window, the channels, a share of the schedule
    slot Queries) and writes (a delivery record claimed and completed per nudge) every day; their
    words come from the offline voices, so they make no model calls.
    """
    calls = loads_per_day + writes_per_day if bedrock_calls_per_day is None else bedrock_calls_per_day
    loads = loads_per_day + writes_per_day * reloads_per_write
    ddb = 0.0
    if store_kind == "dynamodb":
        reads = read_units_per_load * loads * DAYS_PER_MONTH
        reads += nudge_read_units_per_day * DAYS_PER_MONTH
        writes = (writes_per_day * write_units_per_write + calls * commentary_write_units
                  + nudge_write_units_per_day) * DAYS_PER_MONTH
        ddb = reads * DDB_READ_USD_PER_MILLION / 1e6 + writes * DDB_WRITE_USD_PER_MILLION / 1e6
    per_call = input_tokens * NOVA_MICRO_INPUT_USD_PER_1K + output_tokens * NOVA_MICRO_OUTPUT_USD_PER_1K
    if judge:  # one verdict per answer
        per_call += (JUDGE_INPUT_TOKENS * NOVA_MICRO_INPUT_USD_PER_1K
                     + JUDGE_OUTPUT_TOKENS * NOVA_MICRO_OUTPUT_USD_PER_1K)
    bedrock = calls * DAYS_PER_MONTH * per_call / 1000
    guarded = 0.0
    if guardrail:
        all_three = GUARDRAIL_CONTENT_USD_PER_1K_UNITS + GUARDRAIL_TOPICS_USD_PER_1K_UNITS + \
            GUARDRAIL_GROUNDING_USD_PER_1K_UNITS
        units = GUARDRAIL_UNITS_PER_CALL * all_three
        if judge:
            units += JUDGE_GUARDRAIL_UNITS * (GUARDRAIL_CONTENT_USD_PER_1K_UNITS + GUARDRAIL_TOPICS_USD_PER_1K_UNITS)
        guarded = calls * DAYS_PER_MONTH * units / 1000
    basis = (
        f"{loads_per_day:g} dashboard load and {writes_per_day:g} new transactions a day, "
        f"{calls:g} coach calls a day"
        + (", nudges" if nudge_read_units_per_day or nudge_write_units_per_day else "")
        + ("; DynamoDB on-demand" if store_kind == "dynamodb" else "; embedded store is free")
        + ("; guardrail on each call" if guardrail else "") + ("; judge on each answer" if judge else "")
    )
    return CostEstimate(dynamodb_usd=ddb, bedrock_usd=bedrock, basis=basis, guardrail_usd=guarded)


# -- hosting: what the template runs, per month (US East list prices, as of HOSTING_PRICES_AS_OF) -----
# Not re-checked against the price pages in this repository's sessions (no internet here): check them
# before relying on a projection. bench/scale_cost.py turns them into a cost per user-month at scale.
HOSTING_PRICES_AS_OF = "2024-12-03"
HOURS_PER_MONTH = 730
FARGATE_VCPU_HOUR = 0.04048
FARGATE_GB_HOUR = 0.004445
ALB_HOUR = 0.0225
ALB_LCU_HOUR = 0.008
WAF_ACL_MONTH = 5.0
WAF_RULE_MONTH = 1.0
WAF_PER_MILLION_REQUESTS = 0.60
LAMBDA_PER_MILLION_REQUESTS = 0.20
LAMBDA_GB_SECOND = 0.0000166667
KMS_KEY_MONTH = 1.0
SECRETS_MANAGER_SECRET_MONTH = 0.40
LOGS_INGEST_PER_GB = 0.50


@dataclass(frozen=True)
class Fleet:
    """The assumptions that turn users into running infrastructure (stated, so they can be argued with)."""

    peak_share_online: float = 0.05  # of all users, the share with a tab open at the busiest hour
    average_to_peak: float = 0.4  # average running tasks over the day, relative to the peak
    sessions_per_task: int = 40  # one 1-vCPU / 2 GB task (the template's default SessionsPerTask)
    min_tasks: int = 1
    http_requests_per_user_day: float = 40.0  # page loads, static files and WebSocket upgrades through WAF
    lcu_per_1000_peak_sessions: float = 1.0
    job_actions_per_user_day: float = 6.0  # 2 nudges and 4 bank syncs
    job_seconds_per_action: float = 0.1
    job_lambda_gb: float = 0.5
    logs_gb_per_1000_users: float = 0.05
    secrets: int = 3
    waf_rules: int = 2


DEFAULT_FLEET = Fleet()


def hosting_month_usd(users: int, fleet: Fleet = DEFAULT_FLEET) -> dict[str, float]:
    """The template's fixed and shared costs for `users` users in one month, by part (USD)."""
    peak_sessions = users * fleet.peak_share_online
    peak_tasks = max(fleet.min_tasks, -(-int(peak_sessions) // fleet.sessions_per_task))
    avg_tasks = max(fleet.min_tasks, peak_tasks * fleet.average_to_peak)
    task_hour = 1 * FARGATE_VCPU_HOUR + 2 * FARGATE_GB_HOUR
    lcus = max(1.0, peak_sessions / 1000 * fleet.lcu_per_1000_peak_sessions * fleet.average_to_peak)
    requests = users * fleet.http_requests_per_user_day * DAYS_PER_MONTH
    job_actions = users * fleet.job_actions_per_user_day * DAYS_PER_MONTH
    ticks = DAYS_PER_MONTH * 24 * 12  # the schedule invokes the jobs function every 5 minutes
    return {
        "fargate": avg_tasks * task_hour * HOURS_PER_MONTH,
        "load_balancer": (ALB_HOUR + lcus * ALB_LCU_HOUR) * HOURS_PER_MONTH,
        "waf": WAF_ACL_MONTH + fleet.waf_rules * WAF_RULE_MONTH + requests / 1e6 * WAF_PER_MILLION_REQUESTS,
        "jobs_lambda": ticks / 1e6 * LAMBDA_PER_MILLION_REQUESTS
        + job_actions * fleet.job_seconds_per_action * fleet.job_lambda_gb * LAMBDA_GB_SECOND,
        "kms_and_secrets": KMS_KEY_MONTH + fleet.secrets * SECRETS_MANAGER_SECRET_MONTH,
        "logs": users / 1000 * fleet.logs_gb_per_1000_users * LOGS_INGEST_PER_GB,
    }
