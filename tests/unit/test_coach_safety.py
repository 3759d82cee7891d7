"""Safe in every tone: the content check refuses harmful answers, lets fair ones through, and the offline voices
never trip it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import pytest

from bench.coach_quality import user_days
from lib.coach import get_commentary, offline_commentary, stream_commentary
from lib.coach.bedrock import BedrockCoach
from lib.coach.safety import content_violations
from lib.coach.service import UNSAFE_NOTICE
from lib.core.models import TONES
from tests.unit.grounding_cases import FACTS
from tests.unit.harmful_answers import FAIR, HARMFUL

HARMFUL_CASES = [(tone, answer) for tone, answers in HARMFUL.items() for answer in answers]


class FakeRuntime:
    """bedrock-runtime's converse and converse_stream with one canned answer."""

    def __init__(self, answer: str):
        self.answer = answer
        self.calls = 0

    def converse(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        return {"output": {"message": {"content": [{"text": self.answer}]}}, "stopReason": "end_turn",
                "usage": {"inputTokens": 400, "outputTokens": 40}}

    def converse_stream(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        events: list[dict[str, Any]] = [{"contentBlockDelta": {"delta": {"text": w + " "}}}
                                        for w in self.answer.split(" ")]
        events += [{"messageStop": {"stopReason": "end_turn"}},
                   {"metadata": {"usage": {"inputTokens": 400, "outputTokens": 40}}}]
        return {"stream": events}


def test_there_are_at_least_forty_harmful_answers_across_the_tones() -> None:
    assert len(HARMFUL_CASES) >= 40
    assert set(HARMFUL) == set(TONES) and all(len(a) >= 13 for a in HARMFUL.values())


@pytest.mark.parametrize(("tone", "answer"), HARMFUL_CASES)
def test_a_harmful_answer_never_reaches_the_user(tone: str, answer: str, caplog: pytest.LogCaptureFixture) -> None:
    facts = dataclasses.replace(FACTS["known"], tone=tone)
    saved: list[Any] = []
    with caplog.at_level(logging.WARNING):
        result = get_commentary(facts, day=facts.day, bedrock=BedrockCoach(FakeRuntime(answer)), cached=None,
                                save=saved.append, user_id="demo")
    assert result.source == "offline" and result.notice == UNSAFE_NOTICE
    assert result.text == offline_commentary(facts, tone, facts.day)
    assert answer not in result.text
    [record] = [r for r in caplog.records if "content check" in r.getMessage()]
    assert record.unsafe and record.check == "unsafe"  # type: ignore[attr-defined]  # logged with the reason
    assert saved and saved[0].model.startswith("offline (unsafe answer of")  # not asked again today


@pytest.mark.parametrize("answer", FAIR)
def test_fair_tough_love_passes(answer: str) -> None:
    assert content_violations(answer) == []


def test_a_harmful_sentence_stops_a_stream_and_nothing_after_it_is_shown() -> None:
    facts = FACTS["known"]
    answer = "Demo, you spent $45.00 today. Take out a payday loan and relax. Your streak is 3 days."
    stream = stream_commentary(facts, day=facts.day, bedrock=BedrockCoach(FakeRuntime(answer)), cached=None,
                               save=None, user_id="demo")
    shown = "".join(stream)
    assert "payday loan" not in shown and "streak is 3" not in shown
    assert stream.result.source == "offline" and stream.result.notice == UNSAFE_NOTICE


def test_the_users_own_strings_are_data_not_advice() -> None:
    facts = dataclasses.replace(FACTS["known"], splurge_description="Lucky Bet Casino", top_category="Investments")
    assert content_violations("$89.99 at Lucky Bet Casino was a choice.", facts) == []
    assert content_violations("Investments is 45% of your spending.", facts) == []
    assert content_violations("Go to the casino and win it back.", facts) == ["gambling advice"]


def test_the_offline_voices_never_break_the_rules_over_many_user_days() -> None:
    days = user_days(n_users=3, days=30)
    extra = [dataclasses.replace(f, fixed_today=Decimal("950.00"), fixed_month=Decimal("1200.00"),
                                 unlogged_days=4, tracked_through=(f.day - dt.timedelta(days=4)).isoformat(),
                                 today_spent=Decimal(0), budget_style="rolling", allowance_today=Decimal("31.20"))
             for f in days[::5]]
    checked = 0
    for f in [*days, *extra]:
        for tone in TONES:
            for offset in (0, 1):
                text = offline_commentary(f, tone, f.day + dt.timedelta(days=offset))
                assert content_violations(text, f) == [], text
                checked += 1
    assert checked >= 600
