"""Issue 25 in a real browser: Chromium set to German signs in as a user whose home currency is EUR; every card reads
"1.234,50 €"-style, and the browser's locale is saved on the profile for the nudges and the CLI."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.store.sqlite import SQLiteStore
from tests.e2e.conftest import TIMEOUT, app_server, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with app_server(tmp_path_factory.mktemp("e2e-money"), ("init",), ("demo", "--user", "demo", "--days", "120"),
                    ("profile", "--user", "demo", "--currency", "EUR")) as served:
        yield served


def test_a_german_browser_sees_euros_the_german_way(browser, served) -> None:
    from playwright.sync_api import expect

    url, db = served
    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(url)
        sign_in(page)
        expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_be_visible(timeout=TIMEOUT)
        cards = page.get_by_test_id("stMetricValue")
        expect(cards.first).to_contain_text("€", timeout=TIMEOUT)
        values = cards.all_inner_texts()
        money = [v for v in values if "€" in v]
        assert money and all(re.fullmatch(r"-?[\d.]+,\d\d\s€( / [\d.]+,\d\d\s€)?", v) for v in money), values
        profile = SQLiteStore(db).get_profile("demo")
        assert (profile.currency, profile.locale) == ("EUR", "de_DE"), "the browser's locale saved on sign-in"
    finally:
        context.close()
