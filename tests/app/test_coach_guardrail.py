"""The sidebar when the Bedrock guardrail intervenes (issue 24): the offline coach speaks, nothing of the
blocked answer is shown, and the usage panel counts the intervention and bills its tokens."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from lib.coach.guardrail import BLOCKED_OUTPUT, STOP
from lib.core import clock


class InterveningRuntime:
    """bedrock-runtime whose guardrail blocks every answer: the blocked message, the stop reason, the trace."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def converse_stream(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        trace = {"guardrail": {"outputAssessments": {"gr-app": [
            {"topicPolicy": {"topics": [{"name": "Borrowing and credit", "type": "DENY", "action": "BLOCKED"}]}}]}}}
        return {"stream": [
            {"contentBlockDelta": {"delta": {"text": BLOCKED_OUTPUT}}},
            {"messageStop": {"stopReason": STOP}},
            {"metadata": {"usage": {"inputTokens": 300, "outputTokens": 12}, "trace": trace}},
        ]}


@pytest.fixture
def guarded_bedrock(monkeypatch: pytest.MonkeyPatch) -> InterveningRuntime:
    from lib.coach import bedrock as bedrock_module

    fake = InterveningRuntime()
    monkeypatch.setenv("FINANCE_BEDROCK", "true")
    monkeypatch.setenv("FINANCE_BEDROCK_MODEL", f"fake.model-{uuid.uuid4().hex[:8]}")  # the coach is cached per id
    monkeypatch.setenv("FINANCE_BEDROCK_GUARDRAIL_ID", "gr-app")
    monkeypatch.setenv("FINANCE_BEDROCK_GUARDRAIL_VERSION", "7")
    monkeypatch.setattr(bedrock_module, "make_bedrock_client", lambda region=None, session=None, **_: fake)
    return fake


def test_an_intervention_shows_the_offline_coach_and_is_counted(make_app, guarded_bedrock, store) -> None:
    from lib.core.models import validate_transaction

    user = f"gr{uuid.uuid4().hex[:8]}"
    today = clock.today()
    for ago, amount in ((0, "7.00"), (1, "31.00"), (2, "4.00")):
        store.add_transaction(validate_transaction(user, today - dt.timedelta(days=ago), amount, "Shopping"))
    at = make_app("dashboard", user=user).run()

    assert not at.exception
    [request] = guarded_bedrock.calls
    assert request["guardrailConfig"]["guardrailVersion"] == "7" and request["guardrailConfig"]["trace"] == "enabled"
    words = [t.value for t in at.sidebar.text]
    assert words and not any(BLOCKED_OUTPUT in w for w in words)
    [notice] = at.sidebar.warning
    assert "broke the coach's rules" in notice.value
    [panel] = at.sidebar.expander[0].markdown
    assert "- Bedrock: **1** calls, **300** input / **12** output tokens" in panel.value  # billed though withheld
    assert "**1** by the guardrail, **0** by the judge, **0** by the local checks" in panel.value
    assert "guardrail on each call" in panel.value  # the projection prices it
