"""The results table (terminal and markdown) and bench/RESULTS.md, written from one run's numbers."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lib.core import cost

INTERACTION_LABELS = {
    "rerun": "rerun that changes no data",
    "page_switch": "dashboard → Transactions",
    "login": "login click → dashboard painted (bare: first paint)",
    "returning": "returning visit (cookie)",
    "whatif": "Forecast what-if slider step",
}


@dataclass(frozen=True)
class Goal:
    name: str
    goal: str
    check: Callable[[float], bool] | None  # None: informative, no goal
    fmt: str


GOALS = [
    Goal("browser_rerun_ratio", "≤ 1.5", lambda v: v <= 1.5, "{:.2f}"),
    Goal("browser_page_switch_ratio", "≤ 1.5", lambda v: v <= 1.5, "{:.2f}"),
    Goal("browser_login_ratio", "≤ 2", lambda v: v <= 2, "{:.2f}"),
    Goal("browser_returning_ratio", "≤ 1.5", lambda v: v <= 1.5, "{:.2f}"),
    Goal("browser_whatif_ratio", "≤ 1.5", lambda v: v <= 1.5, "{:.2f}"),
    Goal("memory_per_session_mb", "— (informative)", None, "{:.1f}"),
    Goal("p95_rerun_10_sessions_ms", "— (informative)", None, "{:.0f}"),
    Goal("store_reads_per_cached_rerun", "0", lambda v: v == 0, "{:g}"),
    Goal("requests_per_dashboard_load", "1", lambda v: v <= 1, "{:g}"),
    Goal("dashboard_overread_ratio", "≤ 1.1", lambda v: v <= 1.1, "{:.2f}"),
    Goal("forecast_read_units", "≤ 1.1 × floor of its bytes", None, "{:.1f}"),  # checked against the floor below
    Goal("naive_scan_rcu_ratio", "≥ 20", lambda v: v >= 20, "{:.0f}"),
    Goal("analytics_speedup_vs_loop", "≥ 10", lambda v: v >= 10, "{:.1f}"),
    Goal("analytics_1m_seconds", "— (informative)", None, "{:.3f}"),
    Goal("import_dynamo_speedup_vs_put_item_2ms", "≥ 10", lambda v: v >= 10, "{:.1f}"),
    Goal("import_sqlite_linearity", "— (informative; 1.0 = linear)", None, "{:.2f}"),
    Goal("bedrock_input_tokens", "— (informative)", None, "{:d}"),
    Goal("bedrock_output_tokens", "— (informative)", None, "{:d}"),
    Goal("cost_per_user_month_usd", "< 0.002", lambda v: v < 0.002, "{:.5f}"),
    # Issue 23: one server's capacity at Streamlit's WebSocket protocol, and replicas that agree.
    Goal("load_p95_ratio_10", "≤ 3", lambda v: v <= 3, "{:.2f}"),
    Goal("load_p95_ratio_50", "— (informative)", None, "{:.2f}"),
    Goal("replica_freshness_seconds", "≤ 5", lambda v: v <= 5, "{:.2f}"),
    Goal("history_scaling_exponent", "≤ 1 (no worse than linear)", lambda v: v <= 1, "{:.2f}"),
]
METRIC_NAMES = [g.name for g in GOALS]


def _verdict(g: Goal, metrics: dict[str, Any]) -> str:
    value = metrics[g.name]
    if value != value:  # NaN: the measurement itself failed (the reason is in RESULTS.md)
        return "NOT measured"
    if g.name == "forecast_read_units":
        floor = metrics.get("forecast_floor_units")
        return "—" if floor is None else ("met" if value <= 1.1 * floor else "NOT met")
    if g.check is None:
        return "—"
    return "met" if g.check(value) else "NOT met"


def rows(metrics: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(g.name, g.goal, g.fmt.format(metrics[g.name]), _verdict(g, metrics)) for g in GOALS if g.name in metrics]


def text_table(metrics: dict[str, Any]) -> str:
    header = ("metric", "goal", "measured", "verdict")
    body = rows(metrics)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(4)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([line.format(*header), line.format(*("-" * w for w in widths))]
                     + [line.format(*r) for r in body])


def markdown_table(metrics: dict[str, Any]) -> str:
    out = ["| Metric | Goal | Measured | Verdict |", "|---|---|---|---|"]
    out += [f"| `{n}` | {g} | {v} | {'**NOT met**' if m == 'NOT met' else m} |" for n, g, v, m in rows(metrics)]
    return "\n".join(out)


def interactions_table(d: dict[str, Any]) -> str:
    """Milliseconds per interaction, the app's script runs, and where its time went (wait/server/draw)."""
    sides = ["app"] + (["before"] if "before_rerun_ms" in d else [])
    head = "| interaction | " + " | ".join(
        f"{s} (ms) | {s} ratio" for s in sides) + " | bare (ms) | app: wait / server / draw (ms) | app script runs |"
    out = [head, "|" + "---|" * (2 * len(sides) + 4)]
    for name, label in INTERACTION_LABELS.items():
        bare = d[f"bare_{name}_ms"]
        cells = " | ".join(f"{d[f'{s}_{name}_ms']:,.0f} | {d[f'{s}_{name}_ms'] / bare:.2f}x" for s in sides)
        p = d["app_parts_ms"][name]
        out.append(f"| {label} | {cells} | {bare:,.0f} | {p['wait']:,.0f} / {p['server']:,.0f} / {p['draw']:,.0f} "
                   f"| {d[f'app_{name}_runs']:g} |")
    return "\n".join(out)


