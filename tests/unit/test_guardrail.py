"""The Bedrock guardrail through a real botocore client (Stubber for converse, framed event streams for
converse_stream): what every request carries, what an intervention does, and the hosted startup rule."""
from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

import pytest
from botocore.stub import Stubber

from lib.coach.bedrock import QUERY, BedrockCoach, coach_from_settings, make_bedrock_client
from lib.coach.guardrail import (
    BLOCKED_OUTPUT,
    MAX_FINDINGS,
    NO_GUARDRAIL,
    STOP,
    UnguardedError,
    guardrail_problems,
    intervention,
    require_guardrail,
)
from lib.coach.offline import offline_commentary
from lib.coach.service import UNSAFE_NOTICE
from lib.config import Settings, load_settings
from lib.core.models import Commentary
from tests.unit.test_bedrock import (
    TODAY,
    capture_params,
    converse_reply,
    event,
    make_facts,
    run,
    serve_stream,
    stream_once,
)


@pytest.fixture
def client() -> Any:
    """The real factory's client (us-east-1, the dummy credentials conftest sets)."""
    return make_bedrock_client("us-east-1")


GUARDED = {"guardrail_id": "gr-coach1", "guardrail_version": "3"}


def trace(topics: list[str], filters: list[str], grounding: list[str] | None = None) -> dict[str, Any]:
    """A guardrail trace as Converse returns it: output assessments per guardrail id."""
    assessment: dict[str, Any] = {
        "topicPolicy": {"topics": [{"name": t, "type": "DENY", "action": "BLOCKED"} for t in topics]},
        "contentPolicy": {"filters": [{"type": f, "confidence": "HIGH", "action": "BLOCKED"} for f in filters]},
    }
    if grounding:
        assessment["contextualGroundingPolicy"] = {"filters": [
            {"type": g, "threshold": 0.5, "score": 0.1, "action": "BLOCKED"} for g in grounding]}
    return {"guardrail": {"inputAssessment": {}, "outputAssessments": {"gr-coach1": [assessment]}}}


def test_every_request_applies_the_guardrail_with_its_version_and_the_facts_as_grounding_source(client: Any) -> None:
    f = make_facts()
    sent = capture_params(client)
    with Stubber(client) as stub:  # botocore validates the request against the service model before the stub
        stub.add_response("converse", converse_reply(f"{f.display_name}, ${f.today_spent} today."))
        result = run(f, BedrockCoach(client, **GUARDED))
    assert result.source == "bedrock"
    request = sent[0]
    assert request["guardrailConfig"] == {"guardrailIdentifier": "gr-coach1", "guardrailVersion": "3",
                                          "trace": "enabled"}
    [source, query] = request["messages"][0]["content"]
    assert source["guardContent"]["text"]["qualifiers"] == ["grounding_source"]
    data = source["guardContent"]["text"]["text"]
    assert data.startswith("<data>\n") and data.endswith("</data>")
    assert json.loads(data.split("\n")[1])["today_spent"] == str(f.today_spent)
    assert query["guardContent"]["text"] == {"text": QUERY, "qualifiers": ["query"]}


def test_without_a_guardrail_the_request_is_plain_text(client: Any) -> None:
    request = BedrockCoach(client).request(make_facts())
    assert "guardrailConfig" not in request
    assert "text" in request["messages"][0]["content"][0]


def test_an_intervention_falls_back_is_logged_with_its_trace_and_is_not_asked_again(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    f = make_facts()
    reply = converse_reply(BLOCKED_OUTPUT)
    reply["stopReason"] = STOP
    reply["trace"] = trace(["Gambling"], ["INSULTS"])
    saved: list[Commentary] = []
    with Stubber(client) as stub, caplog.at_level(logging.WARNING):
        stub.add_response("converse", reply)
        result = run(f, BedrockCoach(client, **GUARDED), saved)
    assert result.source == "offline" and result.notice == UNSAFE_NOTICE
    assert result.text == offline_commentary(f, f.tone, TODAY) and BLOCKED_OUTPUT not in result.text
    assert result.stop_reason == STOP  # what the usage panel counts
    assert result.findings == ("guardrail intervened", "topic:Gambling", "content:INSULTS")
    assert (result.input_tokens, result.output_tokens) == (412, 61)  # billed even when withheld
    [record] = [r for r in caplog.records if "content check" in r.getMessage()]
    assert record.unsafe == ["guardrail intervened", "topic:Gambling", "content:INSULTS"]  # type: ignore[attr-defined]
    assert saved and saved[0].model.startswith("offline (unsafe answer of")


def test_a_streamed_intervention_shows_nothing_of_the_blocked_message(client: Any) -> None:
    f = make_facts()
    frames = [
        event("messageStart", {"role": "assistant"}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": BLOCKED_OUTPUT}}),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": STOP}),
        event("metadata", {"usage": {"inputTokens": 400, "outputTokens": 12, "totalTokens": 412},
                           "metrics": {"latencyMs": 300}, "trace": trace(["Self-harm"], [], ["GROUNDING"])}),
    ]
    serve_stream(client, frames)
    chunks, result = stream_once(f, BedrockCoach(client, **GUARDED))
    assert chunks == []  # the blocked message is recognised, never released as a sentence
    assert result.source == "offline" and result.notice == UNSAFE_NOTICE and result.stop_reason == STOP
    assert "topic:Self-harm" in result.findings and "grounding:GROUNDING" in result.findings


