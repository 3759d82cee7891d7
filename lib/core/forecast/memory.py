"""What the live band remembers of the history before the standing's window: its calibration (issue 26).

The dashboard reads 95 days, and a backtest of 95 days has two or three ended projections, so the live
band was calibrated mostly by the prior while the Forecast page showed the coverage of bands calibrated on
up to a year of projections. Now the calibration each live band gets is learnt from the user's backtest
over up to `HISTORY_DAYS` days before the streak state's `upto` (a period start), one per cutoff day and
rule, and kept in the streak state item (lib.core.streaks): built with it, moved forward with it once a
period, dropped with it when an older day changes. Every row such a backtest learns from is a period that
had ended by `upto`, which for the calendar month are all the months a backtest made today would hold.

The text is small JSON (a few numbers per cutoff); an unreadable or older one reads as None, and the live
band then falls back to the backtest of the window's days. Pure: no I/O.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, fields

import pandas as pd

from lib.core import period
from lib.core.forecast.backtest import backtest, calibration_of
from lib.core.forecast.calibration import Calibration

VERSION = 1
HISTORY_DAYS = 400  # the Forecast page's history: about 13 complete months before the period began
_FIELDS = {f.name for f in fields(Calibration)}

Calibrations = dict[str, dict[int, Calibration]]  # rule text -> cutoff day -> calibration


def build(daily: pd.Series, frame: pd.DataFrame, last: dt.date, first: dt.date, fixed: tuple[str, ...],
          rule: str) -> str:
    """The memory of the days up to `last` (`daily` from `first`, and their transactions): the backtests of the
    calendar month and of the payday `rule` (the live forecast's fixed categories), as month_simulation runs them."""
    rules = dict.fromkeys((period.CALENDAR, rule))
    return encode({r: backtest(daily, frame=frame, today=last, history_start=first, rule=r,
                               fixed_categories=frozenset(fixed)) for r in rules}, last)


def encode(backtests: dict[str, pd.DataFrame], as_of: dt.date) -> str:
    """The calibration per rule and cutoff day that each backtest (made on `as_of`) gives a live band."""
    cal = {rule: {str(int(c)): asdict(calibration_of(bt, int(c))) for c in sorted(set(bt["cutoff_day"]))}
           for rule, bt in backtests.items()}
    return json.dumps({"v": VERSION, "as_of": as_of.isoformat(), "cal": cal}, separators=(",", ":"))


def decode(text: str) -> Calibrations | None:
    """The calibrations in `text`; None when there is none, it is unreadable or of another version."""
    if not text:
        return None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return None
        return {str(rule): {int(c): Calibration(**{k: v for k, v in cal.items() if k in _FIELDS})
                            for c, cal in cuts.items()} for rule, cuts in data["cal"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def nearest(cuts: dict[int, Calibration], day: int) -> Calibration:
    """The calibration of the cutoff day nearest `day` (as calibration_of picks it); the model's own band without."""
    if not cuts:
        return Calibration()
    return cuts[min(cuts, key=lambda c: (abs(c - day), c))]