def _unmet(metrics: dict[str, Any]) -> list[str]:
    return [n for n, _, _, v in rows(metrics) if v == "NOT met"]


def markdown(metrics: dict[str, Any], d: dict[str, Any], machine: dict[str, Any]) -> str:
    m = {**metrics, "forecast_floor_units": d["store_forecast"]["floor_units"]}
    pkgs = ", ".join(f"{k.removeprefix('pkg_')} {v}" for k, v in machine.items() if k.startswith("pkg_"))
    when = dt.date.today().isoformat()
    quick = " (**--quick: a smoke run, not the results**)" if d.get("quick") else ""
    month, dash, fc = d["month"], d["store_dashboard"], d["store_forecast"]
    parts = [
        "# Benchmark results",
        "",
        f"`make bench` on {when}{quick}: {machine['machine_cores']} cores ({machine['machine_cpu']}), "
        f"Python {machine['python_version']}, Node {machine['node_version']}, Chromium (Debian, headless); {pkgs}. "
        f"Load average {machine['machine_load_avg_1m_start']} at the start and {machine['machine_load_avg_1m_end']} "
        f"at the end (the machine is shared: timings are noisy, which is why every timing is a ratio against a "
        f"bare page measured in the same rounds). Whole run: {d['elapsed_s']:.0f} s. The same numbers are in "
        "`bench/results.json`, the supporting detail in `bench/details.json`.",
        "",
        markdown_table(m),
        "",
        "## What a person feels (headless Chromium)",
        "",
        f"Medians of {d['sessions']} fresh visitors per side ({d['rerun_samples']} samples for reruns and what-if "
        "steps, 3 per visitor), the app and the bare page interleaved. Each visitor: open the page, sign in "
        "(the app; the bare page's counterpart is its first paint), press Streamlit's rerun key 3 times, "
        "switch page, take 3 what-if slider steps, then open the page again in the same browser profile "
        "(cookie and cache kept, a new Streamlit session). Times are taken inside the page "
        "(performance.now) from the click or key to settled: script state idle, nothing stale, every "
        "visible chart drawn, two animation frames, and no further script run within 600 ms (so a second "
        "run caused by a component is counted). Script runs and the split are read from the websocket: "
        "*wait* = until the server's first message, *server* = until the last script run finished, "
        "*draw* = the browser after that. *before* (when shown) is another checkout of the app given with "
        "`--before`, served and measured in the same rounds.",
        "",
        interactions_table(d),
        "",
        (f"Memory and load: NOT measured ({d['concurrent_error']})." if "concurrent_error" in d else
         f"Memory and load: a fresh server, one signed-in session {d['rss_1_session_mb']:.0f} MB RSS, ten "
        f"{d['rss_10_sessions_mb']:.0f} MB, so **{m['memory_per_session_mb']:.1f} MB per extra session**. "
        f"All ten rerunning at once: median {d['median_rerun_10_sessions_ms']:.0f} ms, "
        f"**p95 {m['p95_rerun_10_sessions_ms']:.0f} ms** ({d['concurrent_samples']} reruns; ten reruns queue "
        "for two cores shared with everything else the load average shows)."),
        "",
        "How the dashboard draws its charts (bench/chart_libs.py: its four chart kinds on one page, same data, "
        "fresh browser profile per visit): first paint Plotly "
        f"{d['charts_plotly_first_ms']:,.0f} ms, Vega-Lite {d['charts_vega_first_ms']:,.0f} ms, SVG pictures drawn "
        f"on the server {d.get('charts_svg_first_ms', math.nan):,.0f} ms; rerun Plotly "
        f"{d['charts_plotly_rerun_ms']:,.0f} ms, Vega-Lite {d['charts_vega_rerun_ms']:,.0f} ms, SVG "
        f"{d.get('charts_svg_rerun_ms', math.nan):,.0f} ms. The dashboard draws SVG pictures (issue 21); the "
        "Forecast page's fan stays Plotly, for its hover.",
        "",
        "## Store cost per page (dynalite, the real app in AppTest, a cold cache)",
        "",
        "The steady load: a fresh session with empty caches, after the page has been loaded once since "
        "the data was seeded (what a user pays day after day). "
        "Needed = the user's items the page shows or uses (its date range and the sidebar coach's, the "
        "profile, the saved commentary), found by a separate Query of the whole partition; item bytes by "
        "DynamoDB's size rule (what read units are charged on).",
        "",
        "| page | requests | read units | items read | bytes read | items needed | bytes needed | floor (units) "
        "| over-read |",
        "|---|---|---|---|---|---|---|---|---|",
        *(f"| {name} | {p['requests']} | {p['read_units']:g} | {p['items_read']:,} | {p['bytes_read']:,} | "
          f"{p['items_needed']:,} | {p['bytes_needed']:,} | {p['floor_units']:g} | {p['overread_ratio']:.2f} |"
          for name, p in (("dashboard", dash), ("Forecast", fc))),
        "",
        "Apart, the one-time rebuild: the first load after data arrived outside the app (here the seeding) "
        "reads the whole history once to rebuild the streak summary and saves it: dashboard "
        f"{dash['first_requests']} requests, {dash['first_read_units']:g} read units "
        f"({dash['first_items_read']:,} items), {dash['first_write_units']:g} write units; Forecast "
        f"{fc['first_requests']} requests, {fc['first_read_units']:g} read units "
        f"({fc['first_items_read']:,} items), {fc['first_write_units']:g} write units.",
        "",
        f"The Scan-and-filter way of the same dashboard load ({d['dynalite_seed']['users']} users): "
        f"{d['scan_units']:g} read units in "
        f"{d['scan_requests']} requests, {m['naive_scan_rcu_ratio']:.0f}x the app's.",
        "",
        "## A simulated month (cost per user-month)",
        "",
        f"One scripted user (seed fixed, {month['days']} days from 2026-11-02"
        + (f", scaled x{month['scale']:g} to 30 days" if month["scale"] != 1 else "")
        + f"): the dashboard every day ({month['dashboard_loads']} loads), the Forecast page every Monday "
        f"({month['forecast_loads']}), {month['adds']} transactions added by hand on the Transactions page and "
        f"{month['imported']} imported from one bank CSV, through the real app and store on dynalite with the AI "
        f"coach on (a fake Bedrock client counting calls and tokens). Measured: {month['requests']} store "
        f"requests ({month['reads']} reads, {month['writes']} writes), {month['read_units']:g} read units, "
        f"{month['write_units']:g} write units; {month['coach_calls']} coach calls, {month['input_tokens']:,} "
        f"input and {month['output_tokens']:,} output tokens (input by the app's estimate_tokens of the request "
        "texts; the answer is a scripted 4-sentence text, as long as the offline coach's). Priced: DynamoDB "
        f"${month['dynamodb_usd']:.5f}, Bedrock ${month['bedrock_usd']:.5f}, total "
        f"**${m['cost_per_user_month_usd']:.5f} per user-month**.",
        "",
        f"Prices (`lib/core/cost.py`, list prices US East, as of {cost.PRICES_AS_OF}): DynamoDB on-demand "
        f"${cost.DDB_READ_USD_PER_MILLION} per million read request units, ${cost.DDB_WRITE_USD_PER_MILLION} "
        f"per million write request units; Nova Micro ${cost.NOVA_MICRO_INPUT_USD_PER_1K} per 1,000 input "
        f"tokens, ${cost.NOVA_MICRO_OUTPUT_USD_PER_1K} per 1,000 output tokens.",
        "",
        "## Analytics",
        "",
        f"{d['rows']:,} transactions, 3-10 a day ({d['days']:,} days): `daily_totals` + `streaks` "
        f"{m['analytics_1m_seconds']:.3f} s against a plain Python loop over lists of dates and cents "
        f"(building the lists not timed) {d['list_loop_s']:.3f} s; both give the same daily totals, streaks "
        f"(current {d['streaks'][0]}, longest {d['streaks'][1]}) and today's status.",
        "",
        "## History scaling",
        "",
        "Cold dashboard load (AppTest) at 1, 3 and 10 years of history: "
        + ", ".join(f"{y} y {ms:.0f} ms" for y, ms in d["load_ms_by_years"].items())
        + f"; the log-log slope {m['history_scaling_exponent']:.2f} (about 0: the page reads a fixed window).",
    ]
    if "_load_levels" in d:
        levels = d["_load_levels"]
        parts += ["", "## One server, many sessions (bench/load.py)", "",
                  "Signed-in sessions at Streamlit's WebSocket protocol (no browser each: the login cookie in the "
                  "handshake, `rerun_script` until `script_finished`), each rerunning the dashboard every 3-6 s; "
                  "one level after another on the same server.", "",
                  "| sessions | reruns | p50 (ms) | p95 (ms) | server RSS (MB) | server CPU (cores) |",
                  "|---:|---:|---:|---:|---:|---:|"]
        parts += [f"| {v['sessions']} | {v['reruns']} | {v['p50_s'] * 1000:.0f} | {v['p95_s'] * 1000:.0f} | "
                  f"{v['rss_mb']:.0f} | {v['server_cpu_cores']:.2f} |" for v in levels.values()]
        parts += ["", f"Write in another process (the CLI's import) → seen on this server's next page load: "
                      f"{m['replica_freshness_seconds']:.2f} s, {d.get('freshness_page_loads', '?')} page load(s)."]
    from bench import scale_cost

    parts += ["", scale_cost.markdown(m["cost_per_user_month_usd"])]
    unmet = _unmet(m)
    if unmet:
        parts += ["", "## Goals not met", ""]
        parts += [f"- `{name}`: {NOTES.get(name, lambda _m, _d: 'see the tables above.')(m, d)}" for name in unmet]
    return "\n".join(parts) + "\n"


