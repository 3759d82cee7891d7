"""The dashboard's charts: a towering day is clipped and labelled, the calendar marks days without colour,
and every chart's key numbers are written out (its text alternative)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.web import charts

DAYS = pd.date_range("2026-09-01", periods=30, freq="D")


def _daily(values: list[int]) -> pd.Series:
    return pd.Series(values, index=DAYS[: len(values)], dtype="int64")


def test_a_day_far_above_the_rest_is_clipped_and_labelled() -> None:
    cents = [1_500, 2_000, 1_800, 2_100, 900, 2_400, 1_200] * 4
    cents[10] = 72_000  # one day of 720.00 among four weeks of ~20
    fig = charts.daily_spending(_daily(cents), budget_cents=2_500)
    cap = charts.clip_cap(np.array(cents), 2_500)
    assert cap == int(charts.CLIP_AT * 2_500)
    bar = fig.data[0]
    assert max(bar.y) == cap / 100  # drawn up to the cap ...
    assert max(bar.customdata) == 720.0  # ... while the hover tells the real value
    labels = [a.text for a in fig.layout.annotations if a.text.startswith("▲")]
    assert labels == ["▲ 720"]
    assert fig.layout.yaxis.range[1] < 720
    assert list(bar.marker.pattern.shape).count("x") == 1  # the clipped bar is marked, not only coloured


def test_ordinary_days_are_not_clipped() -> None:
    cents = [1_500, 2_000, 3_800, 2_900, 900, 2_400, 5_000] * 4  # over budget sometimes, nothing towering
    fig = charts.daily_spending(_daily(cents), budget_cents=2_500)
    assert charts.clip_cap(np.array(cents), 2_500) is None
    assert fig.layout.yaxis.range is None
    assert not [a for a in fig.layout.annotations if a.text.startswith("▲")]
    assert list(fig.data[0].marker.pattern.shape).count("/") == 12  # over-budget days (3 a week) hatched
    assert charts.clip_cap(np.array([0, 0]), 2_500) is None


def test_the_streak_calendar_marks_days_besides_colour() -> None:
    states = pd.Series([1.0, 2.0, 0.0, np.nan, 1.0], index=DAYS[:5])
    fig = charts.streak_calendar(states, _daily([500, 9_000, 0, 0, 700]))
    marks = [m for row in fig.data[0].text for m in row if m]
    assert sorted(marks) == sorted([charts.KEPT_MARK, charts.BROKE_MARK, charts.NOTHING_MARK, charts.KEPT_MARK])
    assert fig.data[0].texttemplate == "%{text}"


def test_every_chart_has_its_numbers_in_words(clock_day) -> None:
    from lib.core.demo import demo_profile, demo_transactions
    from lib.core.types import Window
    from lib.web import views

    today = clock_day
    txns = demo_transactions("u", days=60, today=today)
    window = Window(demo_profile("u", "U"), txns, None)
    view = views.dashboard(window, today - dt.timedelta(days=29), today, today)
    captions = views.chart_captions(view, today)
    assert set(captions) == {"daily", "month", "calendar", "categories"}
    top = int(view.daily.max())
    assert views.fmt(top) in captions["daily"]
    assert f"{int((view.day_states == 1).sum())} kept the streak (✓)" in captions["calendar"]
    first = view.by_category.iloc[0]
    assert f"{first['category']} {views.fmt(int(first['amount_cents']))}" in captions["categories"]
    assert views.fmt(int(view.month_daily.sum())) in captions["month"]
