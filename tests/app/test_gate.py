"""The login gate on every page: logged out shows only the login form; a hosted deployment with
the published demo account or cookie key refuses to start and says why."""
from __future__ import annotations

import datetime as dt

import pytest

from lib.models import validate_transaction

ALL_PAGES = ["dashboard", "transactions", "forecast", "settings"]


def _login_form_shown(at) -> None:
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.button] == ["Login"]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_logged_out_every_page_shows_only_the_login_form(make_app, demo_store, seen, page: str) -> None:
    demo_store.add_transaction(validate_transaction("demo", dt.date.today(), "4.20", "Coffee", "GATE-CANARY"))
    at = make_app(page, user=None).run()

    assert not at.exception
    _login_form_shown(at)
    assert [i.value for i in at.info] == ["Trying it out? Sign in as **demo** with password **demo**."]
    # No data, no chrome: nothing of the user's leaks before the login.
    assert len(at.metric) == 0
    assert len(at.get("plotly_chart")) == 0
    assert len(at.dataframe) == 0
    assert len(at.sidebar.children) == 0
    text = seen(at)
    assert "GATE-CANARY" not in text and "Signed in as" not in text and "Your coach says" not in text

    # The same session once signed in: the page and its chrome appear (the checks above can fail).
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "demo"
    at.session_state["name"] = "Demo"
    at.run()
    assert not at.exception
    assert "Username" not in [t.label for t in at.text_input]
    text = seen(at)
    assert "Signed in as" in text and "Your coach says" in text
    if page in ("dashboard", "transactions"):
        assert "GATE-CANARY" in text


def test_a_wrong_password_is_refused_with_a_message(make_app, demo_store) -> None:
    at = make_app("dashboard", user=None).run()
    at.text_input[0].input("demo")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()

    assert not at.exception
    assert [e.value for e in at.error] == ["Username or password is incorrect."]
    _login_form_shown(at)
    assert len(at.metric) == 0 and len(at.sidebar.children) == 0


def test_logging_in_through_the_form_shows_the_dashboard(make_app, demo_store, seen) -> None:
    at = make_app("dashboard", user=None).run()
    _login_form_shown(at)
    at.text_input[0].input("demo")
    at.text_input[1].input("demo")
    at.button[0].click().run()

    assert not at.exception
    assert at.session_state["username"] == "demo"
    assert "Current streak" in [m.label for m in at.metric]
    assert len(at.text_input) == 0, "the login form is gone once signed in"
    assert "Signed in as **Demo** (`demo`)" in seen(at, "sidebar")

    at.run()  # the next rerun keeps the user signed in
    assert "Current streak" in [m.label for m in at.metric]


@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.parametrize("user", [None, "demo"])
def test_hosted_with_the_example_secrets_refuses_to_start_and_says_why(
    make_app, demo_store, monkeypatch: pytest.MonkeyPatch, seen, page: str, user: str | None
) -> None:
    monkeypatch.setenv("FINANCE_ENV", "hosted")
    at = make_app(page, user=user).run()

    assert not at.exception
    [error] = at.error
    assert "refuses to start" in error.value
    assert "demo account" in error.value  # the published demo/demo login
    assert "cookie key" in error.value  # the example cookie key from the repository
    # Nothing else is served: no login form, no data, no sidebar.
    assert len(at.text_input) == 0 and len(at.metric) == 0 and len(at.sidebar.children) == 0
    assert "Sign in as **demo**" not in seen(at)
