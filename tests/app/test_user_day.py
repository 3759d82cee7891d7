"""Issue 18, part 1: every "today" of a signed-in user is the date in their own zone (AppTest + time-machine)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from lib.core.models import Profile, validate_transaction
from lib.core.standing import load_standing

SYDNEY_22_UTC = dt.datetime(2026, 12, 4, 22, 0, tzinfo=dt.UTC)  # 09:00 on Saturday 5 December in Sydney
LA_01_UTC = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)  # 17:00 on Friday 4 December in Los Angeles


@pytest.fixture(autouse=True)
def _real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINANCE_TODAY", raising=False)  # these tests move the real clock


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_a_sydney_user_at_22_utc_adds_a_transaction_dated_their_today(make_app, store) -> None:
    store.save_profile(Profile("syd", "Syd", timezone="Australia/Sydney"))
    with time_machine.travel(SYDNEY_22_UTC, tick=True):
        at = make_app("transactions", user="syd").run()
        assert not at.exception
        picker = at.date_input(key="add_date")
        assert picker.value == dt.date(2026, 12, 5)  # the server's day is still the 4th
        assert picker.proto.max == "2026-12-05", "the picker cannot go past their today, nor stop before it"
        at.text_input(key="add_amount").input("12.50")
        at.button(key="FormSubmitter:add_txn-Add transaction").click().run()
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
    [txn] = store.list_transactions("syd", dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert (txn.date, txn.amount) == (dt.date(2026, 12, 5), Decimal("12.50"))


def test_a_los_angeles_user_at_01_utc_is_still_on_yesterday(make_app, store) -> None:
    budget = Decimal("10.00")
    for who, zone in (("la", "America/Los_Angeles"), ("utc", "Etc/UTC")):
        store.save_profile(Profile(who, who.upper(), daily_budget=budget, timezone=zone))
        store.put_transactions([validate_transaction(who, dt.date(2026, 12, d), "2.00") for d in (1, 2, 3)]
                               + [validate_transaction(who, dt.date(2026, 12, 4), "4.00")])
    with time_machine.travel(LA_01_UTC, tick=True):
        la = make_app("dashboard", user="la").run()
        utc = make_app("dashboard", user="utc").run()
    assert not la.exception and not utc.exception
    # The range picker ends on the user's today: the 4th in Los Angeles, the 5th in UTC.
    assert la.date_input(key="dash_range").value[1] == dt.date(2026, 12, 4)
    assert utc.date_input(key="dash_range").value[1] == dt.date(2026, 12, 5)
    # Their day is not over: the 4th is today (4.00 spent, still under), so the streak is the three days before.
    assert _metrics(la)["Today"][0] == "4.00 / 10.00"
    assert _metrics(la)["Current streak"] == ("3 days", "today still under")
    # In UTC the 4th is complete and kept, and the 5th has nothing yet.
    assert _metrics(utc)["Today"][0] == "0.00 / 10.00"
    assert _metrics(utc)["Current streak"][0] == "4 days"


def test_the_first_sign_in_saves_the_browsers_zone_once_and_never_over_a_chosen_one(make_app, store) -> None:
    at = make_app("dashboard", user="newbie")
    at.context["timezone"] = "Australia/Sydney"
    at.run()
    at.run()
    assert not at.exception
    first = store.get_profile("newbie")
    assert (first.timezone, first.version) == ("Australia/Sydney", 1), "one write, on the first sign-in"

    store.save_profile(Profile("newbie", "Newbie", timezone="Europe/Paris", version=first.version))  # chosen
    for browser in ("Australia/Sydney", None):
        again = make_app("dashboard", user="newbie")  # a second sign-in, from a browser elsewhere
        again.context["timezone"] = browser
        again.run()
        assert not again.exception
    chosen = store.get_profile("newbie")
    assert (chosen.timezone, chosen.version) == ("Europe/Paris", 2), "a chosen zone is never overwritten"


def test_a_browser_zone_we_do_not_know_is_not_saved(make_app, store) -> None:
    at = make_app("dashboard", user="odd")
    at.context["timezone"] = "Mars/Olympus"
    at.run()
    assert not at.exception
    assert store.get_profile("odd").version == 0, "nothing written"


def test_settings_sets_a_sydney_zone_and_the_forms_follow_it(make_app, store) -> None:
    store.save_profile(Profile("ann", "Ann", daily_budget=Decimal("30.00")))
    with time_machine.travel(SYDNEY_22_UTC, tick=True):
        at = make_app("settings", user="ann").run()
        assert not at.exception
        assert "Australia/Sydney" in at.selectbox(key="set_timezone").options  # the whole IANA list, searchable
        at.selectbox(key="set_timezone").set_value("Australia/Sydney")
        at.button(key="FormSubmitter:time_zone-Save time zone").click().run()
        assert not at.exception
        assert any("Australia/Sydney" in s.value for s in at.success)
        assert any("Saturday 05 December 2026" in c.value for c in at.caption)
        saved = store.get_profile("ann")
        assert (saved.timezone, saved.daily_budget) == ("Australia/Sydney", Decimal("30.00"))

        # The main form saves around the zone, never over it.
        at.text_input(key="set_daily_budget").input("25")
        at.button(key="FormSubmitter:settings-Save settings").click().run()
        assert not at.exception
        after = store.get_profile("ann")
        assert (after.timezone, after.daily_budget) == ("Australia/Sydney", Decimal("25.00"))

        tx = make_app("transactions", user="ann").run()
        assert tx.date_input(key="add_date").value == dt.date(2026, 12, 5)


def test_the_zone_costs_no_request_when_the_browser_agrees_and_one_when_it_does_not(make_app, store,
                                                                                      app_requests) -> None:
    for who in ("home", "away"):
        store.save_profile(Profile(who, who, timezone="Australia/Sydney"))
        store.put_transactions([validate_transaction(who, dt.date(2026, 12, d), "2.00") for d in (1, 2, 3, 4)])
    with time_machine.travel(SYDNEY_22_UTC, tick=True):
        for who in ("home", "away"):
            load_standing(store, who, dt.date(2026, 12, 5))  # the streak state exists, as after `python -m lib demo`
        # The session generation (issue 22) comes with the page's first read (issue 21): no read of its own.
        for who, browser, first_load in (("home", "Australia/Sydney", 1), ("away", "Etc/UTC", 2)):
            at = make_app("dashboard", user=who)
            at.context["timezone"] = browser
            before = app_requests(who)
            at.run()
            assert not at.exception
            # The first read is the page's own; a browser on another day costs one read more, once a session.
            assert app_requests(who) - before == first_load, who
            at.run()
            at.run()
            assert app_requests(who) - before == first_load, "reruns read nothing"
            assert at.date_input(key="dash_range").value[1] == dt.date(2026, 12, 5)
    assert store.get_profile("away").timezone == "Australia/Sydney", "a chosen zone is not the browser's to change"


def test_saving_no_zone_is_refused_next_to_the_field_and_nothing_is_saved(make_app, store) -> None:
    at = make_app("settings", user="nozone").run()
    assert not at.exception and at.selectbox(key="set_timezone").value is None
    at.button(key="FormSubmitter:time_zone-Save time zone").click().run()
    assert not at.exception
    assert any("Choose a time zone" in e.value for e in at.error)
    assert any("Nothing was saved" in e.value for e in at.error)
    assert store.get_profile("nozone").version == 0


def test_a_zone_outside_the_iana_database_is_refused_with_the_reason() -> None:
    from lib.core.errors import ValidationError
    from lib.web.settings_day import _checked_zone

    with pytest.raises(ValidationError) as refused:
        _checked_zone(Profile("u", "U"), "Mars/Olympus")
    assert list(refused.value.errors) == ["timezone"] and "IANA" in refused.value.errors["timezone"]
    assert _checked_zone(Profile("u", "U"), "Asia/Kolkata") == "Asia/Kolkata"
