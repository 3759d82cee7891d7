"""Settings precedence, the startup refusals (env, address, keys, accounts, layout), login cookies."""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import jwt
import pytest

from lib.config import Settings, load_settings
from lib.store.session_gen import Generation
from lib.web.auth import (
    EXAMPLE_COOKIE_KEY,
    LoginToken,
    auth_config,
    cookie_is_current,
    is_loopback,
    issue_token,
    oidc_display_name,
    read_token,
    startup_problems,
    startup_warnings,
)

EXAMPLE = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml.example"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
KEY = "k" * 32


def example() -> dict:
    return tomllib.loads(EXAMPLE.read_text())


def test_environment_wins_over_secrets_and_defaults_are_local_sqlite() -> None:
    assert load_settings({}, {}).store_url.startswith("sqlite:///")
    secrets = {"store": "dynamodb://FromSecrets", "bedrock": {"enabled": True, "model_id": "us.amazon.nova-micro-v1:0"}}
    s = load_settings(secrets, {})
    assert (s.store_url, s.bedrock_enabled, s.bedrock_model_id) == ("dynamodb://FromSecrets", True,
                                                                    "us.amazon.nova-micro-v1:0")
    assert load_settings(secrets, {"FINANCE_STORE": "sqlite:///tmp/x.db"}).store_url == "sqlite:///tmp/x.db"


def test_login_mode_and_user_claim_come_from_secrets_or_the_environment() -> None:
    assert (load_settings({}, {}).login, load_settings({}, {}).user_claim) == ("password", "sub")
    s = load_settings({"login": "oidc", "user_claim": "email"}, {})
    assert (s.login, s.user_claim) == ("oidc", "email")
    s = load_settings({"login": "oidc", "user_claim": "email"}, {"FINANCE_LOGIN": "password",
                                                                 "FINANCE_USER_CLAIM": "cognito:username"})
    assert (s.login, s.user_claim) == ("password", "cognito:username")


def test_the_example_secrets_serve_on_loopback_only() -> None:
    secrets = example()
    auth = auth_config(secrets)
    assert auth.usernames == ["demo"] and auth.cookie_key == EXAMPLE_COOKIE_KEY
    local = load_settings(secrets, {})
    for address in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert startup_problems(local, auth, address, secrets) == [], address
    for address in (None, "", "0.0.0.0", "::", "192.168.1.20", "example.com"):
        problems = startup_problems(local, auth, address, secrets)
        assert len(problems) == 1 and "cookie_key is the example key" in problems[0], address
    hosted = startup_problems(load_settings(secrets, {"FINANCE_ENV": "hosted"}), auth, "127.0.0.1", secrets)
    assert any("demo account" in p for p in hosted)
    assert any("cookie_key is the example key" in p for p in hosted)


@pytest.mark.parametrize("env", ["production", "prod", "hosted ", " local", "Hosted", "dev"])
def test_unknown_env_values_are_refused_and_count_as_hosted_meanwhile(env: str) -> None:
    secrets = example()
    settings = load_settings(secrets, {"FINANCE_ENV": env})
    assert settings.is_hosted  # fail closed everywhere is_hosted is asked
    problems = startup_problems(settings, auth_config(secrets), "127.0.0.1", secrets)
    assert any(f"env = {env!r}" in p and "not a known deployment" in p for p in problems)
    assert any("cookie_key is the example key" in p for p in problems)  # the strict checks ran too


@pytest.mark.parametrize(("key", "refused"), [("k", True), ("x" * 31, True), ("é" * 16, False), ("x" * 32, False)])
def test_a_cookie_key_under_32_bytes_is_refused_off_a_laptop(key: str, refused: bool) -> None:
    secrets = example()
    secrets["passwords"]["cookie_key"] = key
    auth = auth_config(secrets)
    assert startup_problems(load_settings(secrets, {}), auth, "127.0.0.1", secrets) == []  # a laptop may
    problems = startup_problems(load_settings(secrets, {}), auth, "0.0.0.0", secrets)
    assert bool(problems) is refused
    if refused:
        assert f"is {len(key.encode())} bytes; at least 32" in problems[0]


def test_case_clashes_are_refused_everywhere_with_all_their_names() -> None:
    secrets = example()
    users = secrets["passwords"]["credentials"]["usernames"]
    users["Demo"] = dict(users["demo"])
    users["DEMO"] = dict(users["demo"])
    users["bob"] = dict(users["demo"])
    problems = startup_problems(load_settings(secrets, {}), auth_config(secrets), "127.0.0.1", secrets)
    assert problems == [
        "The usernames 'DEMO' and 'Demo' and 'demo' differ only in case: the login lowercases what is typed, "
        "so one would sign in as the other and share its data. Rename or remove all but one of them in secrets.toml."
    ]


def test_no_accounts_is_explained() -> None:
    problems = startup_problems(load_settings({}, {}), auth_config({}), "127.0.0.1", {})
    assert any("secrets.toml" in p and "make run" in p for p in problems)


def test_the_old_auth_layout_is_refused_with_the_way_to_move_it() -> None:
    secrets = example()
    secrets["auth"] = secrets.pop("passwords")
    [problem] = startup_problems(load_settings(secrets, {}), auth_config(secrets), "127.0.0.1", secrets)
    assert "old layout" in problem and "[passwords.credentials.usernames.<name>]" in problem


