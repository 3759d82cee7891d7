"""The number parser: plain digits within bounds, or a reason; never an exception from Decimal."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.core.errors import ValidationError
from lib.core.models import (
    CENT,
    MONEY_LIMIT,
    NAME_MAX,
    graphemes,
    parse_money,
    validate_profile,
    validate_transaction,
)


@settings(max_examples=500)
@given(st.text(max_size=60))
def test_any_text_parses_within_bounds_or_is_refused_with_a_reason(text: str) -> None:
    try:
        amount = parse_money(text)
    except ValidationError as exc:
        assert exc.errors["amount"]  # a reason, never a traceback
        return
    assert amount.is_finite() and abs(amount) < MONEY_LIMIT
    amount.quantize(CENT)  # the arithmetic every caller does next cannot overflow
    assert set(text.strip().replace(" ", "")) <= set("+-.0123456789")


@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2))
def test_plain_amounts_round_trip_exactly(amount: Decimal) -> None:
    if amount.is_zero() and amount.is_signed():
        return
    assert parse_money(str(amount)) == amount and str(parse_money(str(amount))) == str(amount)


@given(st.integers(min_value=1, max_value=10**6))
def test_exponents_are_refused_before_any_arithmetic(power: int) -> None:
    for text in (f"1e{power}", f"1E+{power}", f"-9.9e{power}"):
        with pytest.raises(ValidationError, match="without an exponent"):
            parse_money(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-0", "negative zero"),
        ("-0.00", "negative zero"),
        ("1_5", "underscores"),
        ("1_000.50", "underscores"),
        ("١٥", "digits 0-9"),
        ("１２", "digits 0-9"),
        ("9" * 33, "at most 32 characters"),
        ("9" * 16, "too large"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("12,50", "not a number"),
    ],
)
def test_tricky_numbers_are_refused_with_their_reason(text: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        parse_money(text)


@pytest.mark.parametrize("value", [Decimal("1e1000000"), Decimal("-1E+999999"), Decimal("NaN"), Decimal("-0")])
def test_decimal_input_is_bounded_too(value: Decimal) -> None:
    with pytest.raises(ValidationError):
        parse_money(value)


@pytest.mark.parametrize("field", ["daily_budget", "monthly_salary"])
@pytest.mark.parametrize("text", ["1e1000000", "-0", "1_5", "٣"])
def test_settings_refuse_wild_numbers_next_to_the_field(field: str, text: str) -> None:
    args = {"display_name": "Ann", "daily_budget": "20", "monthly_salary": "", "ai_tone": "brutal", field: text}
    with pytest.raises(ValidationError) as caught:
        validate_profile("ann", **args)
    assert set(caught.value.errors) == {field}


def test_an_amount_of_1e1000000_is_refused_not_overflowed() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_transaction("ann", "2026-01-02", "1e1000000")
    assert caught.value.errors["amount"].startswith("Amount must be written in plain digits")


@pytest.mark.parametrize("name", ["👨‍👩‍👧", "Zoë", "José 🇵🇹", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 fan", "李小龍", "👩🏽‍💻" * NAME_MAX])
def test_names_accept_every_printable_grapheme_including_joined_emoji(name: str) -> None:
    profile = validate_profile("ann", name, "20", "", "brutal")
    assert profile.display_name == name


@pytest.mark.parametrize("name", ["a\u202eb", "a\u200bb", "bad\x07name", "line\nbreak"])
def test_names_with_invisible_or_control_characters_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="printable"):
        validate_profile("ann", name, "20", "", "brutal")


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=NAME_MAX + 1, max_size=80))
def test_an_over_long_name_says_its_limit_instead_of_being_cut(name: str) -> None:
    count = len(graphemes(name.strip()))
    if count <= NAME_MAX or not name.strip():
        return
    with pytest.raises(ValidationError, match=f"at most {NAME_MAX} characters \\(it has {count}\\)"):
        validate_profile("ann", name, "20", "", "brutal")


def test_over_long_descriptions_and_categories_say_their_limit() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_transaction("ann", "2026-01-02", "1.00", "c" * 41, "d" * 201)
    assert caught.value.errors == {
        "category": "Category must be at most 40 characters (it has 41).",
        "description": "Description must be at most 200 characters (it has 201).",
    }
