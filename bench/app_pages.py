"""The real app in Streamlit's AppTest harness, for what AppTest measures well: counts (store requests,
read units) and how a cold load scales with history. Never for how fast a page feels (bench/browser.py):
AppTest recompiles the page every run and never runs Streamlit's post-run garbage collection.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import time
import tomllib
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.harness import ROOT, loglog_slope, median, timed
from lib.core.demo import demo_profile, demo_transactions
from lib.store.sqlite import SQLiteStore

DASHBOARD = ROOT / "streamlit_app.py"
USER = "demo"


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
        # As `make run` does: a fresh cookie key (the example one is refused off a loopback server).
        section = self.secrets.get("passwords", self.secrets.get("auth", {}))
        section["cookie_key"] = secrets.token_urlsafe(32)
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
    from lib.web import ui

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


def cached_rerun_reads(h: AppHarness, db_url: str, reruns: int = 5) -> dict[str, Any]:
    """Store requests a dashboard rerun makes once the session's caches are filled (should be none)."""
    h.use_store(db_url)
    clear_caches()
    dash = h.app(DASHBOARD)
    run(dash)
    meter = app_store(db_url).meter
    before = meter.for_user(USER).requests
    for _ in range(reruns):
        run(dash)
    return {"store_reads_per_cached_rerun": (meter.for_user(USER).requests - before) / reruns}


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
