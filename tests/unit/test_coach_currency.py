"""Issue 25: the coach, its grounding check and the nudges with a home currency, written the reader's way."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from lib.coach import offline_commentary
from lib.coach.bedrock import prompt_data, system_prompt
from lib.coach.facts import Facts, facts_from_dict, facts_from_standing, facts_hash
from lib.coach.grounding import money_variants, ungrounded_numbers
from lib.core.models import TONES, Profile, Transaction
from lib.core.standing import standing_from_window
from lib.core.types import Window
from lib.notify import messages
from tests.unit.grounding_cases import FACTS, known

D = Decimal
NBSP = "\xa0"
TODAY = dt.date(2026, 12, 6)


def _window(currency: str = "EUR", locale: str = "de_DE", tone: str = "brutal") -> Window:
    profile = Profile("u", "Ute", daily_budget=D("1234.50"), monthly_salary=D("30000.00"), ai_tone=tone,
                      currency=currency, locale=locale)
    txns = [Transaction("u", TODAY - dt.timedelta(days=d), D("1500.25") if d % 3 else D("99.99"), "Food", "Lunch",
                        currency="USD") for d in range(0, 20)]
    return Window(profile, txns)


def _facts(currency: str = "EUR", locale: str = "de_DE", tone: str = "brutal") -> Facts:
    return facts_from_standing(standing_from_window(_window(currency, locale, tone), TODAY))


def test_the_home_currency_replaces_the_guessed_symbol() -> None:
    f = _facts()
    assert (f.currency, f.locale, f.currency_symbol) == ("EUR", "de_DE", "€")  # the USD rows no longer decide
    bare = _facts("", "de_DE")
    assert (bare.currency, bare.locale, bare.currency_symbol) == ("", "", "$")  # as before: the rows' code
    assert "currency" not in bare.to_dict() and "locale" not in bare.to_dict()  # old facts, old hash
    assert facts_from_dict(f.to_dict()) == f


@pytest.mark.parametrize("tone", TONES)
def test_offline_text_writes_euros_the_german_way_and_stays_grounded(tone: str) -> None:
    for back in range(10):
        f = _facts(tone=tone)
        day = TODAY - dt.timedelta(days=back)
        text = offline_commentary(f, tone, day)
        assert "€" in text and "$" not in text, text
        assert not re.search(r"\d,\d{3}\.\d\d", text), text  # no English "1,234.50"
        assert ungrounded_numbers(text, f) == [], text
    texts = " ".join(offline_commentary(_facts(tone=tone), tone, TODAY - dt.timedelta(days=b)) for b in range(10))
    assert re.search(r"\d\.\d{3},\d\d\xa0€", texts), texts  # thousands with a dot, cents with a comma


def test_offline_text_without_a_currency_is_unchanged() -> None:
    f = _facts("", "")
    text = offline_commentary(f, "brutal", TODAY)
    assert "$" in text and "€" not in text  # the rows' USD symbol, bare figures, as before issue 25
    assert re.search(r"\$\d[\d,]*\.\d\d", text)


@pytest.mark.parametrize(("written", "ok"), [
    (f"You are heading for 1.234,50{NBSP}€ this month.", True),
    ("You are heading for 1.234,50 € this month.", True),
    ("You are heading for 1.234,50 EUR this month.", True),
    ("You are heading for €1,234.50 this month.", True),
    ("You are heading for 1.234 € this month.", True),  # whole euros, as a reader rounds
    ("You are heading for 1.243,50 € this month.", False),
    ("You are heading for 4.321,50 € this month.", False),
])
def test_grounding_reads_locale_money(written: str, ok: bool) -> None:
    f = dataclasses.replace(known(currency="€"), month_projection=D("1234.50"), currency="EUR", locale="de_DE")
    assert (ungrounded_numbers(written, f) == []) is ok, ungrounded_numbers(written, f)


def test_grounding_reads_swiss_yen_and_dinar_amounts() -> None:
    swiss = dataclasses.replace(known(currency="CHF"), month_projection=D("1234.50"), currency="CHF", locale="fr_CH")
    assert ungrounded_numbers("You are heading for 1\u202f234,50\u00a0CHF this month.", swiss) == []
    assert ungrounded_numbers("You are heading for 1'234,50 CHF this month.", swiss) == []
    assert ungrounded_numbers("You are heading for CHF 1’234.50 this month.", swiss) == []
    yen = dataclasses.replace(known(currency="￥"), month_projection=D("1234.50"), currency="JPY", locale="ja_JP")
    assert ungrounded_numbers("You are heading for ￥1,234 this month.", yen) == []  # Babel's half-even
    assert ungrounded_numbers("You are heading for ￥1,299 this month.", yen) != []
    dinar = dataclasses.replace(known(currency="KWD"), month_projection=D("1234.50"), currency="KWD")
    assert ungrounded_numbers("You are heading for KWD1,234.500 this month.", dinar) == []


def test_money_variants_add_the_currencys_own_rounding() -> None:
    assert "1234" in money_variants(D("1234.50"), "JPY")  # half-even, as Babel writes yen
    assert money_variants(D("1234.50")) <= money_variants(D("1234.50"), "EUR")
    assert money_variants(D("12.25"), "JPY") >= {"12"}


def test_the_case_table_still_holds_without_a_currency() -> None:
    assert all(f.currency == "" for f in FACTS.values())


def test_bedrock_is_shown_the_readers_way_of_writing_money() -> None:
    f = _facts()
    data = prompt_data(f)
    assert data["money_example"] == f"1.234,50{NBSP}€" and data["currency"] == "EUR" and "locale" not in data
    assert "money_example" in system_prompt(f)
    assert "money_example" not in prompt_data(_facts("", ""))


def test_the_hash_of_facts_without_a_currency_did_not_change() -> None:
    f = _facts("", "")
    assert facts_hash(f) == facts_hash(dataclasses.replace(f, locale=""))
    assert facts_hash(_facts()) != facts_hash(dataclasses.replace(_facts(), currency="CHF"))


def test_a_nudge_with_a_home_currency_names_it_in_the_saved_locale() -> None:
    window = _window()
    y, s = standing_from_window(window, TODAY - dt.timedelta(days=1)), standing_from_window(window, TODAY)
    weekly = messages.weekly(s, window)
    morning = messages.morning(y, s)
    assert f"{NBSP}€" in weekly.body and "$" not in weekly.body, weekly
    assert re.search(r"\d\.\d{3},\d\d\xa0€", weekly.body + morning.body), (weekly, morning)
    assert len(weekly.body) <= messages.BODY_MAX
    plain = _window(currency="", locale="")
    ys, ss = standing_from_window(plain, TODAY - dt.timedelta(days=1)), standing_from_window(plain, TODAY)
    assert re.search(r"\$\d{1,3}(,\d{3})*\.\d\d", messages.morning(ys, ss).body + messages.weekly(ss, plain).body)
    # Hidden amounts stay hidden in any currency.
    hidden = messages.weekly(s, window, hide_amounts=True)
    assert "€" not in hidden.title + hidden.body
