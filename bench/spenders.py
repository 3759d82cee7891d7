"""Synthetic spenders for the forecast's backtest: very different habits, each a transactions frame.

Each spender is a function (rng, start, days) -> frame with date, amount_cents (int), category and
description, like lib.core.analytics.transactions_frame. Rent is a monthly bill for all of them, so
the bill finder is exercised too. `measure` backtests a spender and scores coverage and pinball loss
of the model against the simple baselines; `python -m bench.spenders --seeds 11 12 [--before]` prints
the table (seeds 1-6 were used to tune lib/core/forecast/calibration.py; 11 and up were not).
"""
from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

Spender = Callable[[np.random.Generator, dt.date, int], pd.DataFrame]

START = dt.date(2024, 1, 1)
DAYS = 730  # two years: a year-ago baseline for the second year


def _frame(days: pd.DatetimeIndex, cents: np.ndarray, category: str, description: str) -> pd.DataFrame:
    keep = cents != 0
    return pd.DataFrame({"date": days[keep], "amount_cents": cents[keep].astype("int64"),
                         "category": category, "description": description})


def _rent(days: pd.DatetimeIndex, amount: int = 90000, day: int = 1) -> pd.DataFrame:
    cents = np.where(days.day == day, amount, 0)
    return _frame(days, cents, "Rent", "Landlord")


