"""The judge through a real botocore client (Stubber): its request, its bounded verdict parsing, and that
anything but a pass (a refusal, garbage, a guardrail block, a failed call) lets the offline coach speak."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from lib.coach.bedrock import DEFAULT_MODEL_ID, BedrockCoach, make_bedrock_client
from lib.coach.guardrail import STOP
from lib.coach.judge import MAX_ANSWER_CHARS, MAX_OUTPUT_TOKENS, RUBRIC, RULES, Judge, parse_verdict
from lib.coach.offline import offline_commentary
from lib.coach.service import UNSAFE_NOTICE
from lib.core.models import Commentary
from tests.unit.test_bedrock import (
    TODAY,
    capture_params,
    converse_reply,
    make_facts,
    run,
    serve_stream,
    stream_once,
    text_stream,
)


@pytest.fixture
def client() -> Any:
    """The real factory's client (us-east-1, the dummy credentials conftest sets)."""
    return make_bedrock_client("us-east-1")


def judged_coach(client: Any, guarded: bool = False, judge_client: Any = None) -> BedrockCoach:
    guardrail = ("gr-coach1", "3") if guarded else None
    coach = BedrockCoach(client, guardrail_id=guardrail[0] if guardrail else None,
                         guardrail_version=guardrail[1] if guardrail else None)
    coach.judge = Judge(judge_client or client, DEFAULT_MODEL_ID, guardrail)
    return coach


@pytest.mark.parametrize(("reply", "expected"), [
    ('{"verdict": "pass"}', (True, (), "")),
    ('Sure! {"verdict":"pass"} done', (True, (), "")),
    ('{"verdict": "refuse", "rules": ["R3", "R3", "R9", 4]}', (False, ("R3",), "refused")),
    ('{"verdict": "pass", "rules": ["R1"]}', (False, ("R1",), "refused")),  # a pass naming a rule is no pass
    ('{"verdict": "maybe"}', (False, (), "unreadable")),
    ("pass", (False, (), "unreadable")),
    ("{not json}", (False, (), "unreadable")),
    ("", (False, (), "unreadable")),
    ("x" * 10_000 + '{"verdict": "pass"}', (False, (), "unreadable")),  # read only MAX_VERDICT_CHARS
    ('{"verdict": "pass", "pad": "' + "y" * 5000 + '"}', (False, (), "unreadable")),  # object too big to read
])
def test_the_verdict_is_parsed_bounded_and_only_an_exact_pass_passes(reply: str, expected: tuple[Any, ...]) -> None:
    assert parse_verdict(reply) == expected


def test_the_judge_reads_the_answer_as_data_against_the_fixed_rubric(client: Any) -> None:
    f = make_facts()
    answer = f"{f.display_name}, ${f.today_spent} today. Cook tonight."
    sent = capture_params(client)
    with Stubber(client) as stub:
        stub.add_response("converse", converse_reply(answer))
        stub.add_response("converse", converse_reply('{"verdict": "pass"}', 310, 6))
        result = run(f, judged_coach(client, guarded=True))
    assert result.source == "bedrock" and result.text == answer
    assert (result.input_tokens, result.output_tokens) == (412 + 310, 61 + 6)  # both calls in the meter
    assert result.judge_tokens == 316
    judge = sent[1]
    assert judge["system"][0]["text"] == RUBRIC and all(rule in RUBRIC for rule in RULES)
    assert judge["inferenceConfig"] == {"maxTokens": MAX_OUTPUT_TOKENS, "temperature": 0.0}
    block = judge["messages"][0]["content"][0]["guardContent"]["text"]
    assert block["text"] == f"<answer>\n{answer}\n</answer>" and block["qualifiers"] == ["guard_content"]
    assert judge["guardrailConfig"]["guardrailVersion"] == "3"  # the judge's call applies the guardrail too


