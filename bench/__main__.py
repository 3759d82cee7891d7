"""`make bench` (`python -m bench`): what a user feels and what a user costs; bench/results.json and RESULTS.md.

Browser interactions run in headless Chromium against `streamlit run` of the app and of a bare page,
interleaved; store costs, the simulated month and the history scaling run the real app (AppTest) on
dynalite or SQLite; analytics run in this process. `--quick` shrinks sizes and repetitions for a
smoke run (its numbers are not the results). `--before PATH` also serves another checkout of the app
in the same browser rounds (a before/after table from one run).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import report
from bench.harness import ROOT, machine_info

OUT_DIR = ROOT / "bench"


def _step(name: str) -> float:
    print(f"· {name} …", flush=True)
    return time.perf_counter()


def _done(t0: float) -> None:
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)


def _split(values: dict[str, Any], metrics: dict[str, Any], details: dict[str, Any]) -> None:
    """Keys starting with "_" are supporting detail for RESULTS.md; the rest are the named metrics."""
    for key, value in values.items():
        (details if key.startswith("_") else metrics)[key.lstrip("_")] = value


def run_all(quick: bool, before: Path | None) -> dict[str, Any]:
    from bench import analytics_loop, app_pages, browser, dynamo, import_speed, month, store_cost
    from bench.window_cost import dynalite

    app_pages.quiet_streamlit()
    today = dt.date.today()
    details: dict[str, Any] = {"quick": quick, "today": today.isoformat()}
    metrics: dict[str, Any] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        h = app_pages.AppHarness(work)

        t0 = _step("seeding the embedded store with 1, 3 and 10 years of demo history")
        urls = {}
        for years in (1, 3, 10):
            path = work / f"demo-{years}y.db"
            details[f"sqlite_items_{years}y"] = app_pages.seed_sqlite(path, years, today)
            urls[years] = f"sqlite:///{path}"
        _done(t0)

        t0 = _step("the five interactions in Chromium: the app against a bare page"
                   + (f" (and {before})" if before else ""))
        _split(browser.browser_metrics(work, work / "demo-3y.db", sessions=1 if quick else 8,
                                       concurrent_rounds=1 if quick else 3, before_root=before, quick=quick),
               metrics, details)
        _done(t0)

        t0 = _step("the dashboard's chart kinds drawn by Plotly and by Vega-Lite (first paint, rerun)")
        from bench import chart_libs

        _split(chart_libs.compare(work, visits=1 if quick else 4), metrics, details)
        _done(t0)

        t0 = _step("store reads of a cached dashboard rerun; dashboard load at 1, 3 and 10 years of history")
        _split(app_pages.cached_rerun_reads(h, urls[3]), metrics, details)
        _split(app_pages.history_scaling(h, urls, reps=1 if quick else 7), metrics, details)
        _done(t0)

        rows = 20_000 if quick else 1_000_000
        t0 = _step(f"analytics on {rows:,} transactions (3-10 a day) against a plain loop over lists")
        _split(analytics_loop.analytics_comparison(rows, reps=1 if quick else 3),
               metrics, details)
        _done(t0)

        with dynalite() as endpoint, dynamo.dynamodb_env(endpoint):
            table = f"bench-{uuid.uuid4().hex[:8]}"
            others = 9 if quick else dynamo.OTHER_USERS  # the Scan's cost grows with them; the app's does not
            t0 = _step(f"seeding dynalite: the demo user (3 years) and {others} users (1 year each)")
            store = dynamo.open_bench_store(table)
            details["dynalite_seed"] = dynamo.seed(store, today, other_years=1, others=others)
            _done(t0)

            t0 = _step("store cost of the dashboard and the Forecast page; the Scan-and-filter way")
            costs = store_cost.store_costs(h, table, today)
            _split(costs, metrics, details)
            scan = dynamo.naive_scan(store.client, table, app_pages.USER, _load_start(today))
            metrics["naive_scan_rcu_ratio"] = scan["units"] / details["store_dashboard"]["read_units"]
            details.update({"scan_units": scan["units"], "scan_requests": scan["requests"]})
            _done(t0)

            t0 = _step("a simulated month of one user (AI coach on, fake Bedrock)")
            _split(month.simulate(h, f"{table}-month", days=3 if quick else month.DAYS), metrics, details)
            _done(t0)

            t0 = _step("capacity: 1, 10 and 50 signed-in sessions at the WebSocket level; freshness across processes")
            from bench import load

            measured = load.measure(quick)
            details["_load_levels"] = measured.pop("_load_levels")
            _split(measured, metrics, details)
            _done(t0)

            t0 = _step("import speed")
            _split(import_speed.measure(quick), metrics, details)
            _done(t0)
    details["elapsed_s"] = time.perf_counter() - started
    return {"metrics": metrics, "details": details}


def _load_start(today: dt.date) -> dt.date:
    from lib.web import views

    return views.coach_range(today)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions (a smoke run)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where results.json and RESULTS.md go")
    parser.add_argument("--before", type=Path, help="another checkout of the app, measured in the same rounds")
    args = parser.parse_args(argv)

    load_at_start = round(os.getloadavg()[0], 2)
    outcome = run_all(args.quick, args.before)
    metrics, details = outcome["metrics"], outcome["details"]
    missing = [name for name in report.METRIC_NAMES if name not in metrics]
    if missing:
        sys.exit(f"metrics missing: {missing}")
    machine = {"machine_load_avg_1m_start": load_at_start, **machine_info()}
    results = {name: metrics[name] for name in report.METRIC_NAMES} | machine
    print()
    print(report.text_table({**metrics, "forecast_floor_units": details["store_forecast"]["floor_units"]}))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "RESULTS.md").write_text(report.markdown(metrics, details, machine))
    (args.out / "details.json").write_text(json.dumps(details, indent=1, default=str) + "\n")
    print(f"\nwrote {args.out / 'results.json'} and {args.out / 'RESULTS.md'} in {details['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
