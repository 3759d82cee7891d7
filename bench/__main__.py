"""`make bench` (`python -m bench`): every metric of issue 6, a table, bench/results.json and bench/RESULTS.md.

Each comparison runs both sides in this process, interleaved, and reports the median of several
repetitions. `--quick` shrinks sizes and repetitions for a smoke run (its numbers are not the results).
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


def run_all(quick: bool, out_dir: Path) -> dict[str, Any]:
    from bench import analytics_loop, app_pages, coach_cost, dynamo, user_day
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

        t0 = _step("dashboard against a bare page in AppTest (warm reruns, cold first loads)")
        d = app_pages.dashboard_ratios(h, urls[3], warm_reps=6 if quick else 21, cold_reps=3 if quick else 9)
        _split(d, metrics, details)
        _done(t0)

        t0 = _step("dashboard load at 1, 3 and 10 years of history")
        _split(app_pages.history_scaling(h, urls, reps=3 if quick else 7), metrics, details)
        _done(t0)

        t0 = _step("analytics on 1,000,000 transactions against a per-row loop")
        rows = 100_000 if quick else 1_000_000
        _split(analytics_loop.analytics_comparison(rows, reps=1 if quick else 3), metrics, details)
        _done(t0)

        with dynalite() as endpoint, dynamo.dynamodb_env(endpoint):
            table = f"bench-{uuid.uuid4().hex[:8]}"
            t0 = _step("seeding dynalite: the demo user (3 years) and 99 users (1 year each)")
            store = dynamo.open_bench_store(table)
            details["dynalite_seed"] = dynamo.seed(store, today, other_years=1)
            _done(t0)

            t0 = _step("one dashboard load through the app on dynalite; the Scan-and-filter way")
            load = dynamo.dashboard_load(h, table, reps=3)
            scan = dynamo.naive_scan(store.client, table, app_pages.USER, load_start(today))
            if dynamo.keys_of(scan["items"]) != dynamo.keys_of(load["items"]):
                raise RuntimeError("the Scan-and-filter load did not return the same items as the app's query")
            metrics["requests_per_dashboard_load"] = load["requests_per_dashboard_load"]
            metrics["rcu_ratio_vs_floor"] = load["read_units_per_load"] / load["floor_units"]
            metrics["naive_scan_rcu_ratio"] = scan["units"] / load["read_units_per_load"]
            details.update({f"load_{k}": v for k, v in load.items() if k != "items"})
            details["load_items"] = len(load["items"])
            details.update({"scan_units": scan["units"], "scan_requests": scan["requests"]})
            details.update(dynamo.write_units(store, today))
            _done(t0)

            t0 = _step("a user-day in the app with the AI coach on: open, 3 adds")
            details["user_day"] = user_day.user_day(h, table)
            _done(t0)

            t0 = _step("importing 10,000 CSV rows: the store against put_item per row")
            rows = 1_000 if quick else 10_000
            _split(dynamo.import_comparison(store, table, rows, reps=1 if quick else 3, today=today), metrics, details)
            details["import_rows"] = rows
            _done(t0)

    tokens = coach_cost.token_estimate(today)
    _split(tokens, metrics, details)
    measured = {
        "read_units_per_load": details["load_read_units_per_load"],
        "add_write_units": details["add_write_units"],
        "commentary_write_units": details["commentary_write_units"],
        "bedrock_input_tokens": metrics["bedrock_input_tokens"],
        "bedrock_output_tokens": metrics["bedrock_output_tokens"],
        "user_day": details["user_day"],
    }
    _split(coach_cost.monthly_cost(measured), metrics, details)
    details["elapsed_s"] = time.perf_counter() - started
    return {"metrics": metrics, "details": details}


def load_start(today: dt.date) -> dt.date:
    from lib import views

    return views.coach_range(today)[0]


def _split(values: dict[str, Any], metrics: dict[str, Any], details: dict[str, Any]) -> None:
    """Keys starting with "_" are supporting detail for RESULTS.md; the rest are the named metrics."""
    for key, value in values.items():
        (details if key.startswith("_") else metrics)[key.lstrip("_")] = value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions (a smoke run)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where results.json and RESULTS.md go")
    args = parser.parse_args(argv)

    load_at_start = round(os.getloadavg()[0], 2)
    outcome = run_all(args.quick, args.out)
    metrics, details = outcome["metrics"], outcome["details"]
    details["load_avg_start"] = load_at_start
    missing = [name for name in report.METRIC_NAMES if name not in metrics]
    if missing:
        sys.exit(f"metrics missing: {missing}")
    machine = {"machine_load_avg_1m_start": load_at_start, **machine_info()}
    results = {name: metrics[name] for name in report.METRIC_NAMES} | machine
    print()
    print(report.text_table(metrics))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "RESULTS.md").write_text(report.markdown(metrics, details, machine))
    print(f"\nwrote {args.out / 'results.json'} and {args.out / 'RESULTS.md'} in {details['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
