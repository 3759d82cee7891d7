"""The grounding check reads claims, not bare numbers: the case table, user strings, and number spellings."""
from __future__ import annotations

from decimal import Decimal

import pytest

from lib.coach.claims import mentions
from lib.coach.grounding import ungrounded_numbers
from tests.unit.grounding_cases import CASES, FACTS

TRUE = [(k, t) for k, t, ok in CASES if ok]
FALSE = [(k, t) for k, t, ok in CASES if not ok]


def test_the_table_is_big_enough_and_has_both_kinds() -> None:
    assert len(CASES) >= 100
    assert len(TRUE) >= 40 and len(FALSE) >= 40


@pytest.mark.parametrize(("facts", "text"), TRUE)
def test_a_true_claim_is_accepted(facts: str, text: str) -> None:
    assert ungrounded_numbers(text, FACTS[facts]) == []


@pytest.mark.parametrize(("facts", "text"), FALSE)
def test_a_false_claim_is_refused(facts: str, text: str) -> None:
    assert ungrounded_numbers(text, FACTS[facts]) != []


def test_a_user_string_is_a_span_not_a_licence_for_its_digits() -> None:
    f = FACTS["merchant999"]
    assert ungrounded_numbers("$89.99 at 999999, again.", f) == []
    assert ungrounded_numbers("You saved $999999.", f) == ["$999999"]
    assert ungrounded_numbers("9999990 days at it.", f) != []  # a longer number is not the merchant


@pytest.mark.parametrize(
    ("text", "kind", "values"),
    [
        ("1.234,50 €", "money", ["1234.50"]),
        ("€1 234.50", "money", ["1234.50"]),
        ("1'234.50 €", "money", ["1234.50"]),
        ("15,99 €", "money", ["15.99"]),
        ("$1,234", "money", ["1234"]),
        ("1.234 €", "money", ["1.234", "1234"]),
        ("three hundred euros", "money", ["300"]),
        ("a thousand dollars", "money", ["1000"]),
        ("forty-five percent", "pct", ["45"]),
        ("twenty-one days", "count", ["21"]),
        ("one and a half times", "ratio", ["1.5"]),
        ("twice", "ratio", ["2"]),
        ("$3.2k", "money", ["3200"]),
    ],
)
def test_number_spellings_are_read(text: str, kind: str, values: list[str]) -> None:
    [m] = mentions(text)
    assert m.kind == kind
    assert sorted(m.values) == sorted(Decimal(v) for v in values)


def test_dates_need_day_and_month_to_match() -> None:
    f = FACTS["known"]  # dates: today 20 Nov, splurge 17 Nov, payday 1 Dec, month end 30 Nov
    assert ungrounded_numbers("On 17 November you lost it.", f) == []
    assert ungrounded_numbers("On 17 December you lost it.", f) != []
    assert ungrounded_numbers("On 11/17 you lost it.", f) == []
    assert ungrounded_numbers("On 17/11 you lost it.", f) == []
    assert ungrounded_numbers("On 10/11 you lost it.", f) != []
