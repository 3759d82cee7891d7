"""What a person feels: the app and a bare page, both served by `streamlit run`, driven in headless Chromium.

Every interaction is timed inside the page (performance.now): from the click or key press to the
moment the page is settled, i.e. Streamlit's script state is back to "not running", no element is
stale, every chart has drawn (Plotly's SVG, Vega's canvas or SVG, the data grid's canvas, a picture decoded), two
animation frames have passed, and no further script run started within the settle time (so a second
run caused by a component counts). Sessions are fresh browser contexts, app and bare interleaved.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.harness import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
USER, PASSWORD = "demo", "demo"
TIMEOUT_MS = 60_000
SETTLE_MS = 600  # a second script run (e.g. a component reporting its value) starts well within this

BARE_MAIN = """import streamlit as st

st.write("Hello")
with st.sidebar:
    st.page_link("pages/other.py", label="Other")
"""
BARE_OTHER = """import streamlit as st

st.slider("x", 0.0, 100.0, 50.0, step=0.5)
with st.sidebar:
    st.page_link("bare.py", label="Home")
"""

# Installed before any page script: every script run the server reports over the websocket (the
# top-level fields of each ForwardMsg: 4 = new_session, 6 = script_finished), with in-page times.
RUN_LOG_JS = """
window.__bench = {runs: [], last: 0};
const __benchFields = buf => {
  const b = new Uint8Array(buf); const out = {}; let i = 0;
  const varint = () => {
    let v = 0, m = 1, x;
    do { x = b[i++]; v += (x & 127) * m; m *= 128; } while (x & 128);
    return v;
  };
  while (i < b.length) {
    const tag = varint(); const field = Math.floor(tag / 8), wire = tag & 7;
    if (wire === 0) out[field] = varint();
    else if (wire === 2) { const n = varint(); out[field] = n; i += n; }
    else if (wire === 1) i += 8; else if (wire === 5) i += 4; else break;
  }
  return out;
};
const __BenchSocket = window.WebSocket;
window.WebSocket = class extends __BenchSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', ev => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      const t = performance.now(); const f = __benchFields(ev.data); const runs = window.__bench.runs;
      window.__bench.last = t;
      const open = runs.length && runs[runs.length - 1].end === null;
      if (4 in f && !open) runs.push({start: t, end: null});
      if (6 in f) {
        if (runs.length && runs[runs.length - 1].end === null) runs[runs.length - 1].end = t;
        else runs.push({start: t, end: t});  // a fragment run sends no new_session
        runs[runs.length - 1].status = f[6];
      }
    });
  }
};
"""

# Resolves with the in-page time at which the page settled after t0 (see the module docstring).
WAIT_JS = """
async ({t0, text, minRuns, settle, timeout}) => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const runsAfter = () => window.__bench.runs.filter(r => r.start >= t0);
  const drawn = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const runs = window.__bench.runs;
    if (runs.length && runs[runs.length - 1].end === null) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    // Only what is shown counts: a chart in a closed tab or expander draws when it is opened.
    const shown = sel => [...document.querySelectorAll(sel)].filter(el => el.checkVisibility());
    for (const el of shown('[data-testid="stPlotlyChart"]')) if (!el.querySelector('.main-svg')) return false;
    for (const el of shown('[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"]'))
      if (!el.querySelector('canvas, svg')) return false;
    for (const el of shown('[data-testid="stDataFrame"]')) if (!el.querySelector('canvas')) return false;
    for (const img of shown('[data-testid="stImage"] img')) if (!img.complete || !img.naturalWidth) return false;
    for (const t of text) if (!document.body.innerText.includes(t)) return false;
    return true;
  };
  const deadline = performance.now() + timeout;
  while (performance.now() < deadline) {
    const runs = runsAfter();
    if (runs.length >= minRuns && drawn()) {
      await frames();
      const done = performance.now();
      const count = runs.length;
      await new Promise(r => setTimeout(r, settle));
      if (runsAfter().length === count && window.__bench.last < done && drawn()) {
        // Where the time went: before the server's first answer, between it and the last run's end
        // (the script runs), and after it (the browser drawing).
        const first = count ? runs[0].start : done, last = count ? runs[count - 1].end : done;
        return {ms: done - t0, runs: count, wait: first - t0, server: last - first, draw: done - last};
      }
      continue;
    }
    await new Promise(r => requestAnimationFrame(r));
  }
  const app = document.querySelector('[data-testid="stApp"]');
  throw new Error('the page did not settle: ' + JSON.stringify({t0, runs: window.__bench.runs.slice(-3),
    state: app && app.getAttribute('data-test-script-state'), url: location.href,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    missing: text.filter(t => !document.body.innerText.includes(t))}));
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One `streamlit run` process on 127.0.0.1."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS for the server")


