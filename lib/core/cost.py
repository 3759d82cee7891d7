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
    """
    calls = loads_per_day + writes_per_day if bedrock_calls_per_day is None else bedrock_calls_per_day
    loads = loads_per_day + writes_per_day * reloads_per_write
    ddb = 0.0
    if store_kind == "dynamodb":
        reads = read_units_per_load * loads * DAYS_PER_MONTH
        writes = (writes_per_day * write_units_per_write + calls * commentary_write_units) * DAYS_PER_MONTH
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
        + ("; DynamoDB on-demand" if store_kind == "dynamodb" else "; embedded store is free")
        + ("; guardrail on each call" if guardrail else "") + ("; judge on each answer" if judge else "")
    )
    return CostEstimate(dynamodb_usd=ddb, bedrock_usd=bedrock, basis=basis, guardrail_usd=guarded)
