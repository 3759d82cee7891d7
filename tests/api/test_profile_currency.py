"""GET/POST /profile show and set the home currency and the locale (issue 25). Naming a currency re-prices the
user's transactions with the same code as `python -m lib profile --currency` (the two end with the same items),
the answer says what changed; an unknown code or locale is a 422 with the reason and nothing is saved.
Every reply is checked against openapi.yaml (tests.api.conftest)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lib.cli import build_parser
from lib.core.models import Transaction
from tests.api.conftest import Api

BASE = {"display_name": "Ada", "daily_budget": "20", "ai_tone": "polite"}
TRIP = (("2026-10-23", "45.00", "USD", "Airport taxi"), ("2026-10-24", "23.50", "USD", "Diner"),
        ("2026-10-27", "120.00", "GBP", "Train"), ("2026-10-31", "42.50", "CHF", "Fondue"),
        ("2026-10-22", "3.20", None, "Bakery"))


def _trip(store: Any, user: str) -> None:
    """Rows kept as written before any home currency was picked (as an import leaves them)."""
    for day, amount, code, what in TRIP:
        store.add_transaction(Transaction(user_id=user, date=dt.date.fromisoformat(day), amount=Decimal(amount),
                                          category="Travel", description=what, currency=code, source="import"))


def _priced(store: Any, user: str) -> list[tuple[Any, ...]]:
    rows = store.list_transactions(user, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    return sorted((t.description, t.amount, t.currency, t.original_amount, t.original_currency, t.fx_rate, t.fx_date,
                   t.fx_source) for t in rows)


def test_the_profile_shows_no_currency_until_one_is_picked(api: Api) -> None:
    shown = api.call("GET", "/profile").body["profile"]
    assert (shown["currency"], shown["locale"]) == (None, None)
    assert api.call("GET", "/dashboard").body["currency"] is None


def test_naming_a_currency_reprices_exactly_as_the_cli_does(api: Api) -> None:
    _trip(api.store, "user-a")
    _trip(api.store, "cli-user")
    reply = api.call("POST", "/profile", body={**BASE, "currency": "eur", "locale": "de-DE", "version": 0})
    assert reply.status == 200, reply.body
    assert (reply.body["profile"]["currency"], reply.body["profile"]["locale"]) == ("EUR", "de_DE")
    assert set(reply.body["changed"]) >= {"currency", "locale"}
    report = reply.body["repriced"]
    assert (report["currency"], report["changed"], report["unchanged"], report["written"]) == ("EUR", 5, 0, 5)
    assert report["by_currency"] == {"CHF": 1, "GBP": 1, "USD": 2} and report["refused"] == []
    assert report["stamped"] == 1  # the bakery named no currency: marked EUR, amount unchanged
    assert report["lines"][0] == "Re-priced in EUR: 5 transaction(s) changed, 0 already right, 5 written."
    # The same rows through `profile --currency EUR`, on the same store: the very same items.
    args = build_parser().parse_args(["profile", "--user", "cli-user", "--currency", "EUR"])
    assert args.handler(args, api.store) == 0
    assert _priced(api.store, "user-a") == _priced(api.store, "cli-user")
    train = next(r for r in _priced(api.store, "user-a") if r[0] == "Train")
    assert train[1:5] == (Decimal("143.44"), "EUR", Decimal("120.00"), "GBP") and train[6:] == (
        dt.date(2026, 10, 27), "ECB")
    listed = api.call("GET", "/transactions", query={"from": "2026-10-01", "to": "2026-10-31"}).body
    assert {t["description"]: (t["amount"], t["currency"]) for t in listed["transactions"]}["Train"] == (
        "143.44", "EUR")
    dash = api.call("GET", "/dashboard").body
    assert (dash["currency"], dash["profile"]["currency"]) == ("EUR", "EUR")
    # Naming it again finishes a run cut short and otherwise changes nothing; leaving it out re-prices nothing.
    again = api.call("POST", "/profile", body={**BASE, "currency": "EUR", "version": 1}).body
    assert (again["repriced"]["changed"], again["repriced"]["written"], again["changed"]) == (0, 0, [])
    kept = api.call("POST", "/profile", body={**BASE, "daily_budget": "25", "version": 2}).body
    assert (kept["repriced"], kept["changed"], kept["profile"]["currency"]) == (None, ["daily_budget"], "EUR")
    assert kept["profile"]["locale"] == "de_DE"  # a body without the locale keeps it


def test_a_new_home_currency_keeps_every_original(api: Api) -> None:
    _trip(api.store, "user-a")
    api.call("POST", "/profile", body={**BASE, "currency": "EUR", "version": 0})
    chf = api.call("POST", "/profile", body={**BASE, "currency": "CHF", "version": 1}).body
    assert chf["changed"] == ["currency"] and chf["repriced"]["currency"] == "CHF"
    assert chf["repriced"]["changed"] == 5  # the EUR bakery too (it is foreign money now)
    rows = {r[0]: r for r in _priced(api.store, "user-a")}
    assert rows["Train"][2:5] == ("CHF", Decimal("120.00"), "GBP")
    assert rows["Bakery"][2:5] == ("CHF", Decimal("3.20"), "EUR")


def test_an_unknown_code_or_locale_is_refused_with_its_reason_and_nothing_is_saved(api: Api) -> None:
    _trip(api.store, "user-a")
    before = _priced(api.store, "user-a")
    for field, value, words in (("currency", "XYZ", "not an ISO 4217 code"), ("currency", 978, "as text"),
                                ("locale", "xx_QQ_zz", "not a locale"), ("locale", ["de"], "not a locale")):
        reply = api.call("POST", "/profile", body={**BASE, field: value, "version": 0})
        assert reply.status == 422, (field, value)
        assert set(reply.body["errors"]) == {field} and words in reply.body["errors"][field], reply.body
    assert api.call("GET", "/profile").body["profile"]["version"] == 0
    assert _priced(api.store, "user-a") == before
    api.call("POST", "/profile", body={**BASE, "currency": "EUR", "version": 0})
    removed = api.call("POST", "/profile", body={**BASE, "currency": None, "version": 1})
    assert removed.status == 422 and "kept in EUR" in removed.body["errors"]["currency"]
    assert api.store.get_profile("user-a").currency == "EUR"