def server_env(db: Path) -> dict[str, str]:
    """The app's environment: the bench database, no Bedrock, no way to reach AWS, the default login pause."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINANCE_", "AWS_"))}
    env.update(FINANCE_STORE=f"sqlite:///{db}", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true", PYTHONUNBUFFERED="1")
    return env


@contextmanager
def serve(script: str, cwd: Path, env: dict[str, str], secrets: Path, logdir: Path) -> Iterator[Server]:
    """`streamlit run script` in cwd (so cwd/.streamlit/config.toml applies), until the block ends."""
    port = _free_port()
    log = logdir / f"server-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
            cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.25)
        yield Server(url, proc, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def example_secrets(root: Path, to: Path) -> Path:
    """A checkout's example secrets (the demo login), never the developer's own secrets.toml."""
    shutil.copy(root / ".streamlit" / "secrets.toml.example", to)
    return to


def bare_app(workdir: Path) -> Path:
    """The bare app: a one-line page and a one-slider page, with the app's own .streamlit/config.toml."""
    bare = workdir / "bare"
    (bare / "pages").mkdir(parents=True, exist_ok=True)
    (bare / ".streamlit").mkdir(exist_ok=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", bare / ".streamlit" / "config.toml")
    (bare / "bare.py").write_text(BARE_MAIN)
    (bare / "pages" / "other.py").write_text(BARE_OTHER)
    return bare


# -- one side's interactions -------------------------------------------------------------------
@dataclass
class Side:
    """How to drive one app: its URL, what its pages show when settled, and its links."""

    name: str
    url: str
    home_text: list[str]
    switch_link: str
    switch_text: list[str]
    whatif_link: str | None
    whatif_text: list[str]
    slider_name: str
    login: bool
    times: dict[str, list[float]] = field(default_factory=dict)
    runs: dict[str, list[int]] = field(default_factory=dict)
    parts: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def record(self, name: str, result: dict[str, Any]) -> None:
        self.times.setdefault(name, []).append(float(result["ms"]))
        self.runs.setdefault(name, []).append(int(result["runs"]))
        for part in ("wait", "server", "draw"):
            self.parts.setdefault(name, {}).setdefault(part, []).append(float(result[part]))

    def clear(self) -> None:
        self.times.clear()
        self.runs.clear()
        self.parts.clear()


APP_HOME = ["here is the damage", "Signed in as", "Your coach says"]


def app_side(url: str) -> Side:
    return Side("app", url, APP_HOME, "Transactions", ["Import"], "Forecast", ["Month end (median)"],
                "What-if daily budget", login=True)


def bare_side(url: str) -> Side:
    return Side("bare", url, ["Hello"], "Other", ["x"], None, ["x"], "x", login=False)


def now(page: Any) -> float:
    return float(page.evaluate("performance.now()"))


def settled(page: Any, t0: float, text: list[str], min_runs: int = 1) -> dict[str, Any]:
    return dict(page.evaluate(WAIT_JS, {"t0": t0, "text": text, "minRuns": min_runs, "settle": SETTLE_MS,
                                        "timeout": TIMEOUT_MS}))


def open_page(context: Any) -> Any:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def first_visit(side: Side, context: Any) -> Any:
    """Open the app; the app's login counts from the click, the bare page's from navigation (its first paint)."""
    page = open_page(context)
    page.goto(side.url)
    if not side.login:
        side.record("login", settled(page, 0.0, side.home_text, min_runs=0))
        return page
    settled(page, 0.0, ["Username"], min_runs=0)
    page.get_by_role("textbox", name="Username").fill(USER)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    t0 = now(page)
    page.get_by_role("button", name="Login").click()
    side.record("login", settled(page, t0, side.home_text))
    return page


# The app took the key: it shows a requested or running script (at once, even on a busy server), or has run.
ACCEPTED_JS = """t0 => window.__bench.runs.some(r => r.start >= t0)
  || document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') !== 'notRunning'"""


def press_rerun(page: Any) -> float:
    """Streamlit's own rerun key; pressed again if the app ignored it (it drops a rerun asked mid-run)."""
    for _ in range(5):
        page.evaluate("document.activeElement && document.activeElement.blur()")
        t0 = now(page)
        page.keyboard.press("r")
        try:
            page.wait_for_function(ACCEPTED_JS, arg=t0, timeout=3000)
            return t0
        except PlaywrightTimeout:
            continue
    raise RuntimeError("the app ignored the rerun key five times")


def rerun(side: Side, page: Any, text: list[str]) -> dict[str, Any]:
    """The script runs again with nothing changed."""
    return settled(page, press_rerun(page), text)


def switch(side: Side, page: Any, label: str, text: list[str]) -> dict[str, Any]:
    t0 = now(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name=label).click()
    return settled(page, t0, text)


def whatif_step(side: Side, page: Any) -> dict[str, Any]:
    thumb = page.get_by_role("slider", name=side.slider_name)
    thumb.focus()
    t0 = now(page)
    page.keyboard.press("ArrowRight")
    return settled(page, t0, side.whatif_text)


def _cookie_name() -> str:
    import tomllib

    secrets = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text())
    return str(secrets.get("passwords", secrets.get("auth", {})).get("cookie_name", "finance_coach_auth"))


