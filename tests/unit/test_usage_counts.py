"""The usage panel's counts: every billed answer's tokens, and which check withheld an answer (issue 24)."""
from __future__ import annotations

from lib.coach.result import CoachResult
from lib.web.sidebar import count_result


def _counts() -> dict[str, int]:
    return {"input": 0, "output": 0, "calls": 0, "guardrail": 0, "judge": 0, "refused": 0}


def test_shown_withheld_and_cached_answers_are_counted_apart() -> None:
    counts = _counts()
    count_result(counts, CoachResult("ok", "bedrock", None, 400, 40, "m"))
    count_result(counts, CoachResult("offline", "offline", "n", 400, 12, "m", stop_reason="guardrail_intervened",
                                     findings=("guardrail intervened", "topic:Gambling")))
    count_result(counts, CoachResult("offline", "offline", "n", 700, 50, "m", findings=("judge refused", "R3"),
                                     judge_tokens=310))
    count_result(counts, CoachResult("offline", "offline", "n", 400, 40, "m", findings=("borrowing advice",)))
    count_result(counts, CoachResult("saved", "cache", None, 0, 0, "m"))  # no call, nothing billed
    count_result(counts, CoachResult("offline", "offline", None))  # the offline coach alone: no call
    count_result(counts, CoachResult("offline", "offline", "n", 400, 40, "m", outage=True))  # judge call failed
    assert counts == {"input": 2300, "output": 182, "calls": 5, "guardrail": 1, "judge": 1, "refused": 1}
