"""Daily totals + streaks on 1,000,000 transactions: lib.analytics against a per-row Python loop.

Both sides get the same input, the transactions frame the app builds (date, amount_cents, ...),
and must give the same answer: every day's total, the current and the longest streak, today's status.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from bench.bench_analytics import DAYS, TODAY, generated_frame
from bench.harness import interleaved, median
from lib.analytics import daily_totals, streaks

START = TODAY - dt.timedelta(days=DAYS - 1)


def ours(df: pd.DataFrame, budget: int) -> tuple[list[int], int, int, str]:
    daily = daily_totals(df, START, TODAY)
    s = streaks(daily, budget, TODAY)
    return daily.tolist(), s.current, s.longest, s.today_status


def _streaks_loop(totals: dict[dt.date, int], budget: int) -> tuple[list[int], int, int, str]:
    """Walk the days one by one: today counts only when it is already over budget (TODAY_RULE)."""
    daily: list[int] = []
    run = longest = 0
    day = START
    while day <= TODAY:
        cents = totals.get(day, 0)
        daily.append(cents)
        if day < TODAY:
            run = run + 1 if cents <= budget else 0
            longest = max(longest, run)
        day += dt.timedelta(days=1)
    today_cents = totals.get(TODAY, 0)
    status = "over" if today_cents > budget else ("no spending" if today_cents == 0 else "under")
    return daily, (0 if status == "over" else run), longest, status


def per_row_loop(df: pd.DataFrame, budget: int) -> tuple[list[int], int, int, str]:
    """The straightforward way: iterate the frame's rows, add each amount to its day."""
    totals: dict[dt.date, int] = {}
    for row in df.itertuples(index=False):
        day = row.date.date()
        if START <= day <= TODAY:
            totals[day] = totals.get(day, 0) + row.amount_cents
    return _streaks_loop(totals, budget)


def list_loop(dates: list[dt.date], cents: list[int], budget: int) -> tuple[list[int], int, int, str]:
    """The fastest plain loop: the same walk over ready-made Python lists (not the metric; context)."""
    totals: dict[dt.date, int] = {}
    for day, amount in zip(dates, cents, strict=True):
        if START <= day <= TODAY:
            totals[day] = totals.get(day, 0) + amount
    return _streaks_loop(totals, budget)


def analytics_comparison(rows: int, reps: int) -> dict[str, Any]:
    df = generated_frame(rows)
    # A budget at the median day makes about half the days kept, so streaks start and break often.
    budget = int(np.median(daily_totals(df, START, TODAY).to_numpy()))
    dates = [d.date() for d in pd.DatetimeIndex(df["date"]).to_pydatetime()]
    cents = df["amount_cents"].tolist()
    answers: dict[str, Any] = {}
    times = interleaved(
        {
            "ours": lambda: answers.__setitem__("ours", ours(df, budget)),
            "loop": lambda: answers.__setitem__("loop", per_row_loop(df, budget)),
            "lists": lambda: answers.__setitem__("lists", list_loop(dates, cents, budget)),
        },
        reps,
    )
    if not (answers["ours"] == answers["loop"] == answers["lists"]):
        raise RuntimeError("the vectorised analytics and the per-row loop disagree")
    _, current, longest, _ = answers["ours"]
    return {
        "analytics_speedup_vs_loop": median(times["loop"]) / median(times["ours"]),
        "analytics_1m_seconds": median(times["ours"]),
        "_loop_s": median(times["loop"]),
        "_list_loop_s": median(times["lists"]),
        "_agree": True,
        "_streaks": (current, longest),
        "_rows": len(df),
    }
