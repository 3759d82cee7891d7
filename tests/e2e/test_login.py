"""The password login in a real browser, attacked: forged cookies, a cookie replayed after logout,
the cookie's flags (http and https). The server runs with the secrets `make run` writes."""
from __future__ import annotations

import datetime as dt
import subprocess
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from lib.core import clock
from lib.core.models import validate_transaction
from lib.store.session_gen import read_generation
from lib.store.sqlite import SQLiteStore
from lib.web.auth import EXAMPLE_COOKIE_KEY
from tests.e2e.conftest import REPO, TIMEOUT, run_cli, server_env, streamlit_server

pytestmark = pytest.mark.e2e
COACH = ".st-key-coach_words [data-testid='stText']"  # the sidebar coach's words (plain text)

COOKIE = "finance_coach_auth"
DEMO_HASH = "$2b$12$Te3rluKOIg9ANr.XusY/M.2QYC4LIvLYzrWSigarKZugEgRXrKq5e"  # "demo", as in the example


def make_secrets(tmp: Path) -> Path:
    """What `make run` does on a fresh clone: the Makefile's own recipe, in a scratch checkout."""
    (tmp / ".streamlit").mkdir()
    (tmp / ".streamlit" / "secrets.toml.example").write_text((REPO / ".streamlit" / "secrets.toml.example").read_text())
    done = subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), ".streamlit/secrets.toml"], cwd=tmp,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    secrets = tmp / ".streamlit" / "secrets.toml"
    # A second account, as an administrator adds one.
    with secrets.open("a") as f:
        f.write(f'\n[passwords.credentials.usernames.bob]\nname = "Bob"\npassword = "{DEMO_HASH}"\n')
    return secrets


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("login")
    secrets = make_secrets(tmp)
    db = tmp / "login.db"
    env = server_env(db)
    run_cli("demo", "--user", "demo", "--name", "Demo", "--days", "30", env=env)
    store = SQLiteStore(db)
    store.add_transaction(validate_transaction("bob", clock.today(), "7.77", "Coffee", "BOB-CANARY"))
    store.close()
    with streamlit_server(tmp, secrets, env) as url:
        yield {"url": url, "secrets": tomllib.loads(secrets.read_text()), "db": db}


def test_make_run_writes_a_fresh_random_cookie_key(app: dict[str, Any], tmp_path: Path) -> None:
    key = app["secrets"]["passwords"]["cookie_key"]
    assert key != EXAMPLE_COOKIE_KEY and len(key.encode()) >= 32
    other = make_secrets(tmp_path)  # another clone gets another key
    assert tomllib.loads(other.read_text())["passwords"]["cookie_key"] != key
    assert other.stat().st_mode & 0o077 == 0, "the secrets file is readable by its owner only"


def _signed_in(page: Any, name: str | None) -> None:
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    if name is None:
        expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_text("Signed in as")).to_have_count(0)
    else:
        expect(sidebar.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=TIMEOUT)


def _login(page: Any, user: str) -> None:
    from playwright.sync_api import expect

    username = page.get_by_role("textbox", name="Username")
    expect(username).to_be_visible(timeout=TIMEOUT)
    username.fill(user)
    page.get_by_role("textbox", name="Password").fill("demo")
    page.get_by_role("button", name="Login").click()
    _signed_in(page, user.capitalize())


