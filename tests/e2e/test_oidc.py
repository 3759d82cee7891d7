"""OIDC login end to end: the app's st.login against a real OpenID provider (npm oidc-provider,
tests/e2e/oidc_provider.mjs) on 127.0.0.1 with two users, in headless Chromium. No mocks of the flow."""
from __future__ import annotations

import json
import secrets as secrets_module
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from lib.core import clock
from lib.core.models import validate_transaction
from lib.store.sqlite import SQLiteStore
from tests.e2e.conftest import REPO, free_port, node_server, server_env, streamlit_server

pytestmark = pytest.mark.e2e
COACH = ".st-key-coach_words [data-testid='stText']"  # the sidebar coach's words (plain text)
TIMEOUT = 60_000  # ms: a login crosses two servers and three redirects on a busy 2-core box

PROVIDER = REPO / "tests" / "e2e" / "oidc_provider.mjs"
USERS = {
    "alice": {"password": "alice-pw-1", "sub": "sub-alice-7f3", "email": "alice@example.com", "name": "Alice Example"},
    # No name claims: the display name falls back to the email's local part, capitalised.
    "bob": {"password": "bob-pw-2", "sub": "sub-bob-91c", "email": "bob.builder@example.com"},
}


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if shutil.which("node") is None or not (REPO / "node_modules" / "oidc-provider").exists():
        pytest.fail("the OIDC test needs Node.js and the npm package oidc-provider: run `npm ci`.")
    tmp = tmp_path_factory.mktemp("oidc")
    idp_port, app_port = free_port(), free_port()
    issuer, app_url = f"http://127.0.0.1:{idp_port}", f"http://127.0.0.1:{app_port}"
    client_secret = secrets_module.token_urlsafe(32)
    idp_env = {"OIDC_PORT": str(idp_port), "OIDC_CLIENT_ID": "tough-love-coach", "OIDC_CLIENT_SECRET": client_secret,
               "OIDC_REDIRECT_URI": f"{app_url}/oauth2callback", "OIDC_USERS": json.dumps(USERS)}
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'''env = "local"
login = "oidc"

[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "{secrets_module.token_urlsafe(32)}"
client_id = "tough-love-coach"
client_secret = "{client_secret}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
''')
    db = tmp / "oidc.db"
    store = SQLiteStore(db)
    store.init()
    today = clock.today()
    store.add_transaction(validate_transaction(USERS["alice"]["sub"], today, "3.33", "Coffee", "ALICE-ONLY"))
    store.add_transaction(validate_transaction(USERS["bob"]["sub"], today, "8.88", "Coffee", "BOB-ONLY"))
    store.close()
    with node_server(PROVIDER, tmp, idp_env, f"{issuer}/.well-known/openid-configuration"), \
            streamlit_server(tmp, secrets, server_env(db), port=app_port) as url:
        yield {"url": url, "issuer": issuer, "db": db}


def _signed_out(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_text("Your coach says")).to_have_count(0)


def _sign_in_at_provider(page: Any, app: dict[str, Any], user: str) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible(timeout=TIMEOUT)
    assert page.url.startswith(app["issuer"]), "the login form is the provider's"
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(USERS[user]["password"])
    page.get_by_role("button", name="Sign in").click()


def _log_out(page: Any) -> None:
    """Click the sidebar's Log out; the script run answers with a redirect to the provider's end-session page."""
    from playwright.sync_api import expect

    button = page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")
    expect(button).to_be_enabled(timeout=TIMEOUT)
    button.focus()
    page.keyboard.press("Enter")  # a keyboard press: no pointer actionability wait behind the redirect
    expect(page.get_by_role("button", name="Yes, sign me out")).to_be_visible(timeout=TIMEOUT)


def _coach(page: Any) -> Any:
    return page.get_by_test_id("stSidebar").locator(COACH)


def test_sign_in_own_data_reload_log_out_stays_out(browser: Any, oidc_app: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(oidc_app["url"])
    _signed_out(page)

    # A wrong password stays at the provider.
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    page.goto(oidc_app["url"])
    _signed_out(page)

    _sign_in_at_provider(page, oidc_app, "alice")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as Alice Example (sub-alice-7f3)")).to_be_visible(timeout=TIMEOUT)
    assert page.url.rstrip("/") == oidc_app["url"], "back on the app, not the provider"
    expect(_coach(page)).to_contain_text("3.33", timeout=TIMEOUT)  # her purchase, never Bob's 8.88
    expect(_coach(page)).not_to_contain_text("8.88")
    expect(page.get_by_role("heading", name="Alice Example, here is the damage")).to_be_visible()

    page.reload()
    expect(sidebar.get_by_text("Signed in as Alice Example")).to_be_visible(timeout=TIMEOUT)
    expect(_coach(page)).to_contain_text("3.33", timeout=TIMEOUT)
    identity = [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
    assert identity and all(c["httpOnly"] for c in identity), "Streamlit's identity cookie is HttpOnly"

    _log_out(page)
    # The provider's own session ends too: its end-session page asks, then returns to the app.
    expect(page.get_by_role("button", name="Yes, sign me out")).to_be_visible(timeout=TIMEOUT)
    assert page.url.startswith(f"{oidc_app['issuer']}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    _signed_out(page)
    assert page.url.startswith(oidc_app["url"])

    page.reload()
    _signed_out(page)
    # Signing in again asks for a password: the provider forgot Alice (no "continue as").
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Continue as")).to_have_count(0)
    context.close()


def test_a_second_user_sees_only_their_data_and_the_profile_name_wins(
    browser: Any, oidc_app: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(oidc_app["url"])
    _signed_out(page)
    _sign_in_at_provider(page, oidc_app, "bob")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as Bob.builder (sub-bob-91c)")).to_be_visible(timeout=TIMEOUT)
    expect(_coach(page)).to_contain_text("8.88", timeout=TIMEOUT)
    expect(_coach(page)).not_to_contain_text("3.33")

    # A display name saved in the profile is the one the app uses from then on (the token's is only a default).
    sidebar.get_by_role("link", name="Settings").click()
    name = page.get_by_role("textbox", name="Display name")
    expect(name).to_have_value("Bob.builder", timeout=TIMEOUT)
    name.fill("Robert")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved.")).to_be_visible(timeout=TIMEOUT)
    page.goto(oidc_app["url"])
    expect(page.get_by_role("heading", name="Robert, here is the damage")).to_be_visible(timeout=TIMEOUT)
    expect(_coach(page)).to_contain_text("Robert", timeout=TIMEOUT)
    context.close()


def test_an_identity_cookie_replayed_after_logout_is_refused(browser: Any, oidc_app: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(oidc_app["url"])
    _sign_in_at_provider(page, oidc_app, "alice")
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as Alice Example")).to_be_visible(timeout=TIMEOUT)
    stolen = [c for c in context.cookies() if c["name"].startswith("_streamlit")]
    time.sleep(1.1)  # the ID token's iat has whole seconds: the logout must come after it
    _log_out(page)
    page.get_by_role("button", name="Yes, sign me out").click()
    _signed_out(page)
    context.close()

    replay = browser.new_context(viewport={"width": 1400, "height": 1000})
    replay.add_cookies(stolen)
    page = replay.new_page()
    page.goto(oidc_app["url"])
    expect(page.get_by_text("This login ended when you logged out. Sign in again.")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_text("Your coach says")).to_have_count(0)
    replay.close()
