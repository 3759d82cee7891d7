"""Per-process clients and per-user cached reads, shared by the page chrome and the sidebar.

Everything cached here has the user id in its key; a user's writes bump their data version
(`mark_changed`), so their next read misses the cache while other users' entries stay.
Writes made by another process (another replica, the API, the jobs worker) bump the store's
per-user counter instead: a page load that last heard of it more than `freshness_seconds` ago
reads it (one small GetItem) and drops the user's cached reads when it moved (`refresh`).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from lib.config import Settings, load_settings
from lib.core import clock
from lib.core.types import Window
from lib.store import Store, Usage, open_store
from lib.web.sessions import learn_generation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """What a page needs after the gate: who is signed in and where their data is."""

    user_id: str
    name: str
    settings: Settings
    store: Store
    today: dt.date
    history_start: dt.date | None = None  # the page reads from here; smaller windows are cut from that read


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
def _bedrock(cfg: Settings) -> Any:
    """The Bedrock coach with its client, built once per process and Bedrock settings (Settings is hashable)."""
    from lib.coach.bedrock import coach_from_settings

    return coach_from_settings(cfg)


def bedrock_coach(cfg: Settings) -> Any:
    """The Bedrock coach when enabled in settings, else None (the offline coach speaks)."""
    if not cfg.bedrock_enabled:
        return None
    return _bedrock(cfg)


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


@st.cache_resource(show_spinner=False)
def _seen() -> tuple[dict[tuple[str, str], tuple[int, float]], threading.Lock]:
    """(store, user) -> (the store's data version this process last saw, when: monotonic seconds)."""
    return {}, threading.Lock()


def _note_seen(store_url: str, user_id: str, version: int) -> None:
    seen, lock = _seen()
    with lock:
        seen[(store_url, user_id)] = (version, time.monotonic())


def refresh(ctx: Context) -> bool:
    """Learn of writes by other processes: True when the user's cached reads were dropped.

    Costs nothing before the first read (that read brings the version with the window) and
    within `freshness_seconds` of the last look; otherwise one small read.
    """
    seen, lock = _seen()
    key = (ctx.settings.store_url, ctx.user_id)
    with lock:
        known = seen.get(key)
    if known is None or time.monotonic() - known[1] < ctx.settings.freshness_seconds:
        return False
    current = ctx.store.data_version(ctx.user_id)
    _note_seen(*key, current)
    if current == known[0]:
        return False
    log.info("another process wrote: cached reads dropped", extra={"user_id": ctx.user_id})
    mark_changed(ctx.user_id)
    return True


@st.cache_data(ttl=300, show_spinner=False, max_entries=2000)
def _window(store_url: str, user_id: str, start: dt.date, end: dt.date, default_name: str, version: int) -> Window:
    """Profile + window transactions + cached commentary: one store query when end is today."""
    window = _store(store_url).load_window(user_id, start, end, default_name)
    _note_seen(store_url, user_id, window.data_version)  # a miss: the version came with the window
    if window.generation is not None:  # and the session generation: the gate's check needs no read
        learn_generation(store_url, user_id, window.generation)
    return window


def _cut(window: Window, start: dt.date, end: dt.date) -> Window:
    return replace(window, transactions=[t for t in window.transactions if start <= t.date <= end])


def load_window(ctx: Context, start: dt.date, end: dt.date) -> Window:
    """The user's window from the per-user cache; a read happens only on a miss or after a write.

    On a page that reads a longer history (ctx.history_start), a window inside it is cut from
    that one read instead of being queried again.
    """
    version = data_version(ctx.user_id)
    if ctx.history_start is not None and ctx.history_start <= start and end >= ctx.today:
        wide = _window(ctx.settings.store_url, ctx.user_id, ctx.history_start, ctx.today, ctx.name, version)
        return _cut(wide, start, end)
    return _window(ctx.settings.store_url, ctx.user_id, start, end, ctx.name, version)


@dataclass(frozen=True)
class DashboardPage:
    """The dashboard's view model, built once per user, range, day and data version (its figures apart:
    load_figures, so the page sends its first screen before it builds the charts below it)."""

    view: Any  # lib.web.views.DashboardView
    money: Any  # lib.core.money.MoneyFormat: the amounts' currency in this browser's locale (issue 25)


@st.cache_resource(ttl=300, show_spinner=False, max_entries=500)
def _dashboard(
    store_url: str, user_id: str, start: dt.date, end: dt.date, today: dt.date, name: str, version: int,
    browser_locale: str = "",
) -> DashboardPage:
    """Resource cache (shared, never pickled): the view model is most of a cold load's work after the read.

    `browser_locale` is in the key: two browsers of one user see amounts each their own way (issue 25)."""
    from lib.web import views
    from lib.web.money import page_money

    window = _window(store_url, user_id, *views.load_range(start, end, today), name, version)
    where = _standing(store_url, user_id, today, name, version)
    money = page_money(window.profile.currency, window.profile.locale, browser_locale)
    return DashboardPage(views.dashboard(window, start, end, today, where, money), money)


@st.cache_resource(ttl=300, show_spinner=False, max_entries=500)
def _figures(
    store_url: str, user_id: str, start: dt.date, end: dt.date, today: dt.date, name: str, version: int,
    browser_locale: str = "",
) -> dict[str, Any]:
    """The dashboard's four charts (chart name -> lib.web.dashboard_charts.Chart, an SVG drawn on the server,
    with its caption) from its cached view model: a rerun draws and words nothing again."""
    from dataclasses import replace

    from lib.web import dashboard_charts as charts
    from lib.web import views

    page = _dashboard(store_url, user_id, start, end, today, name, version, browser_locale)
    view, money = page.view, page.money
    captions = views.chart_captions(view, today)
    captions["calendar"] += f" How today counts: {view.streak_rule}"
    drawn = {
        "daily": charts.daily_spending(view.daily, view.budget_cents, money),
        "month": charts.month_cumulative(view.month_daily, view.budget_cents, today, money, None if
                                         view.standing.period_rule == "calendar" else
                                         (view.standing.period_start, view.standing.period_end)),
        "calendar": charts.streak_calendar(view.day_states, view.daily, money),
        "categories": charts.categories(view.by_category, money=money),
    }
    return {name: replace(chart, caption=captions[name]) for name, chart in drawn.items()}


@st.cache_resource(ttl=300, show_spinner=False, max_entries=2000)
def _standing(store_url: str, user_id: str, today: dt.date, name: str, version: int,
              load_start: dt.date | None = None) -> Any:
    """Where the user stands (lib.core.standing), decided once per user, day and data version: the month's
    simulation is not repeated on a rerun, and the dashboard and the coach share it.

    `load_start`: read from there (a page's longer history) and decide from the same days."""
    from lib.core import standing

    start = standing.window_range(today)[0]
    window = _window(store_url, user_id, min(load_start or start, start), today, name, version)
    if load_start is not None and load_start < start:
        window = _cut(window, start, today)
    window, _ = standing.ensure_streak_state(_store(store_url), window, today)  # first need / once a month: a write
    return standing.standing_from_window(window, today)


def load_standing(ctx: Context) -> Any:
    """The signed-in user's standing (lib.core.standing.Standing) from the per-user cache."""
    return _standing(ctx.settings.store_url, ctx.user_id, ctx.today, ctx.name, data_version(ctx.user_id),
                     ctx.history_start)


def load_dashboard(ctx: Context, start: dt.date, end: dt.date) -> DashboardPage:
    """The dashboard for start..end; a rerun with unchanged data neither reads nor redraws anything."""
    from lib.web.money import browser_locale

    return _dashboard(ctx.settings.store_url, ctx.user_id, start, end, ctx.today, ctx.name, data_version(ctx.user_id),
                      browser_locale())


def load_figures(ctx: Context, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The dashboard's charts for start..end, built once per data version; called after the first screen."""
    from lib.web.money import browser_locale

    return _figures(ctx.settings.store_url, ctx.user_id, start, end, ctx.today, ctx.name, data_version(ctx.user_id),
                    browser_locale())


def usage_this_session(ctx: Context) -> Usage:
    """Store requests and capacity this browser session has caused for the signed-in user."""
    base = st.session_state.get("_usage_base")
    now = ctx.store.meter.for_user(ctx.user_id)
    if base is None or st.session_state.get("_usage_user") != ctx.user_id:
        st.session_state["_usage_base"], st.session_state["_usage_user"] = now, ctx.user_id
        return Usage()
    return now.minus(base)


FORECAST_HISTORY_DAYS = 400  # about 13 complete months for the backtest


@dataclass(frozen=True)
class ForecastData:
    """Everything the Forecast page derives from one history load; what-ifs only re-price it."""

    sim: Any
    standing: Any  # lib.core.standing.Standing: fixed costs and the month's budget line
    backtest: Any
    daily: Any
    budget_cents: int
    salary_cents: int | None
    period_backtest: Any = None  # a payday rule's backtest over its own pay periods (issue 26); None: calendar


@st.cache_resource(ttl=300, show_spinner="Simulating your next months…", max_entries=200)
def _forecast(store_url: str, user_id: str, today: dt.date, name: str, version: int) -> ForecastData:
    """Simulated paths and backtest for one user and day (resource cache: big arrays, never pickled)."""
    from lib.core import analytics, forecast, standing

    start = today - dt.timedelta(days=FORECAST_HISTORY_DAYS - 1)
    window = _window(store_url, user_id, start, today, name, version)
    frame = analytics.transactions_frame(window.transactions)
    first = analytics.first_day(frame) or today
    daily = analytics.daily_totals(frame, first, today)
    profile = window.profile
    where = _standing(store_url, user_id, today, name, version, start)
    return ForecastData(
        # The standing's inputs (its window), so the month end is the dashboard's to the cent.
        sim=standing.month_simulation(frame, today, where.tracking_since, horizon_months=12,
                                      fixed=standing.fixed_rule(profile), payday=where.period_rule,
                                      memory=where.forecast_memory),
        standing=where,
        backtest=forecast.backtest(daily, frame=frame, today=today,
                                   fixed_categories=frozenset(standing.fixed_rule(profile))),
        daily=daily,
        budget_cents=analytics.decimal_to_cents(profile.daily_budget),
        salary_cents=analytics.decimal_to_cents(profile.monthly_salary) if profile.monthly_salary else None,
        period_backtest=None if where.period_rule == "calendar" else forecast.backtest(
            daily, frame=frame, today=today, fixed_categories=frozenset(standing.fixed_rule(profile)),
            rule=where.period_rule),
    )


def load_forecast(ctx: Context) -> ForecastData:
    """The user's simulation, computed once per data version and day; what-if changes read nothing."""
    return _forecast(ctx.settings.store_url, ctx.user_id, ctx.today, ctx.name, data_version(ctx.user_id))


@st.cache_data(ttl=300, show_spinner=False, max_entries=2000)
def _import_batches(store_url: str, user_id: str, version: int) -> list[Any]:
    return _store(store_url).list_import_batches(user_id)


def load_import_batches(ctx: Context) -> list[Any]:
    """The user's imports (lib.store.types.ImportBatch), from the per-user cache; read again after a write."""
    return _import_batches(ctx.settings.store_url, ctx.user_id, data_version(ctx.user_id))


@st.cache_data(ttl=600, show_spinner=False, max_entries=50)
def _prepared(store_url: str, user_id: str, data: bytes, file_name: str, options: Any, today: dt.date,
              version: int) -> tuple[Any, Any]:
    from lib.ingest import prepare

    return prepare(_store(store_url), user_id, data, file_name, options, today)


def prepare_import(ctx: Context, data: bytes, file_name: str, options: Any) -> tuple[Any, Any]:
    """An uploaded file parsed with the user's remembered mapping, once per file and options (not every rerun)."""
    return _prepared(ctx.settings.store_url, ctx.user_id, data, file_name, options, ctx.today,
                     data_version(ctx.user_id))


def check_import_quota(ctx: Context) -> None:
    """Hosted, each user may import a limited number of files an hour (RateLimitedError with the wait);
    a laptop imports as many as its owner likes."""
    if ctx.settings.is_hosted:
        from lib.store.throttle import check_import_quota as take_import

        take_import(ctx.store, ctx.user_id, clock.now().timestamp())