def _login_cookie(context: Any, other_than: str | None = None) -> dict[str, Any]:
    """The login cookie once the browser has it (the authenticator's component writes it after the run)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE and c["value"] != other_than]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {COOKIE} cookie was set")


def _with_cookie(browser: Any, url: str, value: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": COOKIE, "value": value, "url": url}])
    return context


@pytest.mark.parametrize("with_iat", [False, True])
def test_a_cookie_forged_with_the_example_key_is_refused(browser: Any, app: dict[str, Any], with_iat: bool) -> None:
    from playwright.sync_api import expect

    now = time.time()
    # The finding exactly (the authenticator's claims), and the same with an issue time added.
    claims: dict[str, Any] = {"username": "bob", "exp_date": now + 7 * 86400}
    if with_iat:
        claims["iat"] = now
    context = _with_cookie(browser, app["url"], jwt.encode(claims, EXAMPLE_COOKIE_KEY, algorithm="HS256"))
    page = context.new_page()
    page.goto(app["url"])
    _signed_in(page, None)
    expect(page.get_by_text("Your coach says")).to_have_count(0)
    context.close()


def test_a_genuine_cookie_signs_in_so_the_refusals_above_can_fail(browser: Any, app: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    now = time.time()
    key = app["secrets"]["passwords"]["cookie_key"]
    gen = read_generation(SQLiteStore(app["db"]), "bob").number  # the session generation (issue 22)
    token = jwt.encode({"username": "bob", "exp_date": now + 86400, "iat": now, "gen": gen}, key, algorithm="HS256")
    context = _with_cookie(browser, app["url"], token)
    page = context.new_page()
    page.goto(app["url"])
    _signed_in(page, "Bob")
    # Bob's own data: his one purchase today (the demo user spends other amounts).
    expect(page.get_by_test_id("stSidebar").locator(COACH)).to_contain_text("7.77", timeout=TIMEOUT)
    context.close()


def test_a_cookie_replayed_after_logout_is_refused(browser: Any, app: dict[str, Any]) -> None:
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = first.new_page()
    page.goto(app["url"])
    _login(page, "demo")
    stolen = _login_cookie(first)["value"]

    # Before the logout, the copied cookie opens a fresh browser (so the refusal below means something).
    second = _with_cookie(browser, app["url"], stolen)
    other = second.new_page()
    other.goto(app["url"])
    _signed_in(other, "Demo")

    second.close()
    page.bring_to_front()
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    _signed_in(page, None)
    store = SQLiteStore(app["db"])
    assert read_generation(store, "demo").number >= 1, "the logout is recorded in the table"
    store.close()

    third = _with_cookie(browser, app["url"], stolen)
    replay = third.new_page()
    replay.goto(app["url"])
    _signed_in(replay, None)
    replay.reload()  # every new session from it is refused, not just the first
    _signed_in(replay, None)

    _login(replay, "demo")  # signing in again works, with a new cookie
    _login_cookie(third, other_than=stolen)
    for context in (first, third):
        context.close()


def test_a_cookie_from_a_server_whose_clock_runs_fast_is_revoked_by_logout(browser: Any,
                                                                          app: dict[str, Any]) -> None:
    """Issue 22, finding 10: revocation compares generations, not the issuing and the logging-out clocks."""
    now = time.time()
    key = app["secrets"]["passwords"]["cookie_key"]
    gen = read_generation(SQLiteStore(app["db"]), "bob").number
    fast = now + 45  # the server that issued it runs 45 s ahead
    token = jwt.encode({"username": "bob", "exp_date": fast + 3600, "iat": fast, "gen": gen}, key, algorithm="HS256")
    first = _with_cookie(browser, app["url"], token)
    page = first.new_page()
    page.goto(app["url"])
    _signed_in(page, "Bob")  # accepted before the logout (so the refusal below can fail)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    _signed_in(page, None)
    first.close()

    replay = _with_cookie(browser, app["url"], token)
    again = replay.new_page()
    again.goto(app["url"])
    _signed_in(again, None)
    replay.close()


def test_logging_out_on_one_device_ends_the_session_open_on_another(browser: Any, app: dict[str, Any]) -> None:
    """Issue 22, finding 1: device B, signed in and open, is signed out at its next click after A's logout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    a_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    b_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    device_a, device_b = a_context.new_page(), b_context.new_page()
    for page in (device_a, device_b):
        page.goto(app["url"])
        _login(page, "bob")
    # One page in front at a time: Chromium throttles a background page's timers.
    device_a.bring_to_front()
    _signed_in(device_a, "Bob")
    device_a.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    _signed_in(device_a, None)

    device_b.bring_to_front()
    # B's next run (a click; or the browser's own rerun when the tab comes back) finds the session ended.
    # The two can race: the rerun may replace the sidebar while the click waits for its link, so the
    # click is retried briefly and a link gone because the session ended counts as the run having happened.
    ended = device_b.get_by_text("this session has ended")
    link = device_b.get_by_test_id("stSidebar").get_by_role("link", name="Transactions")
    for _attempt in range(5):
        if ended.count():
            break
        try:
            link.click(timeout=3_000)
            break
        except PlaywrightTimeout:
            continue
    _signed_in(device_b, None)
    expect(ended).to_be_visible(timeout=TIMEOUT)
    device_b.reload()  # its cookie is of the old generation: refused too
    _signed_in(device_b, None)
    for context in (a_context, b_context):
        context.close()


def test_the_cookie_flags_over_http(browser: Any, app: dict[str, Any]) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(app["url"])
    _login(page, "bob")
    cookie = _login_cookie(context)
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain http: a Secure cookie would never be sent back
    # Not HttpOnly: streamlit-authenticator's cookie component writes it from JavaScript, and a
    # script can never set HttpOnly. Revocation at logout is what bounds a stolen cookie.
    assert cookie["httpOnly"] is False
    assert cookie["expires"] > time.time() + 6 * 86400  # cookie_expiry_days = 7
    context.close()


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_the_cookie_is_secure_when_served_over_https(browser: Any, app: dict[str, Any], tmp_path: Path) -> None:
    secrets = make_secrets(tmp_path)
    with streamlit_server(tmp_path, secrets, server_env(app["db"]), ssl_files=_self_signed(tmp_path)) as url:
        assert url.startswith("https://")
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        page.goto(url)
        _login(page, "bob")
        cookie = _login_cookie(context)
        assert (cookie["secure"], cookie["sameSite"]) == (True, "Strict")
        page.reload()  # and the browser sends it back: still signed in
        _signed_in(page, "Bob")
        context.close()
