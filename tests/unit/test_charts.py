"""The dashboard's charts (SVG pictures drawn on the server, issue 21): a towering day is clipped and labelled,
the calendar marks days without colour, and every chart's key numbers are written on it and under it."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lib.web import dashboard_charts as charts
from tests.svg_text import hatched, texts

DAYS = pd.date_range("2026-09-01", periods=30, freq="D")


def _daily(values: list[int]) -> pd.Series:
    return pd.Series(values, index=DAYS[: len(values)], dtype="int64")


def test_a_day_far_above_the_rest_is_clipped_and_labelled() -> None:
    cents = [1_500, 2_000, 1_800, 2_100, 900, 2_400, 1_200] * 4
    cents[10] = 72_000  # one day of 720.00 among four weeks of ~20
    chart = charts.daily_spending(_daily(cents), budget_cents=2_500)
    cap = charts.clip_cap(np.array(cents), 2_500)
    assert cap == int(charts.CLIP_AT * 2_500)
    words = texts(chart.svg)
    assert "▲ 720" in words and "budget 25.00" in words
    ticks = [int(w) for w in words if w.isdigit()]
    assert max(ticks) < 720 and max(ticks) >= 25  # the axis stops near the cap, so ordinary days stay tall
    assert list(hatched(chart.svg).values()) == [1]  # the clipped bar is marked, not only coloured


def test_ordinary_days_are_not_clipped() -> None:
    cents = [1_500, 2_000, 3_800, 2_900, 900, 2_400, 5_000] * 4  # over budget sometimes, nothing towering
    chart = charts.daily_spending(_daily(cents), budget_cents=2_500)
    assert charts.clip_cap(np.array(cents), 2_500) is None
    assert not [w for w in texts(chart.svg) if w.startswith("▲")]
    assert list(hatched(chart.svg).values()) == [12]  # over-budget days (3 a week) hatched, one pattern
    assert charts.clip_cap(np.array([0, 0]), 2_500) is None


def test_clipped_and_over_budget_days_are_hatched_differently() -> None:
    cents = [1_500, 3_000, 1_800] * 10
    cents[3] = 90_000  # an ordinary day becomes a towering one
    counts = sorted(hatched(charts.daily_spending(_daily(cents), budget_cents=2_500).svg).values())
    assert counts == [1, 10]  # one cross-hatched clipped day, ten hatched over-budget days


def test_the_streak_calendar_marks_days_besides_colour() -> None:
    states = pd.Series([1.0, 2.0, 0.0, np.nan, 1.0], index=DAYS[:5])
    chart = charts.streak_calendar(states, _daily([500, 9_000, 0, 0, 700]))
    marks = [w for w in texts(chart.svg) if w in (charts.KEPT_MARK, charts.BROKE_MARK, charts.NOTHING_MARK)]
    assert sorted(marks) == sorted([charts.KEPT_MARK, charts.BROKE_MARK, charts.NOTHING_MARK, charts.KEPT_MARK])
    assert {"Mon", "Sun"} <= set(texts(chart.svg))


def test_the_categories_carry_their_amounts_and_shares() -> None:
    by_cat = pd.DataFrame({"category": ["Food", "Rent", "Refunds"], "amount_cents": [12_345, 80_000, -500],
                           "share": [0.134, 0.866, 0.0]})
    words = texts(charts.categories(by_cat).svg)
    assert "800.00 (87%)" in words and "123.45 (13%)" in words and "Refunds" not in words


def test_the_month_names_what_is_spent_so_far() -> None:
    today = dt.date(2026, 9, 12)
    chart = charts.month_cumulative(_daily([1_000] * 30), 2_500, today)
    words = texts(chart.svg)
    assert chart.title.startswith("September") and "120.00" in words and "Budget pace" in words


def test_the_same_data_draws_the_same_picture() -> None:
    """The picture is cached per data version and compared in tests: it must not carry a time or random ids."""
    a = charts.daily_spending(_daily([1_500, 3_000]), 2_500).svg
    assert a == charts.daily_spending(_daily([1_500, 3_000]), 2_500).svg and a.startswith("<svg")


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