def test_a_streamed_request_is_guarded_synchronously(client: Any) -> None:
    request = BedrockCoach(client, **GUARDED).request(make_facts(), stream=True)
    assert request["guardrailConfig"]["streamProcessingMode"] == "sync"
    assert request["guardrailConfig"]["trace"] == "enabled"


@pytest.mark.parametrize("garbage", [None, "text", 42, [], {"outputAssessments": "x"},
                                     {"inputAssessment": {"g": "x"}, "outputAssessments": {"g": [1, None, "y"]}}])
def test_an_unreadable_trace_gives_no_findings(garbage: Any) -> None:
    assert intervention(garbage) == []


def test_a_huge_or_hostile_trace_is_read_bounded_and_plain() -> None:
    many = trace([f"Topic {i}" for i in range(500)], ["INSULTS"] * 500)
    assert len(intervention(many["guardrail"])) <= MAX_FINDINGS
    hostile = trace(["<script>alert(1)</script>" + "x" * 5000], [])
    [finding] = intervention(hostile["guardrail"])
    assert "<" not in finding and len(finding) < 80


def _hosted(**changes: Any) -> Settings:
    return dataclasses.replace(Settings(env="hosted", bedrock_enabled=True), **changes)


def test_hosted_on_bedrock_without_a_guardrail_refuses_to_start() -> None:
    assert guardrail_problems(_hosted()) == [NO_GUARDRAIL]
    assert "FINANCE_BEDROCK_GUARDRAIL_ID" in NO_GUARDRAIL and "FINANCE_BEDROCK_ALLOW_UNGUARDED" in NO_GUARDRAIL
    with pytest.raises(UnguardedError):
        require_guardrail(_hosted())
    assert guardrail_problems(_hosted(bedrock_guardrail_id="gr-1")) == []
    assert guardrail_problems(_hosted(bedrock_enabled=False)) == []  # the offline coach needs none
    assert guardrail_problems(Settings(env="local", bedrock_enabled=True)) == []  # a laptop may try without


def test_the_override_starts_but_says_so_loudly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert guardrail_problems(_hosted(bedrock_allow_unguarded=True)) == []
    assert any("WITHOUT A GUARDRAIL" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_the_settings_read_the_override_and_the_judge_switch() -> None:
    env = {"FINANCE_ENV": "hosted", "FINANCE_BEDROCK": "1", "FINANCE_BEDROCK_ALLOW_UNGUARDED": "1"}
    s = load_settings(secrets={}, environ=env)
    assert s.bedrock_allow_unguarded and s.bedrock_judge  # the judge is on by default when hosted
    assert not load_settings(secrets={}, environ={**env, "FINANCE_BEDROCK_JUDGE": "0"}).bedrock_judge
    assert not load_settings(secrets={}, environ={}).bedrock_judge  # off on a laptop by default
    assert load_settings(secrets={"bedrock": {"judge": True}}, environ={}).bedrock_judge


def test_the_web_startup_check_and_the_api_refuse_without_a_guardrail() -> None:
    from lib.api import build_default_app
    from lib.web.auth import AuthConfig, startup_problems

    settings = _hosted(login="oidc", store_url="sqlite:///:memory:")
    assert NO_GUARDRAIL in startup_problems(settings, AuthConfig(), "0.0.0.0", {})
    with pytest.raises(UnguardedError):
        build_default_app(settings)


def test_the_coach_built_from_settings_carries_guardrail_and_judge() -> None:
    coach = coach_from_settings(_hosted(bedrock_region="us-east-1", bedrock_guardrail_id="gr-9",
                                        bedrock_guardrail_version="2"))
    assert coach.guardrail == ("gr-9", "2")
    assert coach.judge is not None and coach.judge.guardrail == ("gr-9", "2")
    assert coach_from_settings(_hosted(bedrock_region="us-east-1", bedrock_guardrail_id="gr-9",
                                       bedrock_judge_setting=False)).judge is None
    with pytest.raises(UnguardedError):  # the one builder every caller uses (sidebar, API, CLI) refuses
        coach_from_settings(_hosted(bedrock_region="us-east-1"))
    assert coach_from_settings(_hosted(bedrock_region="us-east-1", bedrock_allow_unguarded=True)).guardrail is None
