"""Page chrome shared by every page: settings, the login gate, the sidebar, cached loaders.

Pages call `page(...)` first; it returns a Context or stops the script (not logged in,
misconfigured deployment, store down). Everything cached here has the user id in its key.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lib.auth import AuthConfig, auth_config, startup_problems
from lib.config import Settings, load_settings
from lib.errors import FinanceError, StoreUnavailableError
from lib.schema import Window
from lib.store import Store, Usage, open_store

log = logging.getLogger(__name__)

APP_NAME = "Tough Love Coach"
PAGES: list[tuple[str, str, str]] = [
    ("streamlit_app.py", "Spending & streak", "🔥"),
    ("pages/1_Transactions.py", "Transactions", "🧾"),
    ("pages/2_Forecast.py", "Forecast", "🔮"),
    ("pages/3_Settings.py", "Settings", "⚙️"),
]


@dataclass(frozen=True)
class Context:
    """What a page needs after the gate: who is signed in and where their data is."""

    user_id: str
    name: str
    settings: Settings
    store: Store
    today: dt.date


# -- settings and clients (built once per process) ------------------------------------------
def _secrets() -> dict[str, Any]:
    """st.secrets as a plain dict; an app without a secrets file gets an empty one."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - a malformed secrets.toml must not show a traceback
        log.warning("could not read secrets", extra={"error": str(exc)})
        return {}


def settings() -> Settings:
    return load_settings(_secrets())


@st.cache_resource(show_spinner=False)
def _store(store_url: str) -> Store:
    """One store (and so one boto3 client or SQLite connection) per process and URL."""
    store = open_store(store_url)
    store.init()
    return store


@st.cache_resource(show_spinner=False)
def _bedrock(model_id: str, region: str | None, max_tokens: int) -> Any:
    """The Bedrock coach with its client, built once per process."""
    from lib.coach.bedrock import BedrockCoach, make_bedrock_client

    return BedrockCoach(make_bedrock_client(region), model_id=model_id, max_tokens=max_tokens)


def bedrock_coach(cfg: Settings) -> Any:
    """The Bedrock coach when enabled in settings, else None (the offline coach speaks)."""
    if not cfg.bedrock_enabled:
        return None
    return _bedrock(cfg.bedrock_model_id, cfg.bedrock_region, cfg.bedrock_max_tokens)


# -- per-user cache with invalidation on writes ----------------------------------------------
@st.cache_resource(show_spinner=False)
def _data_versions() -> tuple[dict[str, int], threading.Lock]:
    return {}, threading.Lock()


def data_version(user_id: str) -> int:
    versions, lock = _data_versions()
    with lock:
        return versions.get(user_id, 0)


def mark_changed(user_id: str) -> None:
    """After a user's write: their cached reads are stale (other users' stay cached)."""
    versions, lock = _data_versions()
    with lock:
        versions[user_id] = versions.get(user_id, 0) + 1


@st.cache_data(ttl=300, show_spinner=False, max_entries=2000)
def _window(store_url: str, user_id: str, start: dt.date, end: dt.date, default_name: str, version: int) -> Window:
    """Profile + window transactions + cached commentary: one store query when end is today."""
    return _store(store_url).load_window(user_id, start, end, default_name)


def load_window(ctx: Context, start: dt.date, end: dt.date) -> Window:
    """The user's window from the per-user cache; a read happens only on a miss or after a write."""
    return _window(ctx.settings.store_url, ctx.user_id, start, end, ctx.name, data_version(ctx.user_id))


@dataclass(frozen=True)
class DashboardPage:
    """The dashboard's view model and its figures, built once per user, range, day and data version."""

    view: Any  # lib.views.DashboardView
    figures: dict[str, Any]  # chart name -> plotly Figure


@st.cache_resource(ttl=300, show_spinner=False, max_entries=500)
def _dashboard(
    store_url: str, user_id: str, start: dt.date, end: dt.date, today: dt.date, name: str, version: int
) -> DashboardPage:
    """Resource cache (shared, never pickled): building the figures is most of a rerun's work otherwise."""
    from lib import charts, views

    window = _window(store_url, user_id, *views.load_range(start, end, today), name, version)
    view = views.dashboard(window, start, end, today)
    figures = {
        "daily": charts.daily_spending(view.daily, view.budget_cents),
        "month": charts.month_cumulative(view.month_daily, view.budget_cents, today),
        "calendar": charts.streak_calendar(view.daily, view.budget_cents),
        "categories": charts.categories(view.by_category),
    }
    return DashboardPage(view, figures)


def load_dashboard(ctx: Context, start: dt.date, end: dt.date) -> DashboardPage:
    """The dashboard for start..end; a rerun with unchanged data neither reads nor redraws anything."""
    return _dashboard(ctx.settings.store_url, ctx.user_id, start, end, ctx.today, ctx.name, data_version(ctx.user_id))


def usage_this_session(ctx: Context) -> Usage:
    """Store requests and capacity this browser session has caused for the signed-in user."""
    base = st.session_state.get("_usage_base")
    now = ctx.store.meter.for_user(ctx.user_id)
    if base is None or st.session_state.get("_usage_user") != ctx.user_id:
        st.session_state["_usage_base"], st.session_state["_usage_user"] = now, ctx.user_id
        return Usage()
    return now.minus(base)


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
    from lib.sidebar import render_usage

    with st.sidebar:
        render_usage(ctx)


def _sidebar(ctx: Context, authenticator: Any) -> None:
    from lib.sidebar import render_sidebar

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


FORECAST_HISTORY_DAYS = 400  # about 13 complete months for the backtest


@dataclass(frozen=True)
class ForecastData:
    """Everything the Forecast page derives from one history load; what-ifs only re-price it."""

    sim: Any
    backtest: Any
    daily: Any
    budget_cents: int
    salary_cents: int | None


@st.cache_resource(ttl=300, show_spinner="Simulating your next months…", max_entries=200)
def _forecast(store_url: str, user_id: str, today: dt.date, name: str, version: int) -> ForecastData:
    """Simulated paths and backtest for one user and day (resource cache: big arrays, never pickled)."""
    from lib import analytics, forecast

    start = today - dt.timedelta(days=FORECAST_HISTORY_DAYS - 1)
    window = _window(store_url, user_id, start, today, name, version)
    frame = analytics.transactions_frame(window.transactions)
    first = analytics.first_day(frame) or today
    daily = analytics.daily_totals(frame, first, today)
    profile = window.profile
    return ForecastData(
        sim=forecast.simulate(daily, today, frame=frame),
        backtest=forecast.backtest(daily, frame=frame, today=today),
        daily=daily,
        budget_cents=analytics.decimal_to_cents(profile.daily_budget),
        salary_cents=analytics.decimal_to_cents(profile.monthly_salary) if profile.monthly_salary else None,
    )


def load_forecast(ctx: Context) -> ForecastData:
    """The user's simulation, computed once per data version and day; what-if changes read nothing."""
    return _forecast(ctx.settings.store_url, ctx.user_id, ctx.today, ctx.name, data_version(ctx.user_id))
