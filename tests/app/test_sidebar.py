"""The shared sidebar on every page, over several reruns (pages/ puts Streamlit in its legacy
multipage mode, where a sidebar drawn only on the first run would vanish), and logging out."""
from __future__ import annotations

import pytest

ALL_PAGES = ["dashboard", "transactions", "forecast", "settings"]
NAV = ["Spending & streak", "Transactions", "Forecast", "Settings"]


def _commentary(at) -> list[str]:
    """The coach's words: the sidebar's quoted markdown."""
    return [m.value for m in at.sidebar.markdown if m.value.startswith("> ")]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_the_sidebar_is_on_every_page_after_several_reruns(make_app, demo_store, page: str) -> None:
    at = make_app(page)
    for run in range(3):
        at.run()
        assert not at.exception, f"run {run + 1}"
        captions = [c.value for c in at.sidebar.caption]
        assert "Signed in as **Demo** (`demo`)" in captions, f"run {run + 1}"
        assert [b.label for b in at.sidebar.button] == ["Log out"], f"run {run + 1}"
        [words] = _commentary(at)
        assert len(words) > 40, f"run {run + 1}: the coach said {words!r}"
        assert any(c.startswith("Offline coach · tone: brutal") for c in captions), f"run {run + 1}"
        assert [e.label for e in at.sidebar.expander] == ["Usage & cost"], f"run {run + 1}"
        assert [p.label for p in at.sidebar.get("page_link")] == NAV, f"run {run + 1}"


def test_the_usage_panel_counts_this_sessions_store_requests(make_app, demo_store) -> None:
    at = make_app("dashboard").run()
    [panel] = at.sidebar.expander[0].markdown
    # The first load of a session reads the window once (profile and transactions in one query).
    assert "- Store requests: **1** (1 reads, 0 writes)" in panel.value
    at.run()
    [panel] = at.sidebar.expander[0].markdown
    assert "- Store requests: **1** (1 reads, 0 writes)" in panel.value, "a rerun reads nothing"


def test_log_out_signs_the_session_out_and_the_next_run_shows_the_login_form(make_app, demo_store) -> None:
    at = make_app("settings").run()
    assert at.sidebar.button[0].label == "Log out"
    at.sidebar.button[0].click().run()

    assert not at.exception
    assert not at.session_state["authentication_status"]
    assert any("You are signed out" in s.value for s in at.sidebar.success)
    assert _commentary(at) == [], "no coach after logging out"

    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert len(at.metric) == 0 and len(at.sidebar.children) == 0
    assert "set_display_name" not in [t.key for t in at.text_input]
