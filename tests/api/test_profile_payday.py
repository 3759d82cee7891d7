"""POST /profile takes the payday rule (issue 26) and a partial update resets nothing it does not name;
every reply is checked against openapi.yaml (tests.api.conftest)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from lib.core.nudge_prefs import validate_nudge_prefs
from tests.api.conftest import Api

BASE = {"display_name": "Ada", "daily_budget": "20", "ai_tone": "polite"}


def test_a_payday_rule_is_saved_listed_and_used_by_the_dashboard(api: Api) -> None:
    reply = api.call("POST", "/profile", body={**BASE, "payday": " Monthly:25 ", "version": 0})
    assert reply.status == 200, reply.body
    assert reply.body["profile"]["payday"] == "monthly:25"  # stored canonical
    assert api.store.get_profile("user-a").payday == "monthly:25"
    assert api.call("GET", "/profile").body["profile"]["payday"] == "monthly:25"
    assert api.call("GET", "/dashboard").body["period"]["rule"] == "monthly:25"
    # null is the calendar month again.
    back = api.call("POST", "/profile", body={**BASE, "payday": None, "version": 1})
    assert back.status == 200 and back.body["profile"]["payday"] == "calendar"


def test_a_bad_rule_is_refused_with_its_reason_and_saves_nothing(api: Api) -> None:
    for rule, words in (("monthly:32", "day from 1 to 31"), ("fortnightly", "one of"),
                        ("biweekly:2026-13-01", "YYYY-MM-DD"), ("monthly:25:" + "x" * 60, "at most 40")):
        reply = api.call("POST", "/profile", body={**BASE, "payday": rule, "version": 0})
        assert reply.status == 422, rule
        assert set(reply.body["errors"]) == {"payday"} and words in reply.body["errors"]["payday"], reply.body
    assert api.call("GET", "/profile").body["profile"]["version"] == 0


def test_a_partial_update_keeps_every_field_it_does_not_send(api: Api) -> None:
    stored = api.store.get_profile("user-a")
    kept = dataclasses.replace(
        stored, display_name="Ada", monthly_salary=Decimal("3000.00"), fixed_categories=("Rent", "Gym"),
        budget_style="rolling", timezone="Australia/Sydney", payday="biweekly:2026-11-27", currency="EUR",
        nudges=validate_nudge_prefs(morning="off", evening="19:00"),
    )
    api.store.save_profile(kept)
    version = api.store.get_profile("user-a").version
    reply = api.call("POST", "/profile", body={"display_name": "Ada L.", "daily_budget": "25", "ai_tone": "brutal",
                                               "version": version})
    assert reply.status == 200, reply.body
    after = api.store.get_profile("user-a")
    assert (after.display_name, after.daily_budget, after.ai_tone) == ("Ada L.", Decimal("25.00"), "brutal")
    for name in ("monthly_salary", "fixed_categories", "budget_style", "timezone", "payday", "nudges", "currency"):
        assert getattr(after, name) == getattr(kept, name), name
    assert reply.body["profile"]["payday"] == "biweekly:2026-11-27"
    assert reply.body["profile"]["monthly_salary"] == "3000.00"
    # Naming a field changes it, and only it: the salary cleared with null, the rest still kept.
    cleared = api.call("POST", "/profile", body={**BASE, "monthly_salary": None, "version": after.version})
    assert cleared.status == 200
    last = api.store.get_profile("user-a")
    assert last.monthly_salary is None and (last.payday, last.budget_style, last.currency) == \
        ("biweekly:2026-11-27", "rolling", "EUR")
