"""Forecast page: the fan chart, what-if changes that re-price without reading, and short histories."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from streamlit.proto.Metric_pb2 import Metric

from lib.core import clock
from lib.core.models import validate_transaction


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _percent(text: str) -> int:
    return int(text.rstrip("%"))


def test_the_forecast_shows_its_chart_metrics_and_backtest(make_app, demo_store) -> None:
    at = make_app("forecast").run()

    assert not at.exception
    assert at.title[0].value == "🔮 Forecast"
    assert len(at.get("plotly_chart")) == 1
    metrics = _metrics(at)
    assert {"Month end (median)", "Chance to end within budget", "Keep the streak 7 more days",
            "Saved this month (median)"} <= set(metrics)
    # The band is ordered: p10 <= median <= p90.
    low, high = (_money(x) for x in metrics["Month end (median)"][1].removeprefix("likely ").split(" – "))
    assert low <= _money(metrics["Month end (median)"][0]) <= high
    # The daily budget times the month's days, plus the demo's fixed bills (rent, utilities, subscriptions).
    assert metrics["Chance to end within budget"][1].startswith(
        "budget " + f"{Decimal('25.00') * _days_in_month():,.2f} + fixed bills ")
    assert not any("Rough estimate" in w.value for w in at.warning), "120 days of history is not rough"
    # Ranges and budgets under the numbers are facts, not trends: no up/down arrow.
    arrows = {m.label: Metric.MetricDirection.Name(m.proto.direction) for m in at.metric if m.delta}
    assert arrows and set(arrows.values()) == {"NONE"}, arrows
    assert [d for d in at.table if "Horizon" in d.value.columns], "savings table (the demo has a salary)"
    assert [d for d in at.dataframe if "Inside band" in d.value.columns], "backtest over complete months"
    # issue 26: coverage with its count, skill against the baselines, the backtest as CSV and Parquet
    [backtest] = [d.value for d in at.dataframe if "Inside band" in d.value.columns]
    inside = int((backtest["Inside band"] == "yes").sum())
    assert metrics["Band coverage (truth inside p10–p90)"][0].startswith(f"{inside} of {len(backtest)} (")
    [skill] = [d.value for d in at.dataframe if "Baseline" in d.value.columns]
    assert list(skill["Baseline"]) == ["Rest of last month"]  # 120 days: no year-ago month yet
    downloads = [b for b in at.get("download_button")]
    assert len(downloads) == 3, "the daily series, the backtest as CSV and as Parquet"


def _median() -> str:
    """The month-end card's label: on the month's last day it "ends at"."""
    return "Month ends at" if (clock.today() + dt.timedelta(days=1)).day == 1 else "Month end (median)"


def _days_in_month() -> int:
    today = clock.today()
    nxt = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (nxt - dt.timedelta(days=1)).day


def test_what_if_changes_the_numbers_without_reading_the_store(clock_day, make_app, demo_store,
                                                              app_requests) -> None:
    at = make_app("forecast").run()
    reads_after_load = app_requests("demo")
    base = _metrics(at)
    assert _percent(base["Chance to end within budget"][0]) < 100  # the demo overspends at 25.00 a day

    slider = at.slider(key="wi_budget")
    slider.set_value(slider.max).run()  # a generous what-if budget
    generous = _metrics(at)
    assert not at.exception
    assert generous["Chance to end within budget"][1].startswith(
        f"budget {Decimal(str(slider.max)) * _days_in_month():,.2f} + fixed bills ")
    assert _percent(generous["Chance to end within budget"][0]) > _percent(base["Chance to end within budget"][0])
    assert _percent(generous["Keep the streak 7 more days"][0]) > _percent(base["Keep the streak 7 more days"][0])
    assert generous[_median()] == base[_median()], "a budget does not change the spending"

    biggest = at.selectbox(key="wi_cat").options[1]  # the largest category comes first
    at.selectbox(key="wi_cat").set_value(_raw(biggest)).run()
    at.slider(key="wi_pct").set_value(50).run()
    cut = _metrics(at)
    if (clock.today() + dt.timedelta(days=1)).day != 1:
        assert _money(cut[_median()][0]) < _money(base[_median()][0])
        assert _money(cut["Saved this month (median)"][0]) > _money(base["Saved this month (median)"][0])
    else:  # the month's last day: only today's rest is still open to a cut
        assert _money(cut[_median()][0]) <= _money(base[_median()][0])

    assert app_requests("demo") == reads_after_load, "what-if changes re-price the cached simulation"
    assert len(at.get("plotly_chart")) == 1


def test_the_dashboard_and_the_forecast_report_the_same_month_end(clock_day, make_app, demo_store) -> None:
    forecast_page = _metrics(make_app("forecast").run())
    dashboard = _metrics(make_app("dashboard").run())
    label = "Month ends at" if (clock.today() + dt.timedelta(days=1)).day == 1 else "Projected month end"
    median = forecast_page.get("Month end (median)") or forecast_page["Month ends at"]
    assert dashboard[label][0] == median[0], "one projection: the forecast's median"
    assert dashboard[label][1] == median[1], "the same p10-p90 band"
    assert dashboard["Chance within budget"][0] == forecast_page["Chance to end within budget"][0]


def _raw(option: str) -> str:
    """The selectbox shows "Transport (22%)"; its value is "Transport"."""
    return option.rsplit(" (", 1)[0]


def test_five_days_of_history_is_a_rough_estimate(make_app, store) -> None:
    today = clock.today()
    for ago in range(5):
        store.add_transaction(validate_transaction("newbie", today - dt.timedelta(days=ago), "9.99", "Coffee"))
    at = make_app("forecast", user="newbie").run()

    assert not at.exception
    assert any(w.value.startswith("**Rough estimate.**") for w in at.warning), [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) == 1
    assert _metrics(at)["Saved this month"][0] == "no salary set"
    assert any("Set your monthly salary" in i.value for i in at.info)
    assert any("Not enough complete months" in c.value for c in at.caption)


def test_a_user_without_any_history_gets_a_page_not_a_crash(make_app, store) -> None:
    at = make_app("forecast", user="nobody").run()
    assert not at.exception
    assert at.title[0].value == "🔮 Forecast"
    assert len(at.error) == 0
    assert any("No complete day of spending history yet" in w.value for w in at.warning)


def test_a_payday_user_sees_the_backtest_over_pay_periods(make_app, demo_store) -> None:
    """Issue 26: with a payday rule the Forecast page adds the band to payday and its backtest over pay periods."""
    import dataclasses

    demo_store.save_profile(dataclasses.replace(demo_store.get_profile("demo"), payday="monthly:25"))
    at = make_app("forecast").run()
    assert not at.exception
    metrics = _metrics(at)
    assert any(label.startswith("By payday (") for label in metrics)
    coverage = metrics["Pay-period band coverage (truth inside p10–p90)"][0]
    assert " of " in coverage and coverage.endswith("%)")
    assert any(h.value == "Backtest over your pay periods" for h in at.subheader)
