"""Time the analytics on 1,000,000 generated transactions (a measurement, not a test).

Usage: .venv/bin/python bench/bench_analytics.py [--rows N] [--with-objects]
Prints the best of a few runs for: daily totals + streaks + categories + merchants + month pace,
the whole compute_stats, and (with --with-objects) building the frame from Transaction objects.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.core.analytics import (
    DATE_DTYPE,
    by_category,
    by_merchant,
    compute_stats,
    daily_totals,
    month_pace,
    streaks,
    transactions_frame,
)
from lib.core.models import Profile, Transaction

CATEGORIES = ["Groceries", "Dining", "Transport", "Coffee", "Shopping", "Bills", "Fun", "Health", "Other"]
TODAY = dt.date(2026, 11, 25)
DAYS = 3 * 365


def generated_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A frame shaped like transactions_frame's output: 3 years, ~5% refunds, 400 merchants."""
    rng = np.random.default_rng(seed)
    start = np.datetime64(TODAY - dt.timedelta(days=DAYS - 1), "D")
    days = start + rng.integers(0, DAYS, rows).astype("timedelta64[D]")
    cents = rng.integers(100, 6000, rows)
    cents[rng.random(rows) < 0.05] *= -1
    merchants = np.array([f"Merchant {i}" for i in range(400)])
    return pd.DataFrame(
        {
            "date": days.astype(DATE_DTYPE),
            "amount_cents": cents.astype(np.int64),
            "category": pd.array(np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)], dtype="str"),
            "description": pd.array(merchants[rng.integers(0, 400, rows)], dtype="str"),
        }
    )


def best_of(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--with-objects", action="store_true")
    args = parser.parse_args()
    df = generated_frame(args.rows)
    profile = Profile("bench", "Bench", daily_budget=Decimal("300.00"), monthly_salary=Decimal("4000.00"))
    start = TODAY - dt.timedelta(days=DAYS - 1)

    def core() -> None:
        daily = daily_totals(df, start, TODAY)
        streaks(daily, 30000, TODAY)
        by_category(df, start, TODAY)
        by_merchant(df, start, TODAY)
        month_pace(daily, 30000, 400000, TODAY)

    print(f"rows: {len(df):,}")
    print(f"daily totals + streaks + categories + merchants + month pace: {best_of(core) * 1000:.0f} ms (best of 5)")
    stats_s = best_of(lambda: compute_stats(df, profile, TODAY))
    print(f"compute_stats (everything the stats command prints): {stats_s * 1000:.0f} ms")
    if args.with_objects:
        txns = [
            Transaction("bench", d.date(), Decimal(int(c)).scaleb(-2), cat, desc, sort_key="k")
            for d, c, cat, desc in zip(
                df["date"], df["amount_cents"], df["category"], df["description"], strict=True
            )
        ]
        print(f"transactions_frame from {len(txns):,} Transaction objects: "
              f"{best_of(lambda: transactions_frame(txns), runs=3) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
