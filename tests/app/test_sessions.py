"""Issue 22, the dashboard side: sessions end when the user logs out anywhere or when they expire,
OIDC identities are held to their ID token, a maximum age and a verified email, and password
guesses are slowed then locked per username (the same words for names that do not exist)."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from lib.store.session_gen import end_all_sessions, read_generation
from lib.store.throttle import MAX_FAILURES, record_failure
from tests.app.conftest import app_secrets

ENDED = "You logged out (on this or another device), so this session has ended. Sign in again."
EXPIRED = "Your session has expired. Sign in again."


def _form_shown(at) -> bool:
    return [t.label for t in at.text_input] == ["Username", "Password"]


def _sign_in(make_app, user: str = "demo", password: str = "demo", secrets: dict | None = None):
    at = make_app("dashboard", user=None, secrets=secrets).run()
    at.text_input[0].input(user)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


# -- finding 1: logout ends every open session; an expiry holds inside an open session -----------
def test_logging_out_on_one_device_ends_the_open_session_on_another(make_app, demo_store) -> None:
    secrets = app_secrets()
    device_a = _sign_in(make_app, secrets=secrets)
    device_b = _sign_in(make_app, secrets=secrets)
    assert not device_a.exception and not device_b.exception
    assert "Current streak" in [m.label for m in device_b.metric]

    device_a.sidebar.button(key="logout_button").click().run()
    assert "You are signed out" in device_a.success[0].value

    device_b.run()  # B's next click
    assert not device_b.exception
    assert _form_shown(device_b) and len(device_b.metric) == 0 and len(device_b.sidebar.children) == 0
    assert [w.value for w in device_b.warning] == [ENDED]
    # B signs in again and is in: the new login is of the new generation.
    device_b.text_input[0].input("demo")
    device_b.text_input[1].input("demo")
    device_b.button[0].click().run()
    assert "Current streak" in [m.label for m in device_b.metric]
    device_b.run()
    assert "Current streak" in [m.label for m in device_b.metric]


def test_a_logout_recorded_by_another_server_reaches_this_one_when_its_cache_turns(make_app, demo_store,
                                                                                   store_path) -> None:
    from lib.web import sessions

    at = _sign_in(make_app)
    assert "Current streak" in [m.label for m in at.metric]
    end_all_sessions(demo_store, "demo", dt.datetime.now(dt.UTC))  # another server's logout
    sessions.generation_cache(f"sqlite:///{store_path}").clear()  # what 30 s do to this server's cache
    at.run()
    assert _form_shown(at) and [w.value for w in at.warning] == [ENDED]


def test_a_session_ends_at_its_expiry_even_while_open(make_app, demo_store) -> None:
    at = _sign_in(make_app)
    session = at.session_state["_session"]
    assert session["ends"] - time.time() <= 12 * 3600 + 5  # never longer than the maximum age
    at.session_state["_session"] = {**session, "ends": time.time() - 1}  # the cookie's expiry has passed
    at.run()
    assert not at.exception
    assert _form_shown(at) and [w.value for w in at.warning] == [EXPIRED]
    assert len(at.metric) == 0


# -- finding 7: password guessing -------------------------------------------------------------------
def test_failed_passwords_make_the_username_wait_then_lock_it(make_app, demo_store, monkeypatch) -> None:
    frozen = dt.datetime.now(dt.UTC)
    monkeypatch.setattr("lib.core.clock.now", lambda: frozen)  # the guesses come faster than any wait
    at = make_app("dashboard", user=None).run()
    errors = []
    for _ in range(5):
        at.text_input[0].input("demo")
        at.text_input[1].input("wrong-guess")
        at.button[0].click().run()
        errors.append(at.error[0].value)
    assert errors[:3] == ["Username or password is incorrect."] * 3, errors  # typos cost nothing
    assert all(e.startswith("Too many failed sign-ins for this username") for e in errors[3:])
    # During the wait even the right password is not checked.
    at.text_input[0].input("demo")
    at.text_input[1].input("demo")
    at.button[0].click().run()
    assert _form_shown(at) and at.error[0].value.startswith("Too many failed sign-ins"), [e.value for e in at.error]
    assert not at.session_state["authentication_status"]
    # Once the wait has passed, the right password gets in (and clears the count).
    frozen += dt.timedelta(minutes=2)
    at.text_input[0].input("demo")
    at.text_input[1].input("demo")
    at.button[0].click().run()
    assert at.session_state["authentication_status"] is True


@pytest.mark.parametrize("username", ["demo", "nobody-by-this-name"])
def test_after_ten_failures_a_username_is_locked_for_15_minutes_known_or_not(make_app, demo_store,
                                                                             username: str) -> None:
    now = time.time()
    for _ in range(MAX_FAILURES):
        record_failure(demo_store, username, now)
    at = make_app("dashboard", user=None).run()
    at.text_input[0].input(username)
    at.text_input[1].input("demo")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Too many failed sign-ins for this username: it is locked for 15 minutes."]
    assert not at.session_state["authentication_status"]
    # Another username is not affected; a success clears its own count.
    ok = _sign_in(make_app, "bob", "demo")
    assert ok.session_state["authentication_status"] is True


def test_an_unknown_username_gets_the_same_words_as_a_wrong_password(make_app, demo_store) -> None:
    words = []
    for name in ("demo", "nobody-by-this-name"):
        at = _sign_in(make_app, name, "wrong-guess")
        words.append([e.value for e in at.error])
    assert words[0] == words[1] == ["Username or password is incorrect."]


# -- findings 3 and 4 on the dashboard: OIDC identities ----------------------------------------------
def _oidc(make_app, monkeypatch, claims: dict, user_claim: str = "sub"):
    from tests.app.test_gate import oidc_secrets

    monkeypatch.setenv("FINANCE_USER_CLAIM", user_claim)
    at = make_app("dashboard", user=None, secrets=oidc_secrets())
    at.user = {"is_logged_in": True, "sub": "oidc-sub-1", **claims}
    return at.run()


def test_an_oidc_identity_whose_id_token_expired_or_is_too_old_is_sent_to_sign_in_again(
    make_app, store, monkeypatch
) -> None:
    now = time.time()
    # Finding 4: issued 29 days ago, ID token long expired.
    at = _oidc(make_app, monkeypatch, {"iat": now - 29 * 86400, "exp": now - 29 * 86400 + 3600})
    assert [w.value for w in at.warning] == ["Your sign-in has expired. Sign in again."]
    assert [b.label for b in at.button] == ["Sign in again"] and len(at.metric) == 0
    # A token still valid but from a sign-in 13 hours ago (auth_time): older than the maximum age.
    at = _oidc(make_app, monkeypatch, {"iat": now - 60, "exp": now + 3000, "auth_time": now - 13 * 3600})
    assert [w.value for w in at.warning] == ["Your sign-in is older than 12 hours. Sign in again."]
    # A fresh one is in, and its session ends with its ID token.
    at = _oidc(make_app, monkeypatch, {"iat": now - 60, "exp": now + 3000})
    assert not at.warning and len(at.metric) > 0
    assert abs(at.session_state["_session"]["ends"] - (now + 3000)) < 1
    at.session_state["_session"] = {**at.session_state["_session"], "ends": time.time() - 1}
    at.run()
    assert [w.value for w in at.warning] == [EXPIRED] and len(at.metric) == 0


@pytest.mark.parametrize("verified", [False, "false", None])
def test_with_email_as_the_user_id_an_unverified_address_gets_no_dashboard(make_app, store, monkeypatch,
                                                                           verified) -> None:
    from lib.core import clock
    from lib.core.models import validate_transaction

    store.add_transaction(validate_transaction("ada@example.com", clock.today(), "4.20", "Coffee", "ADA-ONLY"))
    claims = {"email": "ada@example.com", "iat": time.time(), "exp": time.time() + 600}
    if verified is not None:
        claims["email_verified"] = verified
    at = _oidc(make_app, monkeypatch, claims, user_claim="email")
    assert not at.exception
    assert "verified your email" in at.warning[0].value
    assert len(at.metric) == 0 and "ADA-ONLY" not in str(at.main)


def test_an_oidc_session_open_on_another_device_ends_after_logout(make_app, store, store_path,
                                                                   monkeypatch) -> None:
    from lib.web import sessions

    now = time.time()
    at = _oidc(make_app, monkeypatch, {"iat": now - 60, "exp": now + 3000})
    assert not at.warning
    # The logout on another device of this server (its generation is remembered by the process cache).
    sessions.generation_cache(f"sqlite:///{store_path}").remember(
        "oidc-sub-1", end_all_sessions(store, "oidc-sub-1", dt.datetime.now(dt.UTC)))
    at.run()
    assert [w.value for w in at.warning] == [ENDED] and len(at.metric) == 0
    assert read_generation(store, "oidc-sub-1").number == 1
