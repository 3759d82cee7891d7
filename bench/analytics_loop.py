"""Daily totals + streaks on 1,000,000 transactions: lib.core.analytics against a plain Python loop over lists.

The history is realistic in density: 3 to 10 transactions every day (about 150,000 days for a million
rows). The baseline gets the data in its own natural form, Python lists of dates and integer cents
(building them is not timed), and walks them once into a dict of day totals and once over the days
for the streaks. Both sides must give the same answer: every day's total, the current and the
longest streak, today's status.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import interleaved, median
from lib.core.analytics import DATE_DTYPE, daily_totals, streaks

TODAY = dt.date(2026, 11, 25)
CATEGORIES = ["Groceries", "Dining", "Transport", "Coffee", "Shopping", "Bills", "Fun", "Health", "Other"]


def generated_frame(rows: int, seed: int = 7) -> tuple[pd.DataFrame, dt.date]:
    """A frame shaped like transactions_frame's output with 3-10 transactions a day ending TODAY; its first day."""
    rng = np.random.default_rng(seed)
    per_day = rng.integers(3, 11, rows // 3 + 1)
    days = int(np.searchsorted(np.cumsum(per_day), rows)) + 1
    start = TODAY - dt.timedelta(days=days - 1)
    day_of_row = np.repeat(np.arange(days), per_day[:days])[:rows]
    dates = np.datetime64(start, "D") + day_of_row.astype("timedelta64[D]")
    cents = rng.integers(100, 6000, rows)
    cents[rng.random(rows) < 0.05] *= -1  # refunds
    frame = pd.DataFrame({
        "date": dates.astype(DATE_DTYPE),
        "amount_cents": cents.astype(np.int64),
        "category": pd.array(np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)], dtype="str"),
    })
    return frame, start


def ours(df: pd.DataFrame, start: dt.date, budget: int) -> tuple[list[int], int, int, str]:
    daily = daily_totals(df, start, TODAY)
    s = streaks(daily, budget, TODAY)
    return daily.tolist(), s.current, s.longest, s.today_status


def list_loop(dates: list[dt.date], cents: list[int], start: dt.date,
              budget: int) -> tuple[list[int], int, int, str]:
    """The baseline: sum each day in a dict, then walk the days (today counts only once over budget)."""
    totals: dict[dt.date, int] = {}
    for day, amount in zip(dates, cents, strict=True):
        if start <= day <= TODAY:
            totals[day] = totals.get(day, 0) + amount
    daily: list[int] = []
    run = longest = 0
    day, one = start, dt.timedelta(days=1)
    while day <= TODAY:
        value = totals.get(day, 0)
        daily.append(value)
        if day < TODAY:
            run = run + 1 if value <= budget else 0
            longest = max(longest, run)
        day += one
    today_cents = totals.get(TODAY, 0)
    status = "over" if today_cents > budget else ("no spending" if today_cents == 0 else "under")
    return daily, (0 if status == "over" else run), longest, status


def analytics_comparison(rows: int, reps: int) -> dict[str, Any]:
    df, start = generated_frame(rows)
    # A budget at the median day makes about half the days kept, so streaks start and break often.
    budget = int(np.median(daily_totals(df, start, TODAY).to_numpy()))
    dates = [d.date() for d in pd.DatetimeIndex(df["date"]).to_pydatetime()]
    cents = df["amount_cents"].tolist()
    answers: dict[str, Any] = {}
    times = interleaved(
        {
            "ours": lambda: answers.__setitem__("ours", ours(df, start, budget)),
            "lists": lambda: answers.__setitem__("lists", list_loop(dates, cents, start, budget)),
        },
        reps,
    )
    if answers["ours"] != answers["lists"]:
        raise RuntimeError("the vectorised analytics and the plain loop disagree")
    _, current, longest, _ = answers["ours"]
    return {
        "analytics_speedup_vs_loop": median(times["lists"]) / median(times["ours"]),
        "analytics_1m_seconds": median(times["ours"]),
        "_list_loop_s": median(times["lists"]),
        "_streaks": (current, longest),
        "_rows": len(df),
        "_days": (TODAY - start).days + 1,
    }
