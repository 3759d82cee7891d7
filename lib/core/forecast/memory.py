"""What the live band remembers of the history before the standing's window: its calibration (issue 26).

The dashboard reads 95 days, and a backtest of 95 days has two or three ended projections, so the live
band was calibrated mostly by the prior while the Forecast page showed the coverage of bands calibrated on
up to a year of projections. Now the calibration each live band gets is learnt from the user's backtest
over up to `HISTORY_DAYS` days before this month began, one per cutoff day and rule (the calendar month and
the payday rule), and kept in the streak state item (lib.core.streaks; `forecast_through` is the day before
the 1st): built with it, moved forward with it once a month, dropped with it when a day it read changes.
Every row such a backtest learns from is a period that had ended by the 1st: for the calendar month, all the
months a backtest made today would hold; a pay period that ended since the 1st waits for the next month.

It also keeps the year before the month as rare big purchases see it (rare.Year: each weekday's typical day and
the year's big days), so the live forecast expects a laptop at the year's rate, not at the 95 days' luck.

The text is small JSON (a few numbers per cutoff, one list per big day); an unreadable or older one reads as None,
and the live band then falls back to the backtest of the window's days and their big days. Pure: no I/O.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from lib.core import period
from lib.core.forecast import rare
from lib.core.forecast.backtest import backtest, calibration_of
from lib.core.forecast.bills import _prepare, _rows
from lib.core.forecast.calibration import Calibration

VERSION = 2  # 2: the calibrations carry `hi_cap` (a memory of 1 is learnt again on the next load)
HISTORY_DAYS = 400  # the Forecast page's history: about 13 complete months before the month began
_FIELDS = {f.name for f in fields(Calibration)}

Calibrations = dict[str, dict[int, Calibration]]  # rule text -> cutoff day -> calibration


def build(daily: pd.Series, frame: pd.DataFrame, last: dt.date, first: dt.date, fixed: tuple[str, ...],
          rule: str) -> str:
    """The memory of the days up to `last` (`daily` from `first`, and their transactions): the backtests of the
    calendar month and of the payday `rule` (the live forecast's fixed categories), as month_simulation runs them.

    Each backtest is made on the day after `last` (the 1st), so the month that ended on `last` counts: a backtest
    made on its last day would take that month for one still running."""
    rules = dict.fromkeys((period.CALENDAR, rule))
    made_on = last + dt.timedelta(days=1)
    return encode({r: backtest(daily, frame=frame, today=made_on, history_start=first, rule=r,
                               fixed_categories=frozenset(fixed)) for r in rules}, last,
                  _year(daily, frame, last, first, fixed))


def _year(daily: pd.Series, frame: pd.DataFrame, last: dt.date, first: dt.date,
          fixed: tuple[str, ...]) -> rare.Year | None:
    """The year up to `last` as the forecast sees a window's days (bills out): its typical days and big days."""
    start = max(first, last - dt.timedelta(days=rare.YEAR_DAYS - 1))
    values = daily[daily.index >= pd.Timestamp(start)].to_numpy()
    if not len(values):
        return None
    inputs = _prepare(values, start, _rows(frame), last, last + dt.timedelta(days=1), 1, frozenset(fixed))
    typical = rare.typical_days(inputs.hist_total, start.weekday())
    if typical is None:
        return None
    big = np.flatnonzero(rare.big_days(inputs.hist_total, start.weekday(), typical))
    return rare.Year(start, typical, tuple(
        (start + dt.timedelta(days=int(i)), float(inputs.hist_total[i]),
         {c: float(v[i]) for c, v in inputs.hist_by_category.items() if v[i]}) for i in big))


def encode(backtests: dict[str, pd.DataFrame], as_of: dt.date, year: rare.Year | None = None) -> str:
    """The calibration per rule and cutoff day that each backtest (made on `as_of`) gives a live band, and the year."""
    cal = {rule: {str(int(c)): _short(calibration_of(bt, int(c))) for c in sorted(set(bt["cutoff_day"]))}
           for rule, bt in backtests.items()}
    data: dict[str, object] = {"v": VERSION, "as_of": as_of.isoformat(), "cal": cal,
                               "n": {rule: len(bt) for rule, bt in backtests.items()}}
    if year is not None:
        data["year"] = {"first": year.first.isoformat(), "typical": [None if np.isinf(t) else round(float(t), 2)
                                                                     for t in year.typical],
                        "big": [[d.isoformat(), round(c, 2), {k: round(v, 2) for k, v in cats.items()}]
                                for d, c, cats in year.big]}
    return json.dumps(data, separators=(",", ":"))


def _short(cal: Calibration) -> dict[str, object]:
    """The calibration's fields, its floats to 4 decimals (read with every dashboard load: bytes are read units);
    an infinite one (no cap learnt) is left out: reading it back gives the default."""
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(cal).items()
            if not (isinstance(v, float) and not math.isfinite(v))}


@dataclass(frozen=True)
class Memory:
    """A memory read back: the calibrations per rule and cutoff, the year of rare big purchases, the last day
    read, and how many ended projections each rule's calibration learnt from."""

    cal: Calibrations
    year: rare.Year | None
    as_of: dt.date
    n: dict[str, int]


def read(text: str) -> Memory | None:
    """The memory in `text` (one parse); None when there is none, it is unreadable or of another version."""
    try:
        data = json.loads(text) if text else None
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return None
        cal = {str(rule): {int(c): Calibration(**{k: v for k, v in fit.items() if k in _FIELDS})
                           for c, fit in cuts.items()} for rule, cuts in data["cal"].items()}
        return Memory(cal, _year_of(data.get("year")), dt.date.fromisoformat(str(data["as_of"])),
                      {str(k): int(v) for k, v in dict(data.get("n", {})).items()})
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _year_of(y: object) -> rare.Year | None:
    """The `year` part of a memory (None: none kept, or not seven typical days)."""
    if not isinstance(y, dict):
        return None
    typical = np.array([np.inf if t is None else float(t) for t in y["typical"]], dtype="float64")
    if typical.shape != (7,):
        return None
    big = tuple((dt.date.fromisoformat(str(d)), float(c), {str(k): float(v) for k, v in dict(cats).items()})
                for d, c, cats in y["big"])
    return rare.Year(dt.date.fromisoformat(str(y["first"])), typical, big)


def decode(text: str) -> Calibrations | None:
    """The calibrations in `text`; None when there is none, it is unreadable or of another version."""
    memory = read(text)
    return None if memory is None else memory.cal


def learnt(text: str, rule: str) -> tuple[dt.date, int] | None:
    """The last day the memory read and how many ended projections the `rule`'s calibration learnt from (None: no
    readable memory of that rule)."""
    memory = read(text)
    if memory is None or rule not in memory.cal:
        return None
    return memory.as_of, memory.n.get(rule, 0)


def nearest(cuts: dict[int, Calibration], day: int) -> Calibration:
    """The calibration of the cutoff day nearest `day` (as calibration_of picks it); the model's own band without."""
    if not cuts:
        return Calibration()
    return cuts[min(cuts, key=lambda c: (abs(c - day), c))]
