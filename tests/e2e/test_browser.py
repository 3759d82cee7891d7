"""The real app in a real browser: `streamlit run` on 127.0.0.1, driven by Playwright in Debian's Chromium.

Screenshots of every step go to test-artifacts/screenshots/ (CI lists them after the run).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lib.core import clock
from tests.e2e.conftest import REPO, TIMEOUT, app_server, sign_in

pytestmark = pytest.mark.e2e

SHOTS = REPO / "test-artifacts" / "screenshots"
COOKIE = "finance_coach_auth"  # cookie_name in secrets.toml.example


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by `streamlit run` with a seeded demo user and the example secrets."""
    with app_server(tmp_path_factory.mktemp("e2e"), ("demo", "--user", "demo", "--name", "Demo", "--days", "200")) \
            as (url, _):
        yield url


@pytest.fixture(scope="module", autouse=True)
def clean_screenshots() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()


class Session:
    """One browser tab, its uncaught JavaScript errors, and numbered screenshots."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.url = url
        self.js_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.js_errors.append(str(exc)))

    def shot(self, name: str) -> None:
        self.page.wait_for_timeout(300)  # let charts finish their transition
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def sidebar(self):
        return self.page.get_by_test_id("stSidebar")

    def commentary(self) -> str:
        quote = self.sidebar().locator(".st-key-coach_words [data-testid='stText']")
        from playwright.sync_api import expect

        expect(quote).to_be_visible(timeout=TIMEOUT)
        return quote.inner_text().strip()

    def login(self, user: str = "demo", password: str = "demo") -> None:
        from playwright.sync_api import expect

        username = self.page.get_by_role("textbox", name="Username")
        expect(username).to_be_visible(timeout=TIMEOUT)
        sign_in(self.page, user, password)
        expect(self.sidebar().get_by_text("Signed in as")).to_be_visible(timeout=TIMEOUT)

    def cookies(self) -> list[str]:
        return [c["name"] for c in self.context.cookies()]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, app_url) -> Iterator[Session]:
    s = Session(browser, app_url)
    yield s
    s.close()
    # Font and icon downloads from the internet may fail here; an uncaught exception in the page may not.
    assert s.js_errors == [], s.js_errors


def _upload(page: Any, path: Path, shown: str) -> None:
    """Give the uploader a file and wait for its preview. A file set while the tab's first script run is
    still replacing the uploader can be dropped with the old widget; it is given again then (twice at most)."""
    from playwright.sync_api import expect

    for attempt in range(3):
        page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(path))
        try:
            expect(page.get_by_text(shown)).to_be_visible(timeout=TIMEOUT // 2)
            return
        except AssertionError:
            if attempt == 2 or page.get_by_test_id("stFileUploaderFile").count():
                raise  # the file was taken and still no preview: a real failure


def test_login_dashboard_tone_reload_and_logout(session: Session) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.goto(session.url)
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Sign in as demo with password demo")).to_be_visible()
    expect(page.get_by_text("Current streak")).to_have_count(0)
    session.shot("01-login")

    session.login()
    expect(page.get_by_text("Current streak")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible()
    # The four charts are pictures drawn on the server (issue 21), each named by its alt text.
    charts = page.get_by_role("img", name=re.compile(r"^Chart: "))
    expect(charts).to_have_count(4, timeout=TIMEOUT)
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stImage"] img')]
        .every(img => img.complete && img.naturalWidth > 0)""", timeout=TIMEOUT)
    assert page.get_by_test_id("stPlotlyChart").count() == 0  # no Plotly bundle on the dashboard
    expect(page.get_by_role("textbox", name="Username")).to_have_count(0)  # the form is gone
    session.shot("02-dashboard")
    brutal = session.commentary()

    session.sidebar().get_by_role("link", name="Settings").click()
    expect(page.get_by_role("button", name="Save settings")).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(f"{session.url}/Settings")
    assert session.commentary() == brutal
    session.shot("03-settings")

    page.get_by_text("Sarcastic", exact=True).click()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved. The coach and your streak use them now.")).to_be_visible(timeout=TIMEOUT)
    expect(session.sidebar().get_by_text("tone: sarcastic")).to_be_visible(timeout=TIMEOUT)
    sarcastic = session.commentary()
    assert sarcastic != brutal, "the coach speaks in the new voice"
    session.shot("04-settings-saved-sarcastic")

    page.reload()
    expect(page.get_by_role("button", name="Save settings")).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(f"{session.url}/Settings")
    expect(page.get_by_role("textbox", name="Username")).to_have_count(0)
    assert session.commentary() == sarcastic, "still signed in, same page, same voice"
    session.shot("05-settings-after-reload")

    assert COOKIE in session.cookies(), "the login cookie keeps a reload signed in"
    session.sidebar().get_by_role("button", name="Log out").click()
    # "You are signed out" flashes, then the cookie component's rerun shows the login form.
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    # The cookie component deletes the cookie in the browser when its frontend runs; whether or not it has,
    # the logout's new session generation refuses that cookie on every server: the reload below stays out.
    session.shot("06-logged-out")

    page.reload()
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.locator(".st-key-coach_words")).to_have_count(0)
    session.shot("07-reload-after-logout")


