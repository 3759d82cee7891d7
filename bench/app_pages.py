"""The dashboard in Streamlit's AppTest harness, against a bare one-line page in the same harness.

Warm: second and later runs of one AppTest instance (the session's caches are filled).
Cold: a fresh AppTest instance after st.cache_data and st.cache_resource were cleared, i.e. the
first load a new visitor of a running server gets (modules are already imported on both sides).
"""
from __future__ import annotations

import datetime as dt
import os
import time
import tomllib
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.harness import ROOT, interleaved, loglog_slope, median, timed
from lib.demo import demo_profile, demo_transactions
from lib.store.sqlite import SQLiteStore

DASHBOARD = ROOT / "streamlit_app.py"
USER = "demo"
BARE_PAGE = "import streamlit as st\n\nst.write('Hello')\n"


def quiet_streamlit() -> None:
    """Calling cached functions outside a script run logs a harmless warning per call: drop those.

    A filter, not a level: AppTest re-reads Streamlit's config on every run and resets log levels.
    """
    from streamlit.logger import get_logger

    harmless = ("missing ScriptRunContext", "No runtime found")
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.caching.cache_resource_api"):
        get_logger(name).addFilter(lambda record: not any(h in record.getMessage() for h in harmless))


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def seed_sqlite(path: Path, years: int, today: dt.date) -> int:
    """The demo user (profile + `years` of generated history ending today) in a fresh SQLite file."""
    store = SQLiteStore(path)
    store.init()
    store.save_profile(demo_profile(USER, "Demo"))
    written = store.put_transactions(demo_transactions(USER, days=years * 365, today=today))
    store.close()
    return written


class AppHarness:
    """Builds logged-in AppTests the way tests/app/conftest.py does (example secrets, demo user)."""

    def __init__(self, workdir: Path):
        self.secrets = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text())
        self.bare = workdir / "bare_page.py"
        self.bare.write_text(BARE_PAGE)
        os.environ["FINANCE_LOGIN_SLEEP"] = "0"
        for key in ("FINANCE_BEDROCK", "FINANCE_ENV"):
            os.environ.pop(key, None)

    @staticmethod
    def use_store(url: str) -> None:
        os.environ["FINANCE_STORE"] = url

    def app(self, script: Path) -> AppTest:
        at = AppTest.from_file(str(script), default_timeout=120)
        for key, value in self.secrets.items():
            at.secrets[key] = value
        at.session_state["authentication_status"] = True
        at.session_state["username"] = USER
        at.session_state["name"] = "Demo"
        at.session_state["logout"] = False
        return at


def run(at: AppTest) -> AppTest:
    """One script run; a page that raised is a failed benchmark, not a fast one."""
    at.run()
    if at.exception:
        raise RuntimeError(f"{at._script_path} raised: {at.exception[0].message}")
    return at


def app_store(url: str) -> Any:
    """The store object the running app uses (the same st.cache_resource entry the pages hit)."""
    from lib import ui

    return ui._store(url)


