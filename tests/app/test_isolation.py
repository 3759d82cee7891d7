"""One user never sees another user's data on any page, whatever the URL says.

Both users' sessions run in one process, sharing every cache, as on a real server."""
from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock
from lib.core.models import validate_transaction

ALL_PAGES = ["dashboard", "transactions", "forecast", "settings"]
SECRETS = {
    "bob": ("BOB-SECRET-PURCHASE", "Bobsleighing", "4,321.09"),
    "demo": ("DEMO-SECRET-PURCHASE", "Democracy", "1,234.56"),
}
# Where a page shows a user's own transaction: its description (tables) or its category (charts, what-if).
SHOWN_ON = {"dashboard": (0, 1), "transactions": (0, 1), "forecast": (1,), "settings": ()}


@pytest.fixture
def two_users(demo_store):
    today = clock.today()
    for user, (description, category, amount) in SECRETS.items():
        for ago in (0, 3, 8):  # a few days, so the category also reaches the forecast's shares
            demo_store.add_transaction(validate_transaction(
                user, today - dt.timedelta(days=ago), amount.replace(",", ""), category, description))
    return demo_store


def _visit(make_app, seen, page: str, user: str, query: dict[str, str] | None = None) -> str:
    at = make_app(page, user=user)
    if query:
        at.query_params.update(query)
    at.run()
    at.run()  # and a rerun, from the caches
    assert not at.exception
    return seen(at)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_each_user_sees_only_their_own_transactions(make_app, two_users, seen, page: str) -> None:
    for viewer, other in (("bob", "demo"), ("demo", "bob")):
        text = _visit(make_app, seen, page, viewer)
        assert f"Signed in as **{viewer.capitalize()}** (`{viewer}`)" in text
        for i in SHOWN_ON[page]:
            assert SECRETS[viewer][i] in text, f"{viewer} should see their own {SECRETS[viewer][i]} on {page}"
        for secret in SECRETS[other]:
            assert secret not in text, f"{viewer} sees {other}'s {secret!r} on {page}"
            assert secret.replace(",", "") not in text


@pytest.mark.parametrize("page", ALL_PAGES)
def test_query_parameters_do_not_change_whose_data_is_shown(make_app, two_users, seen, page: str) -> None:
    text = _visit(make_app, seen, page, "demo", {"user": "bob", "username": "bob", "user_id": "bob"})
    assert "Signed in as **Demo** (`demo`)" in text
    for i in SHOWN_ON[page]:
        assert SECRETS["demo"][i] in text
    for secret in SECRETS["bob"]:
        assert secret not in text and secret.replace(",", "") not in text


def test_query_parameters_do_not_sign_anyone_in(make_app, two_users, seen) -> None:
    at = make_app("dashboard", user=None)
    at.query_params.update({"user": "bob", "username": "bob", "authentication_status": "true"})
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    text = seen(at)
    assert "BOB-SECRET-PURCHASE" not in text and "Signed in as" not in text