def _messy_csv() -> bytes:
    """A German bank export: preamble, semicolons, decimal comma, a quoted delimiter, and an
    impossible date on line 6, in the bank's Windows encoding."""
    today = clock.today()

    def d(ago: int) -> str:
        return (today - dt.timedelta(days=ago)).strftime("%d.%m.%Y")

    return (
        "Kontoauszug Girokonto 1234\n"
        "\n"
        "Buchungstag;Verwendungszweck;Betrag (EUR)\n"
        f"{d(1)};E2E REWE Markt;-23,45\n"
        f'{d(2)};"E2E Café; Bar";-3,20\n'
        "31.02.2026;Unmögliches Datum;-5,00\n"
        f"{d(3)};E2E Buchhandlung;-1.234,50\n"
    ).encode("cp1252")


def test_transactions_csv_upload_preview_and_import(session: Session, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.goto(f"{session.url}/Transactions")  # a page's URL opened directly: the gate, then that page
    session.login()
    expect(page.get_by_role("heading", name="Transactions").first).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(f"{session.url}/Transactions")

    page.get_by_role("tab", name="Import").click()
    csv = tmp_path / "konto.csv"
    csv.write_bytes(_messy_csv())
    _upload(page, csv, "3 good rows, 1 with problems")
    expect(page.get_by_text("line 6:")).to_be_visible()
    expect(page.get_by_text("31.02.2026")).to_be_visible()
    session.shot("08-import-preview")

    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("Imported 3, duplicates skipped 0, rejected 1.")).to_be_visible(timeout=TIMEOUT)
    session.shot("09-import-done")

    page.get_by_role("tab", name="Edit or delete").click()
    expect(page.get_by_text("The last 90 days.")).to_be_visible()
    session.shot("10-transactions-table")

    session.sidebar().get_by_role("link", name="Forecast").click()
    expect(page.get_by_role("heading", name="Forecast").first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Month end (median)")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT)
    session.shot("11-forecast")


def _ofx_statement() -> bytes:
    """An OFX 1.x (SGML) checking statement of the last days: two identical coffees and a salary."""
    today = clock.today()
    rows = [(1, "-4.50", "E2E1", "E2E CORNER CAFE"), (1, "-4.50", "E2E2", "E2E CORNER CAFE"),
            (2, "1800.00", "E2E3", "E2E ACME PAYROLL")]
    body = "".join(f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{today - dt.timedelta(days=ago):%Y%m%d}<TRNAMT>{amount}"
                   f"<FITID>{fitid}<NAME>{name}</STMTTRN>\r\n" for ago, amount, fitid, name in rows)
    return ("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n"
            "COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS>"
            "<CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20200101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1>"
            "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR<BANKACCTFROM>"
            "<BANKID>1<ACCTID>77<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20200101<DTEND>20991231\r\n"
            f"{body}</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20200101</LEDGERBAL></STMTRS></STMTTRNRS>"
            "</BANKMSGSRSV1></OFX>\r\n").encode("ascii")


def test_an_ofx_statement_imports_through_the_uploader_and_the_import_can_be_undone(
    session: Session, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.goto(f"{session.url}/Transactions")
    session.login()
    expect(page.get_by_role("heading", name="Transactions").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("tab", name="Import").click()
    ofx = tmp_path / "statement.ofx"
    ofx.write_bytes(_ofx_statement())
    _upload(page, ofx, "3 good rows, 0 with problems")
    session.shot("12-ofx-preview")

    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("Imported 3, duplicates skipped 0, rejected 0.")).to_be_visible(timeout=TIMEOUT)
    session.shot("13-ofx-imported")

    page.get_by_text("undo one").click()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_text("removed 3 transactions")).to_be_visible(timeout=TIMEOUT)
    session.shot("14-ofx-undone")
