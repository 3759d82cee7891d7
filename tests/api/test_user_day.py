"""Issue 18, part 1, through the API: each caller's today comes from the zone on their own profile."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from lib.core.models import Profile, Transaction
from tests.api.conftest import Api, settings_for

SYDNEY_22_UTC = dt.datetime(2026, 12, 4, 22, 0, tzinfo=dt.UTC)  # 09:00 on 5 December in Sydney
LA_01_UTC = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)  # 17:00 on 4 December in Los Angeles


@pytest.fixture
def zoned_api(store: Any, keyset: Any, spec: Any, monkeypatch: pytest.MonkeyPatch) -> Api:
    """The API as deployed: no pinned clock, so every caller gets the day of their own zone."""
    from lib.api import create_app
    from lib.api.auth import TokenVerifier

    monkeypatch.delenv("FINANCE_TODAY", raising=False)
    settings = settings_for(keyset)
    return Api(create_app(settings, store, TokenVerifier.from_settings(settings)), store, keyset, spec)


def test_a_sydney_caller_at_22_utc_adds_a_transaction_dated_their_today_and_not_tomorrow(zoned_api: Api) -> None:
    zoned_api.store.save_profile(Profile("user-a", "Ada", timezone="Australia/Sydney"))
    with time_machine.travel(SYDNEY_22_UTC, tick=True):
        ok = zoned_api.call("POST", "/transactions", body={"date": "2026-12-05", "amount": "12.50"})
        late = zoned_api.call("POST", "/transactions", body={"date": "2026-12-06", "amount": "1.00"})
        listed = zoned_api.call("GET", "/transactions")
        board = zoned_api.call("GET", "/dashboard")
    assert ok.status == 201 and ok.body["transaction"]["date"] == "2026-12-05"
    assert late.status == 422 and "2026-12-05" in late.body["errors"]["date"], late.body
    assert listed.body["to"] == "2026-12-05" and [t["date"] for t in listed.body["transactions"]] == ["2026-12-05"]
    assert board.body["today"] == "2026-12-05" and board.body["day"]["spent"] == "12.50"
    assert board.body["profile"]["timezone"] == "Australia/Sydney"


def test_a_los_angeles_caller_at_01_utc_is_still_on_yesterday_in_one_store_request(zoned_api: Api) -> None:
    store = zoned_api.store
    store.save_profile(Profile("user-a", "Ada", daily_budget=Decimal("10.00"), timezone="America/Los_Angeles"))
    store.put_transactions([Transaction("user-a", dt.date(2026, 12, d), Decimal("2.00")) for d in (1, 2, 3)]
                           + [Transaction("user-a", dt.date(2026, 12, 4), Decimal("4.00"))])
    with time_machine.travel(LA_01_UTC, tick=True):
        zoned_api.call("GET", "/dashboard")  # the first load ever builds the streak state
        before = store.meter.for_user("user-a")
        body = zoned_api.call("GET", "/dashboard").body
        used = store.meter.for_user("user-a").minus(before)
        refused = zoned_api.call("POST", "/transactions", body={"date": "2026-12-05", "amount": "1.00"})
    assert body["today"] == "2026-12-04" and body["day"]["spent"] == "4.00" and body["day"]["status"] == "under"
    assert body["streak"]["current"] == 3, "the 4th is their today, not a finished day"
    # The window (the zone comes with it: no extra read) and the caller's rate-limit bucket (issue 22).
    assert (used.reads, used.writes) == (1, 1), "the zone comes with the window: no extra read for it"
    assert refused.status == 422, "the 5th has not begun in Los Angeles"


def test_a_profile_save_keeps_the_zone_unless_it_sends_one_and_a_bad_zone_is_refused(zoned_api: Api) -> None:
    zoned_api.store.save_profile(Profile("user-a", "Ada", timezone="Australia/Sydney"))
    base = {"display_name": "Ada", "daily_budget": "20", "ai_tone": "polite"}
    kept = zoned_api.call("POST", "/profile", body={**base, "version": 1})
    assert kept.status == 200 and kept.body["profile"]["timezone"] == "Australia/Sydney"
    bad = zoned_api.call("POST", "/profile", body={**base, "version": 2, "timezone": "Mars/Olympus"})
    assert bad.status == 422 and "IANA" in bad.body["errors"]["timezone"]
    moved = zoned_api.call("POST", "/profile", body={**base, "version": 2, "timezone": "Europe/Paris"})
    assert moved.status == 200 and moved.body["profile"]["timezone"] == "Europe/Paris"