def _interaction_note(name: str) -> Callable[[dict[str, Any], dict[str, Any]], str]:
    def note(m: dict[str, Any], d: dict[str, Any]) -> str:
        p = d["app_parts_ms"][name]
        bare = d["bare_parts_ms"][name]
        return (f"{d[f'app_{name}_ms']:,.0f} ms against {d[f'bare_{name}_ms']:,.0f} ms. The app's time: "
                f"{p['wait']:,.0f} ms until the server's first message (bare {bare['wait']:,.0f}), "
                f"{p['server']:,.0f} ms of script runs ({d[f'app_{name}_runs']:g} runs; bare {bare['server']:,.0f}), "
                f"{p['draw']:,.0f} ms of drawing in the browser after the last run (bare {bare['draw']:,.0f}).")
    return note


NOTES: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    **{f"browser_{n}_ratio": _interaction_note(n) for n in INTERACTION_LABELS},
    "browser_returning_ratio": lambda m, d: _interaction_note("returning")(m, d) + (
        " The dashboard's four charts are SVG pictures drawn on the server once per data version, so the "
        "browser loads no chart library for it (Plotly's bundle was most of a returning visit: first paint of "
        f"the four chart kinds {d['charts_plotly_first_ms']:,.0f} ms in Plotly against "
        f"{d.get('charts_svg_first_ms', math.nan):,.0f} ms as pictures)."),
    "browser_whatif_ratio": lambda m, d: _interaction_note("whatif")(m, d) + (
        " The step reruns only the what-if fragment; its script time is re-pricing the simulation "
        "(forecast_view.forecast_view) and redrawing the fan chart."),
    "import_dynamo_speedup_vs_put_item_2ms": lambda m, d: (
        f"{d['import_dynamo_rows']:,.0f} rows: {d['import_dynamo_store_s']:.1f} s through the store "
        f"({d['import_dynamo_store_requests']:,.0f} requests) against {d['import_dynamo_put_item_s']:.1f} s with "
        f"one PutItem per row ({d['import_dynamo_put_item_requests']:,.0f} requests), every request 2 ms more "
        "than dynalite on this machine takes."),
    "dashboard_overread_ratio": lambda m, d: (
        f"the dashboard's one Query returns {d['store_dashboard']['bytes_read']:,} item bytes for "
        f"{d['store_dashboard']['bytes_needed']:,} it uses."),
    "forecast_read_units": lambda m, d: (
        f"{d['store_forecast']['requests']} requests, {m['forecast_read_units']:g} read units against a floor of "
        f"{d['store_forecast']['floor_units']:g} for the bytes it uses (the window is read more than once)."),
    "analytics_speedup_vs_loop": lambda m, d: (
        f"with 3-10 transactions a day a plain loop over lists is fast ({d['list_loop_s']:.2f} s); the vectorised "
        "path spends most of its time in pandas' groupby factorising the dates; summing by day offset "
        "(np.bincount) would skip that."),
    "cost_per_user_month_usd": lambda m, d: (
        f"DynamoDB ${d['month']['dynamodb_usd']:.5f}, Bedrock ${d['month']['bedrock_usd']:.5f} "
        f"({d['month']['coach_calls']} coach calls)."),
}
