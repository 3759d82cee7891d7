"""One typical user-day through the real app on dynalite, with the AI coach on (a fake Bedrock):
open the dashboard, go to Transactions, add 3 transactions. Counts what the cost model assumes:
store reads and writes, read and write units, and coach calls.
"""
from __future__ import annotations

import os
from typing import Any

import lib.coach.bedrock as bedrock_module
from bench.app_pages import DASHBOARD, USER, AppHarness, app_store, clear_caches, run
from lib.coach.bedrock import estimate_tokens

TRANSACTIONS_PAGE = "pages/1_Transactions.py"
ADDS = 3
ANSWER = "Put the card down and walk away."  # no numbers, so the grounding check lets it through


class FakeBedrock:
    """A bedrock-runtime client that answers every Converse call and counts them."""

    def __init__(self) -> None:
        self.calls = 0

    def _usage(self, request: dict[str, Any]) -> dict[str, int]:
        text = request["system"][0]["text"] + request["messages"][0]["content"][0]["text"]
        return {"inputTokens": estimate_tokens(text), "outputTokens": estimate_tokens(ANSWER)}

    def converse_stream(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        events = [
            {"contentBlockDelta": {"delta": {"text": ANSWER}}},
            {"messageStop": {"stopReason": "end_turn"}},
            {"metadata": {"usage": self._usage(request)}},
        ]
        return {"stream": iter(events)}

    def converse(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        return {"output": {"message": {"content": [{"text": ANSWER}]}}, "usage": self._usage(request)}


def _button(at: Any, label: str) -> Any:
    for button in at.button:
        if button.label == label:
            return button
    raise RuntimeError(f"no '{label}' button on the page")


def user_day(h: AppHarness, table: str) -> dict[str, Any]:
    """Dashboard once, then 3 manual adds on the Transactions page, in one fresh session."""
    url = f"dynamodb://{table}"
    fake = FakeBedrock()
    original = bedrock_module.make_bedrock_client
    bedrock_module.make_bedrock_client = lambda region=None, session=None: fake
    os.environ["FINANCE_BEDROCK"] = "1"
    try:
        h.use_store(url)
        clear_caches()
        store = app_store(url)
        before = store.meter.for_user(USER)
        at = run(h.app(DASHBOARD))
        after_open = fake.calls
        at.switch_page(TRANSACTIONS_PAGE)
        run(at)
        for n in range(ADDS):
            at.text_input(key="add_amount").input(f"{3 + n}.50")
            at.text_input(key="add_description").input(f"Coffee {n + 1}")
            _button(at, "Add transaction").click()
            run(at)
        used = store.meter.for_user(USER).minus(before)
    finally:
        bedrock_module.make_bedrock_client = original
        os.environ.pop("FINANCE_BEDROCK", None)
        clear_caches()
    return {
        "adds": ADDS,
        "reads": used.reads,
        "writes": used.writes,
        "read_units": used.read_units,
        "write_units": used.write_units,
        "coach_calls": fake.calls,
        "coach_calls_on_open": after_open,
    }
