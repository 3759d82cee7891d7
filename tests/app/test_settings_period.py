"""Settings: the budget period section, as a new user on 24 December sets a payday on the 25th."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lib.core.models import Profile, validate_transaction
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

TODAY = dt.date(2026, 12, 24)


@pytest.fixture
def new_user(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> SQLiteStore:
    """Three days of 10.00 a day on a 20.00 budget, the last of them today."""
    monkeypatch.setenv("FINANCE_TODAY", TODAY.isoformat())
    store.save_profile(Profile("demo", "Demo", Decimal("20.00")))
    store.put_transactions([validate_transaction("demo", TODAY - dt.timedelta(days=k), "10.00", "Food")
                            for k in range(3)])
    return store


def _period_submit(at):
    return next(b for b in at.button if b.label == "Save budget period")


def test_setting_a_payday_on_the_day_before_it(make_app, new_user, store_path) -> None:
    at = make_app("settings").run()
    assert not at.exception
    assert any("calendar month" in shown(c.value) for c in at.caption)

    at.radio(key="period_kind").set_value("monthly")
    at.number_input(key="period_day").set_value(25)
    _period_submit(at).click().run()

    assert not at.exception
    [ok] = [shown(s.value) for s in at.success]
    assert "25 Nov – 24 Dec 2026, 1 day left (today included); next payday Fri 25 Dec" in ok
    assert SQLiteStore(store_path).get_profile("demo").payday == "monthly:25"

    dash = make_app("dashboard").run()
    assert not dash.exception
    first = dash.metric[0]
    assert first.label == "Left per day until payday"
    # A new user: the budget counts from the first tracked day, 3 x 20.00, less 30.00 spent.
    assert first.value.endswith("30.00") and "last day before payday" in first.delta


def test_a_weekend_payday_and_the_main_form_keep_each_other(make_app, new_user, store_path) -> None:
    at = make_app("settings").run()
    at.radio(key="period_kind").set_value("monthly")
    at.number_input(key="period_day").set_value(25)
    at.checkbox(key="period_friday").check()
    _period_submit(at).click().run()
    assert SQLiteStore(store_path).get_profile("demo").payday == "monthly:25:friday"

    at.text_input(key="set_daily_budget").input("30")
    at.form_submit_button[0].click().run()
    saved = SQLiteStore(store_path).get_profile("demo")
    assert (saved.daily_budget, saved.payday) == (Decimal("30.00"), "monthly:25:friday")


def test_after_setting_a_payday_every_card_speaks_of_the_period(make_app, new_user, store_path) -> None:
    """One period everywhere: the dashboard's other cards and the Forecast page follow the new payday."""
    at = make_app("settings").run()
    at.radio(key="period_kind").set_value("monthly")
    at.number_input(key="period_day").set_value(25)
    _period_submit(at).click().run()
    dash = make_app("dashboard").run()
    assert not dash.exception
    cards = {m.label: (m.value, m.delta) for m in dash.metric}
    print("\n".join(f"{k}: {v}" for k, v in cards.items()))  # the closing note quotes what a new user saw
    assert cards["Spent since payday (25 Nov)"][0].endswith("30.00")
    assert "Projected by payday (24 Dec)" not in cards and "Period ends at" in cards  # the period's last day
    # Today is still running: 30.00 is spent, the period may end a little higher, never lower.
    assert Decimal(cards["Period ends at"][0].split()[-1].replace(",", "")) >= Decimal("30.00")
    assert "Chance within budget" in cards and not any(label.startswith("December") for label in cards)
    fc = make_app("forecast").run()
    assert not fc.exception
    assert any(m.label == "By payday (24 Dec, median)" for m in fc.metric)