def _gamma(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    shape = 1.0 / cv**2
    return np.rint(rng.gamma(shape, mean / shape, n)).astype("int64")


def _days(start: dt.date, days: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=days, freq="D")


def steady(rng: np.random.Generator, start: dt.date = START, days: int = DAYS) -> pd.DataFrame:
    """About the same every day: groceries and coffee."""
    d = _days(start, days)
    cv = rng.uniform(0.1, 0.4)
    return pd.concat([_rent(d), _frame(d, _gamma(rng, 3500, cv, days), "Groceries", "Market")])


def weekend_heavy(rng: np.random.Generator, start: dt.date = START, days: int = DAYS) -> pd.DataFrame:
    """Little on weekdays, a lot on Friday night and Saturday."""
    d = _days(start, days)
    weekend = np.isin(d.day_of_week, (4, 5))
    mean = np.where(weekend, rng.uniform(8000, 20000), 1200)
    shape = rng.uniform(2.0, 12.0)  # from wild nights to the same dinner every Friday
    spend = np.rint(rng.gamma(shape, mean / shape)).astype("int64")
    spend = np.where(rng.random(days) < np.where(weekend, 0.95, 0.6), spend, 0)
    return pd.concat([_rent(d), _frame(d, spend, "Eating out", "Bar")])


def payday_splurger(rng: np.random.Generator, start: dt.date = START, days: int = DAYS) -> pd.DataFrame:
    """Paid on the 25th: a splurge in the three days after it, then thin days until the next one."""
    d = _days(start, days)
    since_payday = (d.day - 25) % d.days_in_month.to_numpy()
    mean = np.where(since_payday < 3, rng.uniform(15000, 40000), np.where(since_payday < 12, 3000, 1200))
    spend = np.rint(rng.gamma(1.5, mean / 1.5)).astype("int64")
    return pd.concat([_rent(d), _frame(d, spend, "Shopping", "Mall")])


def rare_big(rng: np.random.Generator, start: dt.date = START, days: int = DAYS) -> pd.DataFrame:
    """Steady small days, and now and then (about every seven weeks) a big purchase."""
    d = _days(start, days)
    small = _gamma(rng, 2500, 0.4, days)
    big = np.where(rng.random(days) < 1 / 50, np.rint(rng.uniform(40000, 150000, days)), 0).astype("int64")
    return pd.concat([_rent(d), _frame(d, small, "Groceries", "Market"), _frame(d, big, "Shopping", "Electronics")])


def irregular_months(rng: np.random.Generator, start: dt.date = START, days: int = DAYS) -> pd.DataFrame:
    """Each month has its own level: some frugal, some loose (travel, guests)."""
    d = _days(start, days)
    month_key = d.year * 12 + d.month
    sigma = rng.uniform(0.2, 0.45)
    levels = {k: float(np.exp(rng.normal(0.0, sigma))) for k in np.unique(month_key)}
    mean = 4000 * np.array([levels[k] for k in month_key])
    return pd.concat([_rent(d), _frame(d, np.rint(rng.gamma(2.0, mean / 2.0)).astype("int64"), "Travel", "Trips")])


def drifting(rng: np.random.Generator, start: dt.date = START, days: int = DAYS) -> pd.DataFrame:
    """The level wanders: a random walk in log space (lifestyle creep, then a squeeze)."""
    d = _days(start, days)
    walk = np.cumsum(rng.normal(0.0, rng.uniform(0.02, 0.04), days))
    mean = 4000 * np.exp(walk - walk.mean())
    return pd.concat([_rent(d), _frame(d, np.rint(rng.gamma(2.5, mean / 2.5)).astype("int64"), "Groceries", "Shop")])


SPENDERS: dict[str, Spender] = {
    "steady": steady, "weekend_heavy": weekend_heavy, "payday_splurger": payday_splurger, "rare_big": rare_big,
    "irregular_months": irregular_months, "drifting": drifting,
}


def daily_of(frame: pd.DataFrame) -> pd.Series:
    """Cents per day, gap-free, from the first to the last day of the frame."""
    s = frame.groupby("date")["amount_cents"].sum()
    return s.reindex(pd.date_range(s.index.min(), s.index.max(), freq="D"), fill_value=0).astype("int64")


def backtest_of(frame: pd.DataFrame, *, before: bool = False, rule: str = "calendar") -> pd.DataFrame:
    """The spender's backtest; `before`: the model as it was before issue 26 (no calibration, rent bootstrapped).

    `rule`: over pay periods (lib.core.period), as a payday user's band is calibrated.
    """
    from lib.core import forecast

    if before:
        bt = forecast.backtest(daily_of(frame), frame=frame, calibrate=False, fixed_categories=(), rule=rule)
        return bt.assign(p10_cents=bt["raw_p10_cents"], p50_cents=bt["raw_p50_cents"], p90_cents=bt["raw_p90_cents"],
                         pinball_cents=bt["raw_pinball_cents"])
    return forecast.backtest(daily_of(frame), frame=frame, rule=rule)


def measure(frame: pd.DataFrame, *, before: bool = False) -> dict[str, float]:
    """Backtest coverage, the model's pinball loss and the baselines' (mean per projection, in cents)."""
    from lib.core import forecast

    bt = backtest_of(frame, before=before)
    return {"n": float(len(bt)), "coverage": float(bt["inside"].mean()), **forecast.skill(bt)}


def table(seeds: tuple[int, ...] = (1,), *, before: bool = False, rule: str = "calendar") -> pd.DataFrame:
    """One row per spender and seed, then per spender pooled and all pooled: coverage and pinball loss."""
    from lib.core import forecast

    rows = []
    for name, make in SPENDERS.items():
        bts = [backtest_of(make(np.random.default_rng(seed)), before=before, rule=rule) for seed in seeds]
        bt = pd.concat(bts, ignore_index=True)
        sk = forecast.skill(bt)
        worst = max(sk[f"model_vs_{b}"] / sk[b] for b in ("last_pace", "year_ago") if b in sk)
        rows.append({"spender": name, "n": len(bt), "inside": int(bt["inside"].sum()),
                     "coverage": round(float(bt["inside"].mean()), 3),
                     "coverage_min": round(min(float(b["inside"].mean()) for b in bts), 3),
                     "coverage_max": round(max(float(b["inside"].mean()) for b in bts), 3),
                     "model": round(sk["model"]), "last_pace": round(sk["last_pace"]),
                     "model_vs_year_ago": round(sk.get("model_vs_year_ago", float("nan"))),
                     "year_ago": round(sk.get("year_ago", float("nan"))),
                     "loss_vs_best": round(worst, 3),
                     "seeds_losing": sum(_losing(forecast.skill(b)) for b in bts)})
    out = pd.DataFrame(rows)
    pooled = {"spender": "pooled", "n": int(out["n"].sum()), "inside": int(out["inside"].sum())}
    pooled["coverage"] = round(pooled["inside"] / pooled["n"], 3)
    return pd.concat([out, pd.DataFrame([pooled])], ignore_index=True)


def _losing(sk: dict[str, float]) -> bool:
    """The model's pinball loss is worse than a baseline's on the projections that baseline could make."""
    return any(sk[f"model_vs_{b}"] > sk[b] for b in ("last_pace", "year_ago") if b in sk)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=[1])
    p.add_argument("--before", action="store_true", help="the model before issue 26 (no calibration)")
    p.add_argument("--rule", default="calendar", help="backtest over pay periods: monthly:25, biweekly:2024-01-05")
    args = p.parse_args(argv)
    with pd.option_context("display.width", 250):
        print(table(tuple(args.seeds), before=args.before, rule=args.rule).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
