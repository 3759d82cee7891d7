"""Issue 21: a session's first load is one store request. The gate leaves the session-generation check
(issue 22) to the page's window Query, which brings the generation; a logout elsewhere still ends the
session at its next run, before the page shows anything."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.store.session_gen import end_all_sessions
from tests.app.test_sessions import ENDED, _form_shown, _sign_in


def test_a_logout_elsewhere_ends_the_session_from_the_window_query_alone(make_app, demo_store, store_path,
                                                                         app_requests) -> None:
    from lib.web import sessions

    at = _sign_in(make_app)
    assert "Current streak" in [m.label for m in at.metric]
    end_all_sessions(demo_store, "demo", dt.datetime.now(dt.UTC))  # another server's logout
    sessions.generation_cache(f"sqlite:///{store_path}").clear()  # 30 s later on this server
    st.cache_data.clear()  # and the window no longer cached: the next run queries it
    before = app_requests("demo")
    at.run()
    assert not at.exception
    assert _form_shown(at) and [w.value for w in at.warning] == [ENDED]
    assert len(at.metric) == 0 and len(at.sidebar.children) == 0
    assert app_requests("demo") - before == 1, "the window Query brought the generation: no GetItem of its own"


def test_a_new_session_counts_one_request_and_still_holds_its_generation(make_app, demo_store, store_path,
                                                                         app_requests) -> None:
    from lib.web import sessions

    sessions.generation_cache(f"sqlite:///{store_path}").clear()
    st.cache_data.clear()
    at = make_app("dashboard")
    before = app_requests("demo")
    at.run()
    assert not at.exception and "Current streak" in [m.label for m in at.metric]
    assert app_requests("demo") - before == 1
    assert at.session_state["_session"]["gen"] == 0  # learned from the window, not left open
    end_all_sessions(demo_store, "demo", dt.datetime.now(dt.UTC))
    sessions.generation_cache(f"sqlite:///{store_path}").clear()
    at.run()  # the window is cached: the check reads the generation itself (one GetItem) and ends it
    assert _form_shown(at) and [w.value for w in at.warning] == [ENDED]
