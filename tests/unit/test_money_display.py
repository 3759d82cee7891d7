"""Issue 25, the display side: one MoneyFormat writes every amount a reader sees, in their locale (Babel)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from lib.core import writes
from lib.core.models import Profile, Transaction
from lib.core.money import BARE, MoneyFormat, clean_locale, home_symbol, money_format
from lib.core.standing import standing_from_window
from lib.core.types import Window
from lib.web import dashboard_charts as charts
from lib.web import views
from tests.svg_text import texts

D = Decimal
NBSP = "\xa0"


@pytest.mark.parametrize(("currency", "locale", "written"), [
    ("USD", "en_US", "$1,234.50"),
    ("EUR", "en_US", "€1,234.50"),
    ("EUR", "de_DE", f"1.234,50{NBSP}€"),
    ("CHF", "fr_CH", f"1'234,50{NBSP}CHF"),
    ("EUR", "fr_CH", f"1'234,50{NBSP}€"),
    ("JPY", "ja_JP", "￥1,234"),  # no minor unit: 1234.50 rounds half-even to 1234
    ("JPY", "de_DE", f"1.234{NBSP}¥"),
    ("KWD", "en_US", "KWD1,234.500"),  # three decimals
    ("EUR", "ja_JP", "€1,234.50"),
])
def test_an_amount_is_written_the_readers_way(currency: str, locale: str, written: str) -> None:
    assert money_format(currency, locale).amount(D("1234.50")) == written
    assert money_format(currency, locale).cents(123450) == written


def test_minor_units_come_from_the_currency_never_a_hard_two() -> None:
    assert money_format("JPY", "en_US").cents(123451) == "¥1,235"
    assert money_format("KWD", "en_US").amount(D("1.2345")) == "KWD1.234"  # half-even to 3 places
    assert money_format("BHD", "en_US").amount(D("5")) == "BHD5.000"
    assert money_format("EUR", "de_DE").cents(-500) == f"-5,00{NBSP}€"


def test_without_a_home_currency_the_figures_are_exactly_the_old_ones() -> None:
    for cents in (0, 5, 123450, -123450, 100_000_000):
        assert BARE.cents(cents) == f"{Decimal(cents).scaleb(-2):,.2f}" == views.fmt(cents)
    assert BARE.cents(None) == "—"
    # The coach's and the nudges' old prefix (the transactions' most common code) stays until a currency is picked.
    assert MoneyFormat(symbol="$").amount(D("12.5")) == "$12.50"
    assert money_format("", "de_DE", "€").amount(D("1234.5")) == "€1,234.50"
    assert BARE.text("1234.50") == "1234.50" and BARE.text(None) == "None"  # the CLI's text, untouched


def test_a_browser_tag_becomes_a_babel_locale_or_nothing() -> None:
    assert clean_locale("de-DE") == "de_DE"
    assert clean_locale("fr_CH") == "fr_CH"
    assert clean_locale("ja") == "ja"
    for bad in ("", None, "xx-YY", "de-DE; DROP TABLE", "a" * 200, "../../etc"):
        assert clean_locale(bad) == ""
    assert money_format("EUR", "xx-YY").locale == "en_US"  # unknown: en_US, never a crash


def test_chart_axes_and_symbols_follow_the_locale() -> None:
    de = money_format("EUR", "de_DE")
    assert de.affixes() == ("", f"{NBSP}€") and de.separators() == ",."
    assert money_format("USD", "en_US").affixes() == ("$", "")
    assert money_format("CHF", "fr_CH").separators() == ",'"
    assert home_symbol("EUR", "de_DE") == "€" and home_symbol("", "de_DE") == ""
    assert money_format("JPY", "ja_JP").sign == "￥"


def test_the_cli_text_writes_json_money_strings_the_readers_way() -> None:
    de = money_format("EUR", "de_DE")
    assert de.text("1234.50") == f"1.234,50{NBSP}€"
    assert de.text(None) == "None"


TODAY = dt.date(2026, 12, 10)


def _window(currency: str, locale: str = "") -> Window:
    profile = Profile("u", "U", daily_budget=D("1234.50"), currency=currency, locale=locale)
    txns = [Transaction("u", TODAY - dt.timedelta(days=d), D("1500.25"), "Rent" if d == 3 else "Food", "x")
            for d in range(0, 6)]
    return Window(profile, txns)


def test_every_dashboard_card_says_which_money_it_is() -> None:
    de = money_format("EUR", "de_DE")
    s = standing_from_window(_window("EUR", "de_DE"), TODAY)
    assert (s.currency, s.locale, s.currency_symbol) == ("EUR", "de_DE", "€")
    cards = views.dashboard_metrics(s, de)
    today = next(m for m in cards if m.label == "Today")
    assert today.value == f"1.500,25{NBSP}€ / 1.234,50{NBSP}€"
    assert today.delta == f"-265,75{NBSP}€ over budget"
    for card in cards:
        text = " ".join(filter(None, (card.value, card.delta or "", card.help or "")))
        for amount in re.findall(r"\d[\d.,]*\d", text):
            assert "," in amount or "." not in amount, (card.label, amount)  # no "1234.50" left: German marks
    # A profile without a currency: the same cards as before issue 25.
    bare = views.dashboard_metrics(standing_from_window(_window(""), TODAY))
    assert next(m for m in bare if m.label == "Today").value == "1,500.25 / 1,234.50"


def test_dashboard_captions_tables_and_charts_use_the_readers_format() -> None:
    de = money_format("EUR", "de_DE")
    window = _window("EUR", "de_DE")
    view = views.dashboard(window, TODAY - dt.timedelta(days=9), TODAY, TODAY, money=de)
    caps = views.chart_captions(view, TODAY)
    assert f"1.234,50{NBSP}€ budget" in caps["daily"]
    assert view.recent["Amount"].iloc[0] == f"1.500,25{NBSP}€"
    words = texts(charts.daily_spending(view.daily, view.budget_cents, de).svg)
    assert f"budget 1.234,50{NBSP}€" in words
    assert f"1.200{NBSP}€" in words, words  # the money axis: German groups, the euro after
    cats = texts(charts.categories(view.by_category, money=de).svg)
    assert any(w.startswith(f"1.500,25{NBSP}€ (") for w in cats), cats  # the bar's amount, written the reader's way
    assert any(w.endswith(f"{NBSP}€") and w[0].isdigit() for w in cats)  # the axis too
    # Without a currency the charts keep their bare figures.
    plain = texts(charts.daily_spending(view.daily, view.budget_cents).svg)
    assert "budget 1,234.50" in plain and not [w for w in plain if "€" in w]


def test_jpy_axis_and_labels_have_no_decimals() -> None:
    yen = money_format("JPY", "ja_JP")
    daily = pd.Series(np.array([123450, 50], dtype="int64"), index=pd.date_range("2026-12-01", periods=2))
    words = texts(charts.daily_spending(daily, 100000, yen).svg)
    assert "budget ￥1,000" in words and "￥1,200" in words and "￥1,234" not in words, words  # no decimals
    assert [w for w in words if w.endswith("Dec")] == ["01 Dec", "02 Dec"]  # one tick a day, never two on one date


def test_write_outcomes_name_the_money() -> None:
    txn = Transaction("u", TODAY, D("12.50"), "Food", "Lunch")
    assert writes.describe(txn) == "12.50 for Food on 2026-12-10 (Lunch)"  # as before
    assert writes.describe(txn, money_format("EUR", "de_DE")) == f"12,50{NBSP}€ for Food on 2026-12-10 (Lunch)"
