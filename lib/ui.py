"""Page chrome shared by every page: the login gate, the sidebar, metrics cards.

Pages call `page(...)` first; it returns a Context or stops the script (not logged in,
misconfigured deployment, store down). Everything cached here has the user id in its key.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

import streamlit as st

from lib.auth import AuthConfig, auth_config, startup_problems
from lib.errors import FinanceError, StoreUnavailableError
from lib.sidebar import render_sidebar, render_usage

# Pages read through these names (lib.ui is their one import); they live in lib.state.
from lib.state import (  # noqa: F401
    Context,
    _secrets,
    _store,
    bedrock_coach,
    data_version,
    load_dashboard,
    load_forecast,
    load_window,
    mark_changed,
    settings,
    usage_this_session,
)

log = logging.getLogger(__name__)

APP_NAME = "Tough Love Coach"
PAGES: list[tuple[str, str, str]] = [
    ("streamlit_app.py", "Spending & streak", "🔥"),
    ("pages/1_Transactions.py", "Transactions", "🧾"),
    ("pages/2_Forecast.py", "Forecast", "🔮"),
    ("pages/3_Settings.py", "Settings", "⚙️"),
]


# -- the gate ---------------------------------------------------------------------------------
def _authenticator(auth: AuthConfig) -> Any:
    import streamlit_authenticator as stauth

    # Tests may shorten the authenticator's built-in pause; users keep the default.
    sleep = os.environ.get("FINANCE_LOGIN_SLEEP")
    extra = {"login_sleep_time": float(sleep)} if sleep else {}
    return stauth.Authenticate(
        auth.credentials, auth.cookie_name, auth.cookie_key, auth.cookie_expiry_days, auto_hash=False, **extra
    )


def friendly_error(exc: Exception, doing: str) -> None:
    """Show a failure as a notice with a next step, never a traceback."""
    if isinstance(exc, StoreUnavailableError):
        st.error(f"Could not {doing}: {exc} Try again in a moment.", icon="🛑")
    else:
        st.error(f"Could not {doing}: {exc}", icon="🛑")


def _remember_login(authenticator: Any) -> None:
    """Set the login cookie again, outside the emptied login box, so a reload stays signed in.

    The authenticator renders its cookie-setting component inside the login form's container; emptying
    that container (to hide the form) unmounts the component before the browser runs it, so no cookie.
    """
    model = authenticator.cookie_controller.cookie_model
    if not model.cookie_expiry_days:
        return
    model.exp_date = model._set_exp_date()
    model.cookie_manager.set(
        model.cookie_name, model._token_encode(), key="login_cookie",
        expires_at=dt.datetime.now() + dt.timedelta(days=model.cookie_expiry_days),
    )


def page(title: str, icon: str) -> Context:
    """Frame every page: config, login gate, sidebar. Stops the script when not signed in."""
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon, layout="wide")
    cfg = settings()
    auth = auth_config(_secrets())
    problems = startup_problems(cfg, auth)
    if problems:
        st.title(APP_NAME)
        st.error("The app refuses to start:\n\n" + "\n\n".join(f"- {p}" for p in problems), icon="🛑")
        st.stop()

    authenticator = _authenticator(auth)
    if not st.session_state.get("authentication_status"):
        login_box = st.empty()
        with login_box.container():
            st.title(f"💸 {APP_NAME}")
            st.caption("Your money, your budget, no excuses. Sign in to face the numbers.")
            authenticator.login(location="main", key="login")
        status = st.session_state.get("authentication_status")
        if status is False:
            st.error("Username or password is incorrect.")
        if not status:
            if not cfg.is_hosted and "demo" in auth.usernames:
                st.info("Trying it out? Sign in as **demo** with password **demo**.")
            st.stop()
        login_box.empty()
        _remember_login(authenticator)

    user_id = str(st.session_state["username"])  # from the login only: never the URL or a form
    name = str(st.session_state.get("name") or user_id)
    try:
        store = _store(cfg.store_url)
    except FinanceError as exc:
        friendly_error(exc, "open the data store")
        st.stop()
    ctx = Context(user_id=user_id, name=name, settings=cfg, store=store, today=dt.date.today())
    usage_this_session(ctx)  # starts this session's usage count before its first read
    _sidebar(ctx, authenticator)
    return ctx


def metrics(items: list[Any], per_row: int) -> None:
    """Draw view-model metrics in bordered cards, `per_row` to a row; facts (delta_color "off") get no arrow."""
    cols = st.columns(per_row)
    for i, m in enumerate(items):
        with cols[i % per_row]:
            st.metric(m.label, m.value, m.delta, delta_color=m.delta_color, help=m.help, border=True,
                      delta_arrow="off" if m.delta_color == "off" else "auto")


def finish(ctx: Context) -> None:
    """Close a page: the usage & cost panel goes last in the sidebar, after the page's own requests."""
    with st.sidebar:
        render_usage(ctx)


def _sidebar(ctx: Context, authenticator: Any) -> None:
    with st.sidebar:
        st.markdown(f"### 💸 {APP_NAME}")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
        st.caption(f"Signed in as **{ctx.name}** (`{ctx.user_id}`)")
        # Not key="logout": the authenticator keeps its own st.session_state["logout"] flag and
        # setting it after a widget with that key exists raises StreamlitWidgetAlreadyInstantiatedError.
        authenticator.logout(button_name="Log out", location="sidebar", key="logout_button")
        if not st.session_state.get("authentication_status"):
            # No st.rerun() here: it would race the cookie deletion and log the user back in.
            st.success("You are signed out. Reload the page or click anywhere to sign in again.")
            st.stop()
        render_sidebar(ctx)


