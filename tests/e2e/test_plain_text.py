"""Text from an imported file is shown as text in Chromium: a markdown image is never fetched, a link never made."""
from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest

from tests.e2e.test_browser import TIMEOUT, Session, app_url  # noqa: F401 - the shared server (the browser is conftest's)

pytestmark = pytest.mark.e2e


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def tracker() -> Iterator[str]:
    """A local server that counts every request: a rendered image or a followed link shows up here."""
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def tab(browser, app_url) -> Iterator[Session]:  # noqa: F811 - the fixtures imported above
    s = Session(browser, app_url)
    yield s
    s.close()
    assert s.js_errors == [], s.js_errors


def test_an_imported_markdown_image_and_link_are_shown_as_text_and_never_fetched(
    tab: Session, tracker: str, tmp_path
) -> None:
    from playwright.sync_api import expect

    session = tab
    image, link = f"![p]({tracker}/pixel.png)", f"[win]({tracker}/link)"
    csv = tmp_path / "bank.csv"
    # The bad date cell is echoed in the import warning: the place text of the file reaches a message.
    csv.write_text(f"Date,Amount,Description\n2026-01-05,-4.20,Coffee\n{image} {link},-1.00,x\n", encoding="utf-8")
    page = session.page
    page.goto(session.url)
    session.login()
    session.sidebar().get_by_role("link", name="Transactions").click()
    expect(page).to_have_url(f"{session.url}/Transactions", timeout=TIMEOUT)
    session.shot("plain-text-transactions")
    page.get_by_role("tab", name="Import").click()
    page.locator("input[type=file]").set_input_files(str(csv))
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("![p](", timeout=TIMEOUT)  # the user sees what the file says, as text
    expect(warning).to_contain_text("[win](")
    session.shot("plain-text-import-warning")
    assert page.locator(f"img[src^='{tracker}']").count() == 0
    assert page.locator(f"a[href^='{tracker}']").count() == 0
    page.wait_for_timeout(1000)
    assert _Counter.hits == [], _Counter.hits
