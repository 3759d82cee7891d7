"""Speed a user feels, asserted as counts: what a signed-in run mounts and what a what-if step reruns."""
from __future__ import annotations

import pytest

PAGES = ("dashboard", "transactions", "forecast", "settings")


def _cookie_components(at) -> int:
    return len(at.get("component_instance"))


def test_the_login_form_mounts_the_cookie_component(make_app, demo_store) -> None:
    at = make_app("dashboard", user=None).run()
    assert not at.exception
    assert _cookie_components(at) >= 1, "signed out, the authenticator (and its cookie component) draws the form"


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_in_page_mounts_no_cookie_component(make_app, demo_store, page) -> None:
    # The component's first report makes the browser run the page again: two script runs per switch.
    at = make_app(page).run()
    for _ in range(2):
        assert not at.exception
        assert _cookie_components(at) == 0
        assert at.button(key="logout_button").label == "Log out"
        at.run()
