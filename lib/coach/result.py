"""What every coach returns: the text, who produced it, why it fell back, and what it cost."""
from __future__ import annotations

from dataclasses import dataclass

SOURCES = ("bedrock", "offline", "cache")


@dataclass(frozen=True)
class CoachResult:
    """One commentary; `notice` is the short user-facing reason when the AI coach was not used."""

    text: str
    source: str  # "bedrock" | "offline" | "cache"
    notice: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = "offline"
    as_of: str | None = None  # set when an earlier take of today is reused: the time its numbers are from
    stop_reason: str | None = None  # the model's, e.g. "guardrail_intervened"
    outage: bool = False  # the offline coach spoke because Bedrock failed or is paused: ask again after the pause
    judge_tokens: int = 0  # of the tokens above, those the judge's call used (lib.coach.judge)
    findings: tuple[str, ...] = ()  # why a check refused the model's answer ("guardrail", "topic:Gambling", "judge")