def wait_for_login_cookie(context: Any, timeout_s: float = 30.0) -> None:
    """The returning visit needs the login cookie, which the app's cookie component writes from the page a
    moment after the login; on a busy machine the visit could otherwise start before it exists (untimed)."""
    name = _cookie_name()
    deadline = time.monotonic() + timeout_s
    while not any(c["name"] == name for c in context.cookies()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the login cookie {name!r} was not written within {timeout_s:.0f} s")
        time.sleep(0.2)


def session(side: Side, browser: Any, reruns: int, steps: int) -> None:
    """One fresh visitor: login, reruns, a page switch, what-if steps, then a returning visit (cookie)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = first_visit(side, context)
        for _ in range(reruns):
            side.record("rerun", rerun(side, page, side.home_text))
        side.record("page_switch", switch(side, page, side.switch_link, side.switch_text))
        if side.whatif_link:
            switch(side, page, side.whatif_link, side.whatif_text)
        for _ in range(steps):
            side.record("whatif", whatif_step(side, page))
        if side.login:
            wait_for_login_cookie(context)
        page.close()
        page = open_page(context)  # same browser profile: its cookie and cache, a new Streamlit session
        page.goto(side.url)
        side.record("returning", settled(page, 0.0, side.home_text, min_runs=0))
        page.close()
    finally:
        context.close()


@contextmanager
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (make bench does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _context_with_log(browser: Any) -> Any:
    browser_new_context = browser.new_context

    def new_context(**kwargs: Any) -> Any:
        ctx = browser_new_context(**kwargs)
        ctx.add_init_script(RUN_LOG_JS)
        return ctx

    browser.new_context = new_context
    return browser


INTERACTIONS = ("rerun", "page_switch", "login", "returning", "whatif")


def interactions(app_urls: dict[str, str], bare_url: str, sessions: int, reruns: int = 3,
                 steps: int = 3) -> dict[str, Any]:
    """Medians over `sessions` fresh visitors per side (interleaved), and the ratios app / bare.

    `app_urls` names one or more servings of the app ("app" is the one the metrics are about; another,
    e.g. "before", is measured in the same rounds and reported under details).
    """
    apps = {name: app_side(url) for name, url in app_urls.items()}
    for name, side in apps.items():
        side.name = name
    bare = bare_side(bare_url)
    sides = [*apps.values(), bare]
    with chromium() as browser:
        _context_with_log(browser)
        for side in sides:  # warm every server (imports, first cache fill): not counted
            session(side, browser, 1, 1)
            side.clear()
        for n in range(sessions):
            for side in sides[n % len(sides):] + sides[:n % len(sides)]:
                session(side, browser, reruns, steps)
    out: dict[str, Any] = {}
    for app_name, app in apps.items():
        prefix = "browser_" if app_name == "app" else f"_{app_name}_browser_"
        for name in INTERACTIONS:
            a, b = statistics.median(app.times[name]), statistics.median(bare.times[name])
            out[f"{prefix}{name}_ratio"] = a / b
            out[f"_{app_name}_{name}_ms"] = a
            out[f"_{app_name}_{name}_runs"] = statistics.median(app.runs[name])
    for side in sides:
        out[f"_{side.name}_parts_ms"] = {
            name: {part: statistics.median(values) for part, values in side.parts[name].items()}
            for name in INTERACTIONS}
    for name in INTERACTIONS:
        out[f"_bare_{name}_ms"] = statistics.median(bare.times[name])
        out[f"_{name}_samples"] = len(bare.times[name])
    out["_sessions"] = sessions
    return out


# -- many sessions at once: memory and rerun latency -------------------------------------------
def concurrent(app_url: str, server: Server, cookie_source: str, sessions: int = 10,
               rounds: int = 5) -> dict[str, Any]:
    """RSS with 1 and with `sessions` signed-in sessions; rerun latency when all rerun at once (p95)."""
    with chromium() as browser:
        _context_with_log(browser)
        first = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = open_page(first)
        page.goto(cookie_source)
        settled(page, 0.0, ["Username"], min_runs=0)
        page.get_by_role("textbox", name="Username").fill(USER)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        t0 = now(page)
        page.get_by_role("button", name="Login").click()
        settled(page, t0, APP_HOME)
        cookies = first.cookies()
        time.sleep(2)
        rss_one = server.rss_mb()
        pages = [page]
        contexts = [first]
        for _ in range(sessions - 1):
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            ctx.add_cookies(cookies)
            p = open_page(ctx)
            p.goto(app_url)
            settled(p, 0.0, APP_HOME, min_runs=0)
            pages.append(p)
            contexts.append(ctx)
        time.sleep(2)
        rss_many = server.rss_mb()
        samples: list[float] = []
        for _ in range(rounds):
            starts = [press_rerun(p) for p in pages]
            for p, t0 in zip(pages, starts, strict=True):
                samples.append(float(settled(p, t0, APP_HOME)["ms"]))
        for ctx in contexts:
            ctx.close()
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {
        "memory_per_session_mb": (rss_many - rss_one) / (sessions - 1),
        "p95_rerun_10_sessions_ms": p95,
        "_rss_1_session_mb": rss_one,
        "_rss_10_sessions_mb": rss_many,
        "_median_rerun_10_sessions_ms": statistics.median(samples),
        "_concurrent_samples": len(samples),
    }


def browser_metrics(workdir: Path, db: Path, sessions: int, concurrent_rounds: int,
                    before_root: Path | None = None, quick: bool = False) -> dict[str, Any]:
    """Serve the app and the bare page, measure the interactions, then memory and p95 on a fresh app server.

    With `before_root` (another checkout of the app) that version is served too and measured in the
    same rounds, so a before/after table comes from one run on one machine.
    """
    secrets = example_secrets(ROOT, workdir / "secrets.toml")
    env = server_env(db)
    bare = bare_app(workdir)
    started = time.monotonic()
    with ExitStack() as stack:
        urls = {"app": stack.enter_context(serve("streamlit_app.py", ROOT, env, secrets, workdir)).url}
        if before_root is not None:  # with its own example secrets: their layout may differ
            before_secrets = example_secrets(before_root, workdir / "secrets-before.toml")
            urls["before"] = stack.enter_context(
                serve("streamlit_app.py", before_root, env, before_secrets, workdir)).url
        plain = stack.enter_context(serve("bare.py", bare, env, secrets, workdir))
        out = interactions(urls, plain.url, sessions, reruns=1 if quick else 3, steps=1 if quick else 3)
    (workdir / "interactions.json").write_text(json.dumps(out, indent=1))  # kept if what follows fails
    try:
        with serve("streamlit_app.py", ROOT, env, secrets, workdir) as app:
            out.update(concurrent(app.url, app, app.url, sessions=3 if quick else 10, rounds=concurrent_rounds))
    except (RuntimeError, PlaywrightError) as exc:  # reported as a failed measurement, never as a number
        out.update({"memory_per_session_mb": math.nan, "p95_rerun_10_sessions_ms": math.nan,
                    "_concurrent_error": str(exc)[:500]})
    out["_browser_seconds"] = time.monotonic() - started
    return out


if __name__ == "__main__":  # python -m bench.browser [SESSIONS] [BEFORE_ROOT]: the browser part alone
    import tempfile

    from bench.app_pages import seed_sqlite

    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        work = Path(tmp)
        seed_sqlite(work / "demo.db", 3, dt.date.today())
        result = browser_metrics(work, work / "demo.db", int(sys.argv[1]) if len(sys.argv) > 1 else 8, 5,
                                 Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(json.dumps(result, indent=1))