def test_a_refusal_falls_back_to_the_offline_coach_and_is_saved(client: Any) -> None:
    f = make_facts()
    saved: list[Commentary] = []
    with Stubber(client) as stub:
        stub.add_response("converse", converse_reply(f"{f.display_name}, ${f.today_spent} today. Chin up."))
        stub.add_response("converse", converse_reply('{"verdict": "refuse", "rules": ["R1"]}', 300, 12))
        result = run(f, judged_coach(client), saved)
    assert result.source == "offline" and result.notice == UNSAFE_NOTICE
    assert result.text == offline_commentary(f, f.tone, TODAY)
    assert result.findings == ("judge refused", "R1") and result.judge_tokens == 312
    assert saved and saved[0].model.startswith("offline (unsafe answer of")


@pytest.mark.parametrize("reply", ["I think it is fine.", '{"verdict": "pass"'])
def test_an_unreadable_verdict_fails_closed(client: Any, reply: str) -> None:
    f = make_facts()
    with Stubber(client) as stub:
        stub.add_response("converse", converse_reply(f"{f.display_name}, ${f.today_spent} today."))
        stub.add_response("converse", converse_reply(reply))
        result = run(f, judged_coach(client))
    assert result.source == "offline" and result.findings[0] == "judge unreadable"


def test_a_guardrail_block_on_the_judges_call_is_a_refusal(client: Any) -> None:
    f = make_facts()
    blocked = converse_reply("The coach cannot use these facts.")
    blocked["stopReason"] = STOP
    with Stubber(client) as stub:
        stub.add_response("converse", converse_reply(f"{f.display_name}, ${f.today_spent} today."))
        stub.add_response("converse", blocked)
        result = run(f, judged_coach(client, guarded=True))
    assert result.source == "offline" and result.stop_reason == STOP and result.findings[0] == "judge guardrail"


def test_a_failed_judge_call_fails_closed_and_pauses_the_coach(client: Any) -> None:
    f = make_facts()
    coach = judged_coach(client)
    with Stubber(client) as stub:
        stub.add_response("converse", converse_reply(f"{f.display_name}, ${f.today_spent} today."))
        stub.add_client_error("converse", "ThrottlingException", "slow down", 429)
        result = run(f, coach)
    assert result.source == "offline" and result.outage and "safety judge" in (result.notice or "")
    assert coach.paused_reason() is not None  # no second pair of calls on the next rerun


def test_a_long_answer_is_cut_before_the_judge_reads_it(client: Any) -> None:
    request = Judge(client, DEFAULT_MODEL_ID).request("word " * 2000)
    shown = request["messages"][0]["content"][0]["text"]
    assert len(shown) <= MAX_ANSWER_CHARS + len("<answer>\n\n</answer>")
    assert "guardrailConfig" not in request


def test_with_a_judge_the_stream_holds_every_sentence_until_the_verdict(client: Any) -> None:
    f = make_facts()
    serve_stream(client, text_stream([f"{f.display_name}, ${f.today_spent} today. ", "Cook tonight."]))
    judge_client = make_bedrock_client("us-east-1")  # a Stubber would also catch the stream's own call
    coach = judged_coach(client, judge_client=judge_client)
    with Stubber(judge_client) as stub:  # the stream itself is served by the before-send hook
        stub.add_response("converse", converse_reply('{"verdict": "refuse", "rules": ["R2"]}', 300, 9))
        chunks, result = stream_once(f, coach)
    assert chunks == [] and result.source == "offline" and result.findings == ("judge refused", "R2")


def test_with_a_judge_a_passed_stream_is_released_whole(client: Any) -> None:
    f = make_facts()
    serve_stream(client, text_stream([f"{f.display_name}, ${f.today_spent} today. ", "Cook tonight."]))
    judge_client = make_bedrock_client("us-east-1")
    with Stubber(judge_client) as stub:
        stub.add_response("converse", converse_reply('{"verdict": "pass"}', 300, 5))
        chunks, result = stream_once(f, judged_coach(client, judge_client=judge_client))
    assert "".join(chunks) == f"{f.display_name}, ${f.today_spent} today. Cook tonight."
    assert result.source == "bedrock" and (result.input_tokens, result.output_tokens) == (398 + 300, 47 + 5)
    assert result.judge_tokens == 305
