"""Issue 21 in the browser: a returning visit by cookie reads no session generation of its own (the window
Query brings it), and a cookie revoked by a logout that another server recorded is still refused on the
very first visit, when this server has never read the user's generation."""
from __future__ import annotations

import datetime as dt
import time
from typing import Any

import jwt
import pytest

from lib.store.session_gen import end_all_sessions, read_generation
from lib.store.sqlite import SQLiteStore
from tests.e2e.test_login import _signed_in, _with_cookie, app  # noqa: F401 - the module's server fixture

pytestmark = pytest.mark.e2e
ENDED = "this session has ended"


def _cookie(app: dict[str, Any], user: str, gen: int) -> str:  # noqa: F811
    now = time.time()
    key = app["secrets"]["passwords"]["cookie_key"]
    return jwt.encode({"username": user, "exp_date": now + 86400, "iat": now, "gen": gen}, key, algorithm="HS256")


def test_a_cookie_revoked_on_another_server_is_refused_on_a_first_visit(browser: Any, app: dict[str, Any]) -> None:  # noqa: F811
    from playwright.sync_api import expect

    store = SQLiteStore(app["db"])
    old = read_generation(store, "bob").number
    end_all_sessions(store, "bob", dt.datetime.now(dt.UTC))  # another server's logout: this one never heard
    store.close()
    context = _with_cookie(browser, app["url"], _cookie(app, "bob", old))
    page = context.new_page()
    page.goto(app["url"])
    _signed_in(page, None)
    expect(page.get_by_text(ENDED)).to_be_visible()
    page.reload()  # refused again (now from the cached generation)
    _signed_in(page, None)
    context.close()

    # The same cookie of the current generation opens the app: the refusal above can fail.
    context = _with_cookie(browser, app["url"], _cookie(app, "bob", old + 1))
    page = context.new_page()
    page.goto(app["url"])
    _signed_in(page, "Bob")
    context.close()
