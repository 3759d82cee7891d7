"""The corpus of tests/fixtures/banks/ (40+ export layouts written from public format descriptions):
every file read with no flags, as a new user would, gives exactly its expected rows."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from lib.ingest.detect import detect_format, parse_file, parse_here

BANKS = Path(__file__).resolve().parents[1] / "fixtures" / "banks"
EXPECTED: dict[str, list[list[str]]] = json.loads((BANKS / "expected.json").read_text(encoding="utf-8"))
TODAY = dt.date(2025, 12, 15)


def test_the_corpus_has_the_layouts_the_issue_asks_for() -> None:
    kinds = Counter(detect_format((BANKS / name).read_bytes()) for name in EXPECTED)
    assert len(EXPECTED) >= 40
    assert kinds["ofx"] >= 12 and kinds["qif"] >= 8 and kinds["camt"] >= 6, kinds


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_layout_gives_exactly_its_expected_rows(name: str) -> None:
    result = parse_here((BANKS / name).read_bytes(), name, None, TODAY)
    assert result.date_question is None and result.sign_question is None, (result.date_question,
                                                                            result.sign_question)
    assert not result.errors, result.errors
    got = sorted((r.date.isoformat(), r.amount, r.description) for r in result.rows)
    want = sorted((d, Decimal(a), t) for d, a, t in EXPECTED[name])
    assert [(d, a) for d, a, _ in got] == [(d, a) for d, a, _ in want]
    for (_, _, description), (_, _, text) in zip(got, want, strict=True):
        assert text.casefold() in description.casefold(), (description, text)


@pytest.mark.parametrize("name", ["ofx03_no_header.ofx", "ofx09_elements_out_of_order.ofx",
                                  "qif05_with_investment_account.qif"])
def test_files_main_refused_are_read_through_the_worker(name: str) -> None:
    result = parse_file((BANKS / name).read_bytes(), name, None, TODAY)
    assert len(result.rows) == len(EXPECTED[name])


def test_what_was_left_out_is_counted_and_named() -> None:
    def detected(name: str) -> dict:
        return parse_here((BANKS / name).read_bytes(), name, None, TODAY).detected

    assert detected("csv03_card_app_state_pending.csv")["pending_skipped"] == 1
    assert detected("csv14_pending_flag_and_zero_hold.csv")["pending_skipped"] == 2
    assert detected("camt05_pending_entry.xml")["pending_skipped"] == 1
    assert detected("ofx16_pending_list_and_closing_tags.ofx")["pending_skipped"] == 1
    notes = detected("qif05_with_investment_account.qif")["notes"]
    assert "skipped 1 record of the investment account section" in notes
    assert detected("qif07_opening_balance.qif")["opening_balances_skipped"] == 1
    assert detected("qif06_category_and_memorised_lists.qif")["skipped_sections"] == {"cat": 2, "memorized": 1}
    assert detected("ofx07_two_accounts.ofx")["accounts"] == 2
    assert detected("ofx04_v2_xml.ofx")["covered_through"] == "2025-11-30"
    assert detected("camt06_two_statements.xml")["covered_through"] == "2025-11-30"
