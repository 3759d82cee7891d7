"""The login gate on every page: logged out shows only the login form; a deployment with the
published cookie key, an unknown env, clashing usernames or the old secrets layout refuses to start
and says why; logout revokes; the OIDC login (st.login) gates the same way."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from lib.core import clock
from lib.core.models import validate_transaction
from lib.store.session_gen import end_all_sessions, read_generation
from tests.app.conftest import app_secrets, example_secrets

ALL_PAGES = ["dashboard", "transactions", "forecast", "settings"]


def _login_form_shown(at) -> None:
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.button] == ["Login"]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_logged_out_every_page_shows_only_the_login_form(make_app, demo_store, seen, page: str) -> None:
    demo_store.add_transaction(validate_transaction("demo", clock.today(), "4.20", "Coffee", "GATE-CANARY"))
    at = make_app(page, user=None).run()

    assert not at.exception
    _login_form_shown(at)
    assert [i.value for i in at.info] == ["Trying it out? Sign in as **demo** with password **demo**."]
    # No data, no chrome: nothing of the user's leaks before the login.
    assert len(at.metric) == 0
    assert len(at.get("plotly_chart")) == 0 and len(at.get("image")) == 0
    assert len(at.dataframe) == 0 and len(at.table) == 0
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
    at = make_app(page, user=user, secrets=example_secrets()).run()

    assert not at.exception
    [error] = at.error
    assert "refuses to start" in error.value
    assert "demo account" in error.value  # the published demo/demo login
    assert "cookie_key is the example key" in error.value  # the example cookie key from the repository
    # Nothing else is served: no login form, no data, no sidebar.
    assert len(at.text_input) == 0 and len(at.metric) == 0 and len(at.sidebar.children) == 0
    assert "Sign in as **demo**" not in seen(at)


def _refusal(at) -> str:
    """The one startup refusal on the page; nothing else is served (no form, no data, no sidebar)."""
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("The app refuses to start")
    assert len(at.text_input) == 0 and len(at.metric) == 0 and len(at.sidebar.children) == 0
    return str(error.value)


def test_the_example_key_is_refused_when_the_server_listens_beyond_loopback(make_app, demo_store) -> None:
    # `streamlit run` without --server.address listens on every address (AppTest has none set either):
    # a local env does not make that a laptop, so the published key could forge logins from the network.
    text = _refusal(make_app("dashboard", user=None, secrets=example_secrets()).run())
    assert "cookie_key is the example key" in text
    assert "every address" in text and "token_urlsafe(32)" in text  # why, and what to change


@pytest.mark.parametrize("env", ["production", "prod", "hosted ", "Local", "LOCAL"])
def test_an_unknown_env_is_an_error_not_local(make_app, demo_store, monkeypatch, env: str) -> None:
    monkeypatch.setenv("FINANCE_ENV", env)
    text = _refusal(make_app("dashboard", user="demo").run())
    assert f"env = {env!r}" in text and "is not a known deployment" in text
    assert 'exactly "local"' in text


def test_a_short_cookie_key_is_refused_when_hosted(make_app, demo_store, monkeypatch) -> None:
    monkeypatch.setenv("FINANCE_ENV", "hosted")
    secrets = app_secrets()
    del secrets["passwords"]["credentials"]["usernames"]["demo"]
    secrets["passwords"]["cookie_key"] = "k"
    text = _refusal(make_app("dashboard", user=None, secrets=secrets).run())
    assert "cookie_key is 1 bytes; at least 32 are needed" in text
    assert "demo" not in text  # only what is wrong is listed

    secrets["passwords"]["cookie_key"] = "x" * 32  # long enough: the same deployment now serves its login
    at = make_app("dashboard", user=None, secrets=secrets).run()
    assert not at.exception and not at.error
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_usernames_differing_only_in_case_are_refused_with_their_names(make_app, demo_store) -> None:
    # Before: the authenticator lowercased both into one account, so DEMO's password opened demo's data.
    secrets = app_secrets()
    accounts = secrets["passwords"]["credentials"]["usernames"]
    accounts["DEMO"] = {"name": "Impostor", "email": "x@example.com", "password": accounts["demo"]["password"]}
    text = _refusal(make_app("dashboard", user=None, secrets=secrets).run())
    assert "The usernames 'DEMO' and 'demo' differ only in case" in text


def test_the_old_secrets_layout_says_how_to_move_it(make_app, demo_store) -> None:
    secrets = app_secrets()
    secrets["auth"] = secrets.pop("passwords")
    text = _refusal(make_app("dashboard", user=None, secrets=secrets).run())
    assert "old layout" in text and "Rename [auth] to [passwords]" in text


def test_logout_revokes_the_users_earlier_logins(make_app, demo_store) -> None:
    # (Issue 22: revocation is the user's session generation, no longer a "valid after" time.)
    assert read_generation(demo_store, "demo").number == 0
    at = make_app("dashboard", user="demo").run()
    before = time.time()
    at.sidebar.button(key="logout_button").click().run()

    assert not at.exception
    [signed_out] = at.success
    assert "You are signed out" in signed_out.value
    revoked = read_generation(demo_store, "demo")
    assert revoked.number == 1 and revoked.ended_at is not None and revoked.ended_at.timestamp() >= before - 1
    assert read_generation(demo_store, "bob").number == 0  # other users keep their logins


# -- OIDC (st.login) -------------------------------------------------------------------------
def oidc_secrets() -> dict:
    secrets = app_secrets()
    secrets["login"] = "oidc"
    secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s" * 40,
        "client_id": "coach", "client_secret": "c" * 40,
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    return secrets


def test_oidc_logged_out_shows_only_a_sign_in_button(make_app, demo_store, seen) -> None:
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception and not at.error
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.text_input) == 0 and len(at.metric) == 0 and len(at.sidebar.children) == 0
    assert "Sign in as **demo**" not in seen(at)


@pytest.mark.parametrize(
    ("claims", "shown"),
    [
        ({"name": "Ada Lovelace", "given_name": "Ada", "email": "ada@example.com"}, "Ada Lovelace"),
        ({"given_name": "Ada", "email": "ada@example.com"}, "Ada"),
        ({"email": "ada.l@example.com"}, "Ada.l"),
    ],
)
def test_oidc_user_id_is_the_claim_and_the_name_falls_back(make_app, store, seen, claims, shown) -> None:
    store.add_transaction(validate_transaction("oidc-sub-1", clock.today(), "4.20", "Coffee", "OIDC-MINE"))
    store.add_transaction(validate_transaction("demo", clock.today(), "9.99", "Coffee", "DEMO-NOT-MINE"))
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    at.user = {"is_logged_in": True, "sub": "oidc-sub-1", "iat": time.time(), **claims}
    at.run()

    assert not at.exception
    text = seen(at)
    assert f"Signed in as **{shown}** (`oidc-sub-1`)" in text
    assert f"{shown}, here is the damage" in text  # the profile's default name
    assert "OIDC-MINE" in text and "DEMO-NOT-MINE" not in text


def test_oidc_user_claim_is_configurable_and_a_missing_claim_is_explained(make_app, store, monkeypatch) -> None:
    monkeypatch.setenv("FINANCE_USER_CLAIM", "email")
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    # (email_verified: an unproven address is no identity, issue 22; see tests/app/test_sessions.py)
    at.user = {"is_logged_in": True, "sub": "x", "email": "ada@example.com", "email_verified": True,
               "iat": time.time()}
    at.run()
    assert not at.exception
    assert at.session_state["_oidc_checked"] == "ada@example.com"

    monkeypatch.setenv("FINANCE_USER_CLAIM", "cognito:username")
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    at.user = {"is_logged_in": True, "sub": "x", "iat": time.time()}
    at.run()
    assert not at.exception
    [error] = at.error
    assert "no 'cognito:username' claim" in error.value and len(at.metric) == 0


def test_oidc_login_issued_before_the_users_logout_is_refused(make_app, store) -> None:
    issued = time.time() - 60
    end_all_sessions(store, "oidc-sub-1", dt.datetime.now(dt.UTC))
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    at.user = {"is_logged_in": True, "sub": "oidc-sub-1", "iat": issued}
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["This login ended when you logged out. Sign in again."]
    assert len(at.metric) == 0 and len(at.sidebar.children) == 0


def test_oidc_without_an_auth_section_refuses_to_start(make_app, demo_store) -> None:
    secrets = app_secrets()
    secrets["login"] = "oidc"
    text = _refusal(make_app("dashboard", user=None, secrets=secrets).run())
    assert 'login = "oidc" needs the section [auth]' in text and "server_metadata_url" in text
