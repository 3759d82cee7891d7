"""Issue 25 in the browser's frame (AppTest): a home currency shows on every amount, in the browser's locale."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lib.core import clock
from lib.core.models import Profile, validate_transaction
from lib.core.money import money_format
from lib.core.plain import md_escape
from tests.app.conftest import rendered_text
from tests.svg_text import pictures, texts

NBSP = "\xa0"


def _metrics(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _seed(store, user: str, currency: str) -> None:
    today = clock.today()
    store.save_profile(Profile(user, user.title(), daily_budget=Decimal("1234.50"), currency=currency,
                               timezone="Etc/UTC"))
    store.put_transactions([validate_transaction(user, today - dt.timedelta(days=d), "1500.25", "Food", "Lunch")
                            for d in range(3)])


def _opened(make_app, page: str, user: str, locale: str, **context: str):
    """`page` run once for `user` in a browser whose locale (and any other context) is given."""
    at = make_app(page, user=user)
    at.context["locale"] = locale
    for key, value in context.items():
        at.context[key] = value
    return at.run()


def test_a_euro_profile_in_a_german_browser_sees_euros_the_german_way(make_app, store) -> None:
    _seed(store, "ute", "EUR")
    at = _opened(make_app, "dashboard", "ute", "de-DE", timezone="Etc/UTC")
    assert not at.exception
    cards = _metrics(at)
    assert cards["Today"][0] == f"1.500,25{NBSP}€ / 1.234,50{NBSP}€"
    assert cards["Today"][1] == f"-265,75{NBSP}€ over budget"
    assert at.table[0].value["Amount"].iloc[0] == f"1.500,25{NBSP}€"  # the recent transactions (a plain table)
    shown = rendered_text(at, "main")
    assert f"over the 1.234,50{NBSP}€ budget" in shown  # the daily chart's caption (its text alternative)
    daily = texts(pictures(at)[0][1])  # the daily chart, as drawn
    assert f"budget 1.234,50{NBSP}€" in daily and any(w.endswith(f"{NBSP}€") and w[0].isdigit() for w in daily)
    assert "1,500.25" not in shown and "1234.50" not in shown, "no English or bare figure left on the page"
    coach = at.sidebar.get("text")[0].value  # the offline coach, in the browser's locale
    assert f"1.500,25{NBSP}€" in coach and "$" not in coach, coach
    # The browser's locale is saved for the nudges and the CLI (one write, with nothing else changed).
    saved = store.get_profile("ute")
    assert (saved.locale, saved.currency, saved.version) == ("de_DE", "EUR", 2)


def test_the_same_profile_in_an_english_browser_sees_euros_the_english_way(make_app, store) -> None:
    _seed(store, "eve", "EUR")
    at = _opened(make_app, "dashboard", "eve", "en-GB")
    assert not at.exception
    assert _metrics(at)["Today"][0] == "€1,500.25 / €1,234.50"
    assert "€1,500.25" in at.sidebar.get("text")[0].value


def test_without_a_currency_the_figures_stay_bare(make_app, store) -> None:
    _seed(store, "bob", "")
    at = _opened(make_app, "dashboard", "bob", "de-DE")  # a locale alone changes nothing until a currency is picked
    assert not at.exception
    cards = _metrics(at)
    assert cards["Today"] == ("1,500.25 / 1,234.50", "-265.75 over budget")
    assert at.table[0].value["Amount"].iloc[0] == "1,500.25"
    assert "€" not in rendered_text(at, "main")


def test_forecast_and_transactions_pages_use_the_home_currency(make_app, store) -> None:
    _seed(store, "fra", "CHF")
    fc = _opened(make_app, "forecast", "fra", "fr-CH")
    assert not fc.exception
    labels = [m.value for m in fc.metric]
    assert any(v.endswith(f"{NBSP}CHF") for v in labels), labels
    assert fc.slider(key="wi_budget").label == "What-if daily budget (CHF)"
    tx = _opened(make_app, "transactions", "fra", "fr-CH")
    assert not tx.exception
    assert tx.dataframe[0].value["Amount"].iloc[0] == f"1'500,25{NBSP}CHF"


def test_saving_settings_keeps_the_saved_locale_and_an_add_says_which_money(make_app, store) -> None:
    _seed(store, "gus", "EUR")
    _opened(make_app, "dashboard", "gus", "de-AT")
    assert store.get_profile("gus").locale == "de_AT"
    at = make_app("settings", user="gus")
    at.run()
    at.text_input(key="set_daily_budget").set_value("40.00")
    at.form_submit_button[0].click().run()
    assert not at.exception and not at.error
    saved = store.get_profile("gus")
    assert (saved.daily_budget, saved.locale) == (Decimal("40.00"), "de_AT")
    tx = _opened(make_app, "transactions", "gus", "de-AT")
    tx.text_input(key="add_amount").input("1234.50")
    tx.button(key="FormSubmitter:add_txn-Add transaction").click().run()
    assert not tx.exception
    # Austrian German puts the euro first; the page shows the message as plain text (markdown escaped).
    expected = md_escape(f"Added {money_format('EUR', 'de_AT').amount(Decimal('1234.50'))} for Food")
    assert expected.startswith("Added € 1\\.234\\,50")
    assert any(s.value.startswith(expected) for s in tx.success), [s.value for s in tx.success]
    assert store.get_profile("gus").currency == "EUR", "saving Settings keeps the home currency"
