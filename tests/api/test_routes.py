"""Every route through documented Function URL events, on SQLite and dynalite, checked against openapi.yaml."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from lib.coach.facts import facts_from_standing
from lib.core.analytics import money_str
from lib.core.models import Transaction
from lib.core.standing import load_standing
from tests.api.conftest import TODAY, Api, txn_path


def add(api: Api, user: str = "user-a", **fields: Any) -> dict[str, Any]:
    body = {"date": TODAY.isoformat(), "amount": "12.50", "category": "Food", "description": "Lunch", **fields}
    reply = api.call("POST", "/transactions", user=user, body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body["transaction"])


def seed_days(api: Api, user: str, amounts: list[str]) -> None:
    """One purchase per day ending today (oldest first)."""
    start = TODAY - dt.timedelta(days=len(amounts) - 1)
    api.store.put_transactions(
        Transaction(user, start + dt.timedelta(days=i), Decimal(a), "Food", "meal") for i, a in enumerate(amounts)
    )


# -- profile ------------------------------------------------------------------------------------
def test_a_new_user_gets_the_default_profile_named_from_the_token(api: Api) -> None:
    reply = api.call("GET", "/profile", token=api.keyset.token("user-a", name="Ada Lovelace"))
    assert reply.status == 200
    assert reply.body["profile"] == {"display_name": "Ada Lovelace", "daily_budget": "15.00", "monthly_salary": None,
                                     "ai_tone": "brutal", "version": 0, "updated_at": None,
                                     "timezone": None, "payday": "calendar", "currency": None, "locale": None}


def test_saving_the_profile_bumps_its_version_and_a_stale_save_gets_409_with_the_current_one(api: Api) -> None:
    first = api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "20", "monthly_salary": 3000,
                                                "ai_tone": "Polite", "version": 0})
    assert first.status == 200
    assert first.body["profile"]["version"] == 1
    assert (first.body["profile"]["daily_budget"], first.body["profile"]["monthly_salary"]) == ("20.00", "3000.00")
    assert first.body["profile"]["ai_tone"] == "polite"
    assert api.call("GET", "/profile").body["profile"]["display_name"] == "Ada"

    stale = api.call("POST", "/profile", body={"display_name": "Other tab", "daily_budget": "9", "ai_tone": "brutal",
                                                "version": 0})
    assert stale.status == 409
    assert stale.body["current"]["display_name"] == "Ada"
    assert stale.body["current"]["version"] == 1
    assert api.call("GET", "/profile").body["profile"]["daily_budget"] == "20.00"  # nothing overwritten


def test_a_refused_profile_says_why_per_field_and_saves_nothing(api: Api) -> None:
    reply = api.call("POST", "/profile", body={"display_name": "", "daily_budget": "-3", "monthly_salary": "lots",
                                                "ai_tone": "gentle", "version": 0})
    assert reply.status == 422
    assert set(reply.body["errors"]) == {"display_name", "daily_budget", "monthly_salary", "ai_tone"}
    assert "more than zero" in reply.body["errors"]["daily_budget"]
    assert "brutal" in reply.body["errors"]["ai_tone"]
    assert api.call("GET", "/profile").body["profile"]["version"] == 0


def test_money_sent_as_a_json_number_stays_exact(api: Api) -> None:
    reply = api.call("POST", "/profile", raw_body='{"display_name": "Ada", "daily_budget": 0.1, "ai_tone": "brutal",'
                                                   ' "monthly_salary": 1234.56, "version": 0}')
    assert reply.body["profile"]["daily_budget"] == "0.10"
    assert reply.body["profile"]["monthly_salary"] == "1234.56"
    assert api.store.get_profile("user-a").monthly_salary == Decimal("1234.56")


def test_a_body_that_is_not_json_is_400_and_a_missing_version_is_422(api: Api) -> None:
    assert api.call("POST", "/profile", raw_body="{not json").status == 400
    reply = api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "20", "ai_tone": "brutal"})
    assert reply.status == 422
    assert "version" in reply.body["errors"]


# -- transactions -----------------------------------------------------------------------------
def test_add_list_edit_and_delete_a_transaction(api: Api) -> None:
    txn = add(api)
    assert (txn["amount"], txn["category"], txn["date"], txn["source"]) == ("12.50", "Food", "2026-12-10", "manual")
    assert txn["version"] == 1

    listed = api.call("GET", "/transactions", query={"from": "2026-12-01", "to": "2026-12-10"})
    assert [(t["id"], t["version"]) for t in listed.body["transactions"]] == [(txn["id"], 1)]

    changed = api.call("PUT", txn_path(txn["id"]), body={"date": "2026-12-10", "amount": "9.99", "category": "Food",
                                                         "description": "Smaller lunch", "version": 1})
    assert changed.status == 200
    assert (changed.body["transaction"]["id"], changed.body["transaction"]["version"]) == (txn["id"], 2)
    assert api.store.list_transactions("user-a", TODAY, TODAY)[0].amount == Decimal("9.99")

    assert api.call("DELETE", txn_path(txn["id"]), query={"version": "2"}).status == 204
    assert api.call("GET", "/transactions").body["transactions"] == []
    # A retried delete (its answer lost) is still a success.
    assert api.call("DELETE", txn_path(txn["id"]), query={"version": "2"}).status == 204


def test_a_stale_edit_or_delete_gets_409_with_the_current_transaction(api: Api) -> None:
    txn = add(api)
    first = api.call("PUT", txn_path(txn["id"]), body={"date": "2026-12-10", "amount": "20", "version": 1})
    assert first.status == 200
    # Another tab still holds version 1.
    stale = api.call("PUT", txn_path(txn["id"]), body={"date": "2026-12-10", "amount": "5", "version": 1})
    assert stale.status == 409
    assert (stale.body["current"]["amount"], stale.body["current"]["version"]) == ("20.00", 2)
    gone = api.call("DELETE", txn_path(txn["id"]), query={"version": "1"})
    assert gone.status == 409 and gone.body["current"]["version"] == 2
    assert api.store.list_transactions("user-a", TODAY, TODAY)[0].amount == Decimal("20.00")  # nothing lost
    assert "version" in api.call("DELETE", txn_path(txn["id"])).body["errors"]
    assert "version" in api.call("PUT", txn_path(txn["id"]), body={"date": "2026-12-10", "amount": "5"}).body[
        "errors"]


def test_an_edit_of_a_transaction_deleted_meanwhile_is_404(api: Api) -> None:
    txn = add(api)
    api.call("DELETE", txn_path(txn["id"]), query={"version": "1"})
    reply = api.call("PUT", txn_path(txn["id"]), body={"date": "2026-12-10", "amount": "5", "version": 1})
    assert reply.status == 404
    assert api.call("GET", "/transactions").body["transactions"] == []


def test_a_retried_add_with_a_client_id_is_stored_once(api: Api) -> None:
    body = {"id": "0a1b2c3d4e5f", "date": "2026-12-10", "amount": "3.20", "category": "Coffee"}
    first = api.call("POST", "/transactions", body=body)
    again = api.call("POST", "/transactions", body=body)  # the first answer was lost; the client retries
    assert first.status == again.status == 201
    assert first.body["transaction"]["id"] == again.body["transaction"]["id"] == "2026-12-10#0a1b2c3d4e5f"
    assert len(api.store.list_transactions("user-a", TODAY, TODAY)) == 1
    other = api.call("POST", "/transactions", body={**body, "amount": "99"})
    assert other.status == 409 and other.body["current"]["amount"] == "3.20"
    bad = api.call("POST", "/transactions", body={**body, "id": "x/../PROFILE#user-a"})
    assert bad.status == 422 and "id" in bad.body["errors"]


def test_a_new_date_moves_the_transaction_under_its_id(api: Api) -> None:
    txn = add(api)
    moved = api.call("PUT", txn_path(txn["id"]), body={"date": "2026-12-03", "amount": "12.50", "version": 1})
    assert moved.status == 200
    new_id = moved.body["transaction"]["id"]
    assert new_id == "2026-12-03#" + txn["id"].split("#", 1)[1]
    ids = [t["id"] for t in api.call("GET", "/transactions", query={"from": "2026-12-01"}).body["transactions"]]
    assert ids == [new_id]


def test_an_edit_keeps_where_the_transaction_came_from(api: Api) -> None:
    api.store.add_transaction(Transaction("user-a", TODAY, Decimal("40"), "Bills", "Power", source="import",
                                          fingerprint="abc123", sort_key="2026-12-10#imported01"))
    reply = api.call("PUT", txn_path("2026-12-10#imported01"), body={"date": "2026-12-10", "amount": "41",
                                                                    "version": 1})
    assert reply.body["transaction"]["source"] == "import"
    assert api.store.list_transactions("user-a", TODAY, TODAY)[0].fingerprint == "abc123"


def test_refused_transactions_say_why_per_field(api: Api) -> None:
    reply = api.call("POST", "/transactions", body={"date": "10/12/2026", "amount": "0"})
    assert reply.status == 422
    assert set(reply.body["errors"]) == {"date", "amount"}
    missing = api.call("POST", "/transactions", body={"category": "Food"})
    assert set(missing.body["errors"]) == {"date", "amount"}
    bad_range = api.call("GET", "/transactions", query={"from": "2026-12-09", "to": "2026-12-01"})
    assert bad_range.status == 422 and "from" in bad_range.body["errors"]
    assert api.call("GET", "/transactions", query={"to": "yesterday"}).body["errors"]["to"]
    assert api.call("GET", "/transactions").body["transactions"] == []


def test_the_default_range_is_the_last_90_days(api: Api) -> None:
    seed_days(api, "user-a", ["1"] * 91)
    body = api.call("GET", "/transactions").body
    assert (body["from"], body["to"]) == ((TODAY - dt.timedelta(days=89)).isoformat(), TODAY.isoformat())
    assert len(body["transactions"]) == 90


def test_the_profile_and_commentary_items_cannot_be_edited_or_deleted_as_transactions(api: Api) -> None:
    api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "20", "ai_tone": "brutal", "version": 0})
    for key in ("PROFILE#user-a", "COMMENTARY#user-a", "SESSIONS#user-a", "nonsense"):
        assert api.call("DELETE", txn_path(key), query={"version": "1"}).status == 404
        assert api.call("PUT", txn_path(key), body={"date": "2026-12-10", "amount": "1", "version": 1}).status == 404
    assert api.call("GET", "/profile").body["profile"]["display_name"] == "Ada"


# -- dashboard -------------------------------------------------------------------------------------
def test_the_dashboard_tells_the_one_standing_the_pages_and_the_coach_use(api: Api) -> None:
    api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "10", "ai_tone": "sarcastic",
                                        "version": 0})
    seed_days(api, "user-a", ["4", "5", "30", "6", "7", "8", "9"])
    standing, _ = load_standing(api.store, "user-a", TODAY)
    facts = facts_from_standing(standing)

    body = api.call("GET", "/dashboard").body
    assert body["today"] == "2026-12-10" and body["tracked_through"] == "2026-12-10"
    # Today (9.00, under) joins the streak at midnight: the three days after the 30.00 count.
    assert (body["streak"]["current"], body["streak"]["longest"]) == (3, 3) == (
        standing.current_streak, standing.longest_streak)
    assert body["streak"]["current_start"] == "2026-12-07" and body["streak"]["paused"] is False
    assert body["day"]["spent"] == "9.00" and body["day"]["status"] == "under"
    assert body["month"]["spent"] == "69.00" == money_str(standing.month_spent_cents)
    band = body["month"]["projection"]
    # THE month end: the forecast median, the same number the coach is given.
    assert band["p50"] == money_str(standing.month_end_p50_cents) == f"{facts.month_projection:.2f}"
    assert Decimal("69.00") <= Decimal(band["p10"]) <= Decimal(band["p50"]) <= Decimal(band["p90"])
    assert body["coach"]["tone"] == "sarcastic" and body["coach"]["source"] == "offline"
    assert "Ada" in body["coach"]["text"]
    # issue 26: the budget period, here the calendar month: its end is the month end
    period = body["period"]
    assert (period["rule"], period["start"], period["end"], period["days_left"]) == (
        "calendar", "2026-12-01", "2026-12-31", 22)
    assert (period["p10"], period["p50"], period["p90"]) == (band["p10"], band["p50"], band["p90"])
    # Tracking began on 4 December: 28 days of 10.00 from then, less 69.00 spent, over 22 days.
    assert period["left_per_day"] == "9.59" == money_str(standing.left_per_day_cents)


def test_a_dashboard_load_is_one_store_request(api: Api) -> None:
    seed_days(api, "user-a", ["4"] * 30)
    before = api.store.meter.for_user("user-a")
    assert api.call("GET", "/dashboard").status == 200
    first = api.store.meter.for_user("user-a").minus(before)
    # The first load ever builds the streak state (lib.core.streaks): the days before the window, one write;
    # and (issue 22) reads the session generation and the rate bucket, then spends a token (one write).
    assert (first.requests, first.writes) == (6, 2)
    before = api.store.meter.for_user("user-a")
    assert api.call("GET", "/dashboard").status == 200
    used = api.store.meter.for_user("user-a").minus(before)
    # One read of the window, and the rate bucket's token spent with one conditional write (no read:
    # the process remembers the bucket; the generation is cached for 30 s).
    assert (used.requests, used.writes) == (2, 1)


def test_with_bedrock_the_saved_take_is_reused_instead_of_a_second_call(store: Any, keyset: Any, spec: Any) -> None:
    import boto3
    from botocore.stub import Stubber

    from lib.api import create_app
    from lib.api.auth import TokenVerifier
    from lib.coach.bedrock import BedrockCoach
    from tests.api.conftest import settings_for

    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [{"text": "Three days on budget, Ada. Keep it."}]}},
        "stopReason": "end_turn", "usage": {"inputTokens": 400, "outputTokens": 12, "totalTokens": 412},
        "metrics": {"latencyMs": 300},
    })
    settings = settings_for(keyset, bedrock_enabled=True)
    app = create_app(settings, store, TokenVerifier.from_settings(settings), bedrock=BedrockCoach(client),
                     clock=lambda: TODAY)
    api = Api(app, store, keyset, spec)
    api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "10", "ai_tone": "brutal", "version": 0})
    seed_days(api, "user-a", ["4", "5", "6"])
    with stubber:
        first = api.call("GET", "/dashboard").body["coach"]
        second = api.call("GET", "/dashboard").body["coach"]
        stubber.assert_no_pending_responses()
    assert first["source"] == "bedrock" and first["text"] == "Three days on budget, Ada. Keep it."
    assert second["source"] == "cache" and second["text"] == first["text"]  # the second load made no call


# -- errors and plumbing --------------------------------------------------------------------------
def test_an_unknown_route_is_a_json_404(api: Api) -> None:
    reply = api.call("GET", "/admin", check=False)
    assert reply.status == 404 and reply.body["message"]


def test_a_fault_inside_a_route_is_a_500_with_a_message_and_no_traceback(api: Api, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals /srv/app/lib/store.py line 12")

    monkeypatch.setattr(api.store, "get_profile", broken)
    reply = api.call("GET", "/profile")
    assert reply.status == 500
    assert "secret" not in reply.body["message"] and "line" not in reply.body["message"]


def test_an_unreachable_table_is_a_503_with_a_message(store: Any, keyset: Any, spec: Any) -> None:
    import boto3
    from botocore.config import Config

    from lib.api import create_app
    from lib.api.auth import TokenVerifier
    from lib.store.dynamodb import DynamoDBStore
    from tests.api.conftest import settings_for

    client = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
                          config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1))
    settings = settings_for(keyset)
    down = DynamoDBStore("absent", client=client)
    api = Api(create_app(settings, down, TokenVerifier.from_settings(settings), clock=lambda: TODAY), down, keyset,
              spec)
    for path in ("/dashboard", "/profile", "/transactions"):
        reply = api.call("GET", path)
        assert reply.status == 503 and "cannot be reached" in reply.body["message"]


def test_a_browser_preflight_gets_the_cors_answer(api: Api) -> None:
    reply = api.call("OPTIONS", "/transactions", user=None, check=False,
                     headers={"origin": "http://127.0.0.1:8501", "access-control-request-method": "POST"})
    assert reply.status == 204
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in reply.headers["Access-Control-Allow-Headers"]
    assert api.call("GET", "/profile", headers={"origin": "http://127.0.0.1:8501"}).headers[
        "Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("day", ["2026-12-01", "2026-12-31", "2028-02-29"])
def test_the_dashboard_answers_on_any_day_of_the_month(store: Any, keyset: Any, spec: Any, day: str) -> None:
    from lib.api import create_app
    from lib.api.auth import TokenVerifier
    from tests.api.conftest import settings_for

    today = dt.date.fromisoformat(day)
    settings = settings_for(keyset)
    api = Api(create_app(settings, store, TokenVerifier.from_settings(settings), clock=lambda: today), store, keyset,
              spec)
    store.put_transactions([Transaction("user-a", today - dt.timedelta(days=i), Decimal("5")) for i in range(5)])
    body = api.call("GET", "/dashboard").body
    # Four complete days under budget; today joins the streak at midnight.
    assert body["today"] == day and body["streak"]["current"] == 4 and body["day"]["spent"] == "5.00"


def test_saving_the_profile_keeps_the_nudge_settings(api: Api) -> None:
    """The body has no nudge fields (issue 18): a save keeps what Settings or the CLI set."""
    import dataclasses

    from lib.core.nudge_prefs import validate_nudge_prefs

    stored = api.store.get_profile("user-a")
    api.store.save_profile(dataclasses.replace(stored, nudges=validate_nudge_prefs(morning="off", evening="19:00")))
    reply = api.call("POST", "/profile", body={"display_name": "Ada", "daily_budget": "20", "ai_tone": "polite",
                                               "version": 1})
    assert reply.status == 200
    assert api.store.get_profile("user-a").nudges == validate_nudge_prefs(morning="off", evening="19:00")
