"""The Bedrock guardrail as the coach uses it: what each request carries, what an intervention says,
and the startup rule that a hosted coach on Bedrock never speaks without one.

The guardrail itself is created by deploy/template.yaml (content filters, denied topics, the
contextual grounding check); its id and version reach the app as FINANCE_BEDROCK_GUARDRAIL_ID and
FINANCE_BEDROCK_GUARDRAIL_VERSION. For the grounding check the facts go in as the grounding source
and the instruction as the query (Converse guardContent blocks), so the guardrail can tell an answer
that invents a figure from one that reads the data.
"""
from __future__ import annotations

import logging
from typing import Any

from lib.core.errors import FinanceError

log = logging.getLogger(__name__)


class UnguardedError(FinanceError):
    """A hosted coach on Bedrock was asked to start without a guardrail (and no override was set)."""

STOP = "guardrail_intervened"
MAX_FINDINGS = 8  # a trace names at most this many findings in a log line or a notice
_NAME_MAX = 60

# What the guardrail says instead of a blocked input or answer (deploy/template.yaml sets the same words, checked
# by tests/api/test_deploy.py): a streamed sentence equal to one of these is an intervention, never shown.
BLOCKED_INPUT = "The coach cannot use these facts."
BLOCKED_OUTPUT = "The coach's answer was withheld by its guardrail."
BLOCKED = (BLOCKED_INPUT, BLOCKED_OUTPUT)

NO_GUARDRAIL = (
    "The coach runs on Amazon Bedrock in a hosted deployment, but no Bedrock guardrail is set: set "
    "FINANCE_BEDROCK_GUARDRAIL_ID and FINANCE_BEDROCK_GUARDRAIL_VERSION (or [bedrock] guardrail_id and "
    "guardrail_version in secrets.toml) to the guardrail deploy/template.yaml creates (its outputs "
    "GuardrailId and GuardrailVersion). To run without one anyway, set FINANCE_BEDROCK_ALLOW_UNGUARDED=1; "
    "that is logged as a warning at every start."
)


def guardrail_problems(settings: Any) -> list[str]:
    """Why this deployment must not start (empty when it may): hosted + Bedrock + no guardrail, unless overridden."""
    if not (settings.is_hosted and settings.bedrock_enabled) or settings.bedrock_guardrail_id:
        return []
    if settings.bedrock_allow_unguarded:
        log.warning(
            "HOSTED COACH ON BEDROCK WITHOUT A GUARDRAIL: FINANCE_BEDROCK_ALLOW_UNGUARDED overrides the startup check; "
            "only the local fence stands between the model and the user",
            extra={"model": settings.bedrock_model_id, "override": "FINANCE_BEDROCK_ALLOW_UNGUARDED"},
        )
        return []
    return [NO_GUARDRAIL]


def require_guardrail(settings: Any) -> None:
    """Raise UnguardedError when guardrail_problems finds one (the API's and the worker's startup check)."""
    problems = guardrail_problems(settings)
    if problems:
        raise UnguardedError(problems[0])


def request_config(identifier: str, version: str, *, stream: bool) -> dict[str, Any]:
    """The guardrailConfig of a Converse (or ConverseStream) request: with its version and the trace on."""
    config: dict[str, Any] = {"guardrailIdentifier": identifier, "guardrailVersion": version, "trace": "enabled"}
    if stream:  # sync: the guardrail sees each chunk before it is sent, so nothing unchecked streams
        config["streamProcessingMode"] = "sync"
    return config


def guarded_content(data: str, query: str) -> list[dict[str, Any]]:
    """The user turn as guardContent blocks: the facts are the grounding source, the instruction the query."""
    return [
        {"guardContent": {"text": {"text": data, "qualifiers": ["grounding_source"]}}},
        {"guardContent": {"text": {"text": query, "qualifiers": ["query"]}}},
    ]


def _name(value: Any) -> str:
    return "".join(ch for ch in str(value) if ch.isalnum() or ch in " _-")[:_NAME_MAX] or "?"


def _findings(assessment: Any) -> list[str]:
    """What one assessment blocked, as "policy:name" strings (bounded, plain characters only)."""
    found: list[str] = []
    if not isinstance(assessment, dict):
        return found
    groups = (
        ("topic", assessment.get("topicPolicy", {}), "topics", "name"),
        ("content", assessment.get("contentPolicy", {}), "filters", "type"),
        ("word", assessment.get("wordPolicy", {}), "customWords", "match"),
        ("grounding", assessment.get("contextualGroundingPolicy", {}), "filters", "type"),
    )
    for policy, body, key, field in groups:
        items = body.get(key, []) if isinstance(body, dict) else []
        for item in items[:MAX_FINDINGS] if isinstance(items, list) else []:
            if isinstance(item, dict) and str(item.get("action", "BLOCKED")).upper() != "NONE":
                found.append(f"{policy}:{_name(item.get(field))}")
    return found


def intervention(trace: Any) -> list[str]:
    """The findings of a guardrail trace (Converse's response["trace"]["guardrail"]), deduplicated, at most
    MAX_FINDINGS; an unreadable trace gives []. Used in the log line and the rejection's reasons."""
    if not isinstance(trace, dict):
        return []
    found: list[str] = []
    inputs = trace.get("inputAssessment")
    for assessment in list(inputs.values())[:MAX_FINDINGS] if isinstance(inputs, dict) else []:
        found += _findings(assessment)
    outputs = trace.get("outputAssessments")
    for assessments in list(outputs.values())[:MAX_FINDINGS] if isinstance(outputs, dict) else []:
        for assessment in assessments[:MAX_FINDINGS] if isinstance(assessments, list) else []:
            found += _findings(assessment)
    return list(dict.fromkeys(found))[:MAX_FINDINGS]
