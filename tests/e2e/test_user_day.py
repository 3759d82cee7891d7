"""The user's day in a real browser: Chromium set to Sydney signs in, the zone is saved, the day is Sydney's."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.core import clock
from lib.store.sqlite import SQLiteStore
from tests.e2e.conftest import TIMEOUT, app_server, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with app_server(tmp_path_factory.mktemp("e2e-day"), ("init",)) as served:
        yield served


def test_a_browser_in_sydney_signs_in_adds_a_transaction_on_its_day_and_moves_to_los_angeles(browser, served) -> None:
    from playwright.sync_api import expect

    url, db = served
    context = browser.new_context(timezone_id="Australia/Sydney", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(url)
        sign_in(page)
        expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_be_visible(timeout=TIMEOUT)
        assert SQLiteStore(db).get_profile("demo").timezone == "Australia/Sydney", "saved on the first sign-in"

        sydney = clock.today("Australia/Sydney")
        page.goto(url + "/Transactions")
        add = page.get_by_role("button", name="Add transaction")
        expect(add).to_be_visible(timeout=TIMEOUT)
        assert page.locator("[data-testid='stDateInput'] input").first.input_value() == sydney.isoformat()
        page.get_by_label("Amount").first.fill("12.50")
        add.click()
        expect(page.get_by_text("Added").first).to_be_visible(timeout=TIMEOUT)
        days = [t.date for t in SQLiteStore(db).list_transactions("demo", sydney - dt.timedelta(days=3), sydney)]
        assert days == [sydney]

        page.goto(url + "/Settings")
        box = page.get_by_role("combobox", name="Time zone")
        expect(box).to_be_visible(timeout=TIMEOUT)
        box.click()
        page.keyboard.type("Los_Ang")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Save time zone").click()
        expect(page.get_by_text("your day now follows America/Los_Angeles")).to_be_visible(timeout=TIMEOUT)
        la = clock.today("America/Los_Angeles")
        expect(page.get_by_text(f"Today is {la:%A %d %B %Y} for you")).to_be_visible(timeout=TIMEOUT)
        assert SQLiteStore(db).get_profile("demo").timezone == "America/Los_Angeles"
    finally:
        context.close()