def test_oidc_needs_its_auth_section_and_a_long_cookie_secret_off_a_laptop() -> None:
    secrets = {"login": "oidc", "auth": {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "short",
                                         "client_id": "c", "client_secret": "s",
                                         "server_metadata_url": "https://idp/.well-known/openid-configuration"}}
    settings = load_settings(secrets, {"FINANCE_ENV": "hosted"})
    [problem] = startup_problems(settings, auth_config(secrets), "0.0.0.0", secrets)
    assert "[auth] cookie_secret is 5 bytes" in problem
    secrets["auth"]["cookie_secret"] = "z" * 40
    assert startup_problems(settings, auth_config(secrets), "0.0.0.0", secrets) == []  # no [passwords] needed
    del secrets["auth"]["client_secret"]
    [problem] = startup_problems(settings, auth_config(secrets), "0.0.0.0", secrets)
    assert "needs the section [auth]" in problem and "client_secret" in problem


def test_unknown_login_mode_is_refused() -> None:
    problems = startup_problems(load_settings({"login": "ldap"}, {}), auth_config({}), "127.0.0.1", {})
    assert problems == ["login = 'ldap' (or FINANCE_LOGIN) is not known: use \"password\" or \"oidc\"."]


def test_loopback_addresses() -> None:
    assert [is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "0.0.0.0", None, "10.0.0.1")] == [
        True, True, True, False, False, False]


# -- login cookies --------------------------------------------------------------------------
def test_a_cookie_we_issue_reads_back_with_its_issue_time() -> None:
    week = 7 * 86400  # (a maximum session age of a week; the default is 12 h, see below)
    token = read_token(issue_token("demo", KEY, 7, NOW, max_age_seconds=week), KEY, NOW + dt.timedelta(days=1))
    assert token is not None and token.username == "demo" and token.issued_at == NOW.timestamp()
    assert read_token(issue_token("demo", KEY, 7, NOW, max_age_seconds=week), KEY,
                      NOW + dt.timedelta(days=7, seconds=1)) is None


def test_forged_and_foreign_cookies_are_refused() -> None:
    exp = (NOW + dt.timedelta(days=7)).timestamp()
    # The finding: the authenticator's claims signed with the published example key.
    forged = jwt.encode({"username": "bob", "exp_date": exp}, EXAMPLE_COOKIE_KEY, algorithm="HS256")
    assert read_token(forged, KEY, NOW) is None
    # The right key but no issue time (an authenticator cookie from before this release): not revocable, refused.
    assert read_token(jwt.encode({"username": "bob", "exp_date": exp}, KEY, algorithm="HS256"), KEY, NOW) is None
    unsigned = jwt.encode({"username": "bob", "exp_date": exp, "iat": NOW.timestamp()}, None, algorithm="none")
    assert read_token(unsigned, KEY, NOW) is None
    assert read_token("not a token", KEY, NOW) is None


def test_a_login_of_an_older_session_generation_is_not_current() -> None:
    # Issue 22, finding 10: revocation compares generations, never two servers' clocks.
    fast = NOW + dt.timedelta(seconds=45)  # the issuing server's clock runs 45 s fast
    token = read_token(issue_token("demo", KEY, 7, fast, gen=0), KEY, NOW)
    assert token is not None and token.gen == 0
    before_logout = Generation(0, None)
    after_logout = Generation(1, NOW)  # the logout, recorded by a server with the right time
    assert cookie_is_current(token, before_logout, NOW.timestamp(), 12 * 3600)
    assert not cookie_is_current(token, after_logout, NOW.timestamp(), 12 * 3600)
    new = read_token(issue_token("demo", KEY, 7, NOW, gen=1), KEY, NOW)
    assert new is not None and cookie_is_current(new, after_logout, NOW.timestamp(), 12 * 3600)


def test_a_cookie_lives_no_longer_than_the_maximum_session_age() -> None:
    token = read_token(issue_token("demo", KEY, 30, NOW, gen=0, max_age_seconds=12 * 3600), KEY, NOW)
    assert token is not None and token.exp_date == NOW.timestamp() + 12 * 3600
    assert read_token(issue_token("demo", KEY, 30, NOW), KEY, NOW + dt.timedelta(hours=12, seconds=1)) is None
    old = LoginToken("demo", NOW.timestamp() - 13 * 3600, NOW.timestamp() + 86400, 0)
    assert not cookie_is_current(old, Generation(0, None), NOW.timestamp(), 12 * 3600)


def test_a_cookie_without_a_generation_is_refused() -> None:
    exp = (NOW + dt.timedelta(days=7)).timestamp()
    legacy = jwt.encode({"username": "bob", "exp_date": exp, "iat": NOW.timestamp()}, KEY, algorithm="HS256")
    assert read_token(legacy, KEY, NOW) is None
    assert read_token(jwt.encode({"username": "bob", "exp_date": exp, "iat": NOW.timestamp(), "gen": "1"},
                                 KEY, algorithm="HS256"), KEY, NOW) is None


def test_hosting_with_password_logins_warns_at_start() -> None:
    assert startup_warnings(Settings(env="hosted", login="password"))
    assert "oidc" in startup_warnings(Settings(env="hosted", login="password"))[0]
    assert startup_warnings(Settings(env="local", login="password")) == []
    assert startup_warnings(Settings(env="hosted", login="oidc")) == []


def test_oidc_display_name_fallbacks() -> None:
    assert oidc_display_name({"name": "Ada L", "given_name": "Ada", "email": "a@x"}, "id") == "Ada L"
    assert oidc_display_name({"given_name": "Ada", "email": "a@x"}, "id") == "Ada"
    assert oidc_display_name({"email": "john.smith@example.com"}, "id") == "John.smith"
    assert oidc_display_name({"email": "not-an-email"}, "id-7") == "id-7"