class Stopwatches:
    """Wall time spent inside a few named functions, wrapped in place while the block runs."""

    def __init__(self, targets: dict[str, tuple[Any, str]]):
        self.targets = targets
        self.seconds = dict.fromkeys(targets, 0.0)
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> Stopwatches:
        for name, (owner, attr) in self.targets.items():
            original = getattr(owner, attr)
            self._saved[name] = original

            def wrapped(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.seconds[_name] += time.perf_counter() - t0

            setattr(owner, attr, wrapped)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, (owner, attr) in self.targets.items():
            setattr(owner, attr, self._saved[name])


def anatomy(page_run: Any, reps: int, before: Any = None) -> dict[str, float]:
    """Where a dashboard run's time goes (extra runs, not the timed ones): ms per run.

    chrome = lib.ui.page (settings, login check, the sidebar with the coach); view/figures = building
    the view model and the four Plotly figures (only on a cache miss); plotly = st.plotly_chart
    turning figures into JSON; compile = AppTest compiling the page script (a new cache every run).
    """
    import plotly.io
    import plotly.tools
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    from lib import charts, ui, views

    targets = {
        "chrome": (ui, "page"),
        "view": (views, "dashboard"),
        **{f"fig_{name}": (charts, name) for name in ("daily_spending", "month_cumulative", "streak_calendar",
                                                       "categories")},
        "compile": (ScriptCache, "get_bytecode"),
        "plotly_spec": (plotly.tools, "return_figure_from_figure_or_data"),
        "plotly_json": (plotly.io, "to_json"),
        "apptest_parse": (local_script_runner, "parse_tree_from_messages"),
    }
    total = 0.0
    with Stopwatches(targets) as watches:
        for _ in range(reps):
            if before is not None:
                before()
            total += timed(page_run)
    ms = {name: s * 1000 / reps for name, s in watches.seconds.items()}
    ms["plotly"] = ms.pop("plotly_spec") + ms.pop("plotly_json")
    ms["figures"] = sum(ms.pop(k) for k in list(ms) if k.startswith("fig_"))
    ms["total"] = total * 1000 / reps
    ms["rest"] = ms["total"] - sum(ms[k] for k in ("chrome", "view", "figures", "compile", "plotly", "apptest_parse"))
    return ms


def dashboard_ratios(h: AppHarness, db_url: str, warm_reps: int, cold_reps: int) -> dict[str, Any]:
    """Warm rerun and cold first load of the dashboard against the bare page, interleaved."""
    h.use_store(db_url)
    clear_caches()
    dash, bare = h.app(DASHBOARD), h.app(h.bare)
    for _ in range(2):
        run(dash)
        run(bare)
    meter = app_store(db_url).meter
    before = meter.for_user(USER).requests
    warm = interleaved({"dashboard": lambda: run(dash), "bare": lambda: run(bare)}, warm_reps)
    reads_per_rerun = (meter.for_user(USER).requests - before) / warm_reps
    warm_anatomy = anatomy(lambda: run(dash), warm_reps)

    fresh: dict[str, AppTest] = {}

    def prepare() -> None:
        clear_caches()
        fresh["dashboard"], fresh["bare"] = h.app(DASHBOARD), h.app(h.bare)

    cold: dict[str, list[float]] = {"dashboard": [], "bare": []}
    for rep in range(cold_reps):
        for name in (("dashboard", "bare") if rep % 2 == 0 else ("bare", "dashboard")):
            prepare()
            cold[name].append(timed(partial(run, fresh[name])))
    cold_app: list[AppTest] = []

    def fresh_dashboard() -> None:
        clear_caches()
        cold_app[:] = [h.app(DASHBOARD)]

    cold_anatomy = anatomy(lambda: run(cold_app[0]), cold_reps, before=fresh_dashboard)
    return {
        "dashboard_rerun_ratio": median(warm["dashboard"]) / median(warm["bare"]),
        "dashboard_cold_ratio": median(cold["dashboard"]) / median(cold["bare"]),
        "store_reads_per_cached_rerun": reads_per_rerun,
        "_warm_dashboard_ms": median(warm["dashboard"]) * 1000,
        "_warm_bare_ms": median(warm["bare"]) * 1000,
        "_cold_dashboard_ms": median(cold["dashboard"]) * 1000,
        "_cold_bare_ms": median(cold["bare"]) * 1000,
        "_rerun_anatomy_ms": warm_anatomy,
        "_cold_anatomy_ms": cold_anatomy,
    }


def history_scaling(h: AppHarness, db_urls: dict[int, str], reps: int) -> dict[str, Any]:
    """Cold dashboard load time at each history length (years), interleaved; the log-log slope."""
    times: dict[int, list[float]] = {years: [] for years in db_urls}
    query: dict[int, list[float]] = {years: [] for years in db_urls}
    sizes = list(db_urls)
    today = dt.date.today()
    start = today - dt.timedelta(days=89)
    for rep in range(reps):
        for years in (sizes if rep % 2 == 0 else sizes[::-1]):
            h.use_store(db_urls[years])
            clear_caches()
            at = h.app(DASHBOARD)
            times[years].append(timed(partial(run, at)))
            store = app_store(db_urls[years])
            query[years].append(timed(partial(store.load_window, USER, start, today)))
    medians = {years: median(t) for years, t in times.items()}
    return {
        "history_scaling_exponent": loglog_slope([float(y) for y in sizes], [medians[y] for y in sizes]),
        "_load_ms_by_years": {y: medians[y] * 1000 for y in sizes},
        "_query_ms_by_years": {y: median(query[y]) * 1000 for y in sizes},
    }
