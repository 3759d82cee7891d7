"""Every page at a phone's width (390x844) and a desktop's (1400x1000): a screenshot of each, axe-core
in the page (no critical or serious violation), and what the first screen of a phone shows.

Screenshots go to test-artifacts/screenshots/layout-<page>-<width>.png; the axe findings of every page
to test-artifacts/axe.json. axe-core comes from npm (package.json) and is injected by Playwright.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import REPO, TIMEOUT, app_server, sign_in

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO / "test-artifacts"
SHOTS = ARTIFACTS / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
# page path -> a text the settled page shows
PAGES = {"dashboard": ("", "here is the damage"), "transactions": ("/Transactions", "Add transaction"),
         "forecast": ("/Forecast", "Month end (median)"), "settings": ("/Settings", "Save settings")}

# Violations inside Streamlit's own widgets, which the app cannot reach: (rule id, a CSS fragment of the
# element axe names, the upstream issue). Listed, never silently dropped: the test prints them.
UPSTREAM: list[tuple[str, str, str]] = []

SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  for (const el of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (el.checkVisibility() && !el.querySelector('.main-svg')) return false;
  for (const img of document.querySelectorAll('[data-testid="stImage"] img'))
    if (!img.complete || img.naturalWidth === 0) return false;
  return true;
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with app_server(tmp_path_factory.mktemp("layout"), ("demo", "--user", "demo", "--name", "Demo", "--days", "200")) \
            as (url, _):
        yield url


def settle(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT)
    page.wait_for_timeout(700)  # a component's second run, chart transitions
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT)


def signed_in(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    expect(page.get_by_role("textbox", name="Username")).to_be_visible(timeout=TIMEOUT)
    sign_in(page)
    settle(page, PAGES["dashboard"][1])
    return page


def axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it stands (WCAG 2.x A and AA, and best practices)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact, html: n.html.slice(0, 200),
                                  summary: (n.failureSummary || '').slice(0, 300)}))}));
    }""")
    return list(found)


def upstream(rule: str, target: str) -> str | None:
    return next((issue for rid, frag, issue in UPSTREAM if rid == rule and frag in target), None)


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    """Critical and serious findings not listed as Streamlit's own."""
    return [f"{v['id']} ({n['impact']}): {n['target']} {n['summary']}"
            for v in violations for n in v["nodes"]
            if n["impact"] in ("critical", "serious") and upstream(v["id"], n["target"]) is None]


def whole(page: Any, viewport: dict[str, int], path: Any, text: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as tall as it."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(600)  # charts re-layout
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    settle(page, text)


def box(page: Any, locator: Any) -> dict[str, float]:
    """Where an element is drawn; waited for, as a login's later script runs may redraw the page."""
    for _ in range(5):
        locator.wait_for(state="visible", timeout=TIMEOUT)
        b = locator.bounding_box()
        if b is not None:
            return dict(b)
        page.wait_for_function(SETTLED_JS, timeout=TIMEOUT)
    raise AssertionError(f"{locator} is not drawn")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1400"])
def test_every_page_screenshot_and_axe(browser: Any, app_url: str, viewport: dict[str, int]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in(browser, app_url, viewport)
    report: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    try:
        for name, (path, text) in PAGES.items():
            page.goto(app_url + path)
            settle(page, text)
            page.screenshot(path=str(SHOTS / f"layout-{name}-{viewport['width']}.png"))  # the first screen
            whole(page, viewport, SHOTS / f"layout-{name}-{viewport['width']}-full.png", text)
            found = axe(page)
            report[name] = found
            if blocking(found):
                problems[name] = blocking(found)
    finally:
        page.context.close()
        out = ARTIFACTS / "axe.json"
        old = json.loads(out.read_text()) if out.exists() else {}
        old[str(viewport["width"])] = report
        out.write_text(json.dumps(old, indent=1))
    listed = [f"{v['id']} on {name}: {n['target']} ({upstream(v['id'], n['target'])})"
              for name, found in report.items() for v in found for n in v["nodes"] if upstream(v["id"], n["target"])]
    print("Streamlit's own, listed upstream:", *listed, sep="\n  ")
    assert problems == {}


def test_a_phone_shows_allowance_streak_and_coach_on_the_first_screen(browser: Any, app_url: str) -> None:
    page = signed_in(browser, app_url, PHONE)
    try:
        cards = page.locator('.st-key-cards [data-testid="stMetric"]')
        allowance, streak = box(page, cards.nth(0)), box(page, cards.nth(1))
        assert allowance["y"] == streak["y"] and allowance["x"] < streak["x"], "two cards to a row"
        assert "Current streak" in cards.nth(1).inner_text()
        # The allowance: what is left per day until the period ends (issue 26's first card).
        assert any(t in cards.nth(0).inner_text() for t in ("Left per day this month", "Left per day until payday"))
        words = page.locator(".st-key-coach_main [data-testid='stText']")
        said = page.get_by_test_id("stSidebar").locator(".st-key-coach_words [data-testid='stText']")
        assert words.inner_text().strip() == said.inner_text().strip() != ""  # the same words, on the page
        for part in (allowance, streak, box(page, words)):
            assert part["y"] + part["height"] <= PHONE["height"], "above the fold"

        page.goto(app_url + "/Transactions")
        settle(page, "Add transaction")
        add = box(page, page.get_by_role("button", name="Add transaction"))
        assert add["y"] + add["height"] <= PHONE["height"], "the Add form without scrolling"
    finally:
        page.context.close()


def test_the_desktop_keeps_the_coach_in_the_sidebar_only(browser: Any, app_url: str) -> None:
    page = signed_in(browser, app_url, DESKTOP)
    try:
        from playwright.sync_api import expect

        expect(page.locator(".st-key-coach_main")).to_be_hidden()
        expect(page.get_by_test_id("stSidebar").locator(".st-key-coach_words [data-testid='stText']")).to_be_visible()
        cards = page.locator('.st-key-cards [data-testid="stMetric"]')
        assert len({round(box(page, cards.nth(i))["y"]) for i in range(4)}) == 1, "four cards to a row"
    finally:
        page.context.close()
