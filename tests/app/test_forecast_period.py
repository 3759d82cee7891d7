"""The Forecast page for a payday user (issue 26): the fan, its metrics, the what-if and the savings run over the
pay period (25 Nov – 24 Dec when paid on the 25th and today is 10 Dec), not the calendar month."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from lib.core import clock
from lib.store.sqlite import SQLiteStore
from tests.app.conftest import shown

TODAY = dt.date(2026, 12, 10)


@pytest.fixture
def payday_user(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch):
    """The demo user (120 days, a 25.00 budget, a 3200.00 salary, rent and bills) paid on the 25th."""
    from lib.core.demo import demo_profile, demo_transactions
    from lib.core.standing import load_standing

    def make(payday: str, today: dt.date = TODAY) -> SQLiteStore:
        monkeypatch.setenv("FINANCE_TODAY", today.isoformat())
        assert clock.today() == today
        store.save_profile(dataclasses.replace(demo_profile("demo", "Demo"), payday=payday))
        store.put_transactions(demo_transactions("demo", days=120, today=today))
        load_standing(store, "demo", today)
        return store

    return make


def _metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _money(text: str) -> Decimal:
    return Decimal(text.split()[-1].replace(",", ""))


def _fan_dates(at) -> list[str]:
    [chart] = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    return [str(x)[:10] for x in spec["data"][0]["x"]], spec["layout"]["title"]["text"]


def test_a_payday_users_forecast_runs_to_payday(make_app, payday_user) -> None:
    payday_user("monthly:25")
    at = make_app("forecast").run()
    assert not at.exception
    metrics = _metrics(at)
    print("\n".join(f"{k}: {v}" for k, v in metrics.items()))  # the note quotes what the page shows
    # The fan runs from payday to the day before the next one, and says so.
    dates, title = _fan_dates(at)
    assert (dates[0], dates[-1], len(dates)) == ("2026-11-25", "2026-12-24", 30)
    assert title.startswith("Projection to payday (24 Dec) (budget ")
    # Its median is the first metric, and the dashboard's band to payday: one projection.
    low, mid, high = (_money(x) for x in (metrics["By payday (24 Dec, median)"][1].split(" – ")[0],
                                          metrics["By payday (24 Dec, median)"][0],
                                          metrics["By payday (24 Dec, median)"][1]))
    assert low <= mid <= high
    assert not any(label.startswith("Month end") or label == "Chance to end within budget" for label in metrics)
    dash = {m.label: m.value for m in make_app("dashboard").run().metric}
    assert dash["Projected by payday (24 Dec)"] == metrics["By payday (24 Dec, median)"][0]
    # The period's budget: 30 days of 25.00, plus the period's fixed bills.
    chance, line = metrics["Chance to end the period within budget"]
    assert line.startswith("budget 750.00 + fixed bills ")
    assert any("Projection to payday (25 Nov – 24 Dec)" in c.value for c in at.caption)
    # Savings per pay period: the salary less the period's spending, over 3, 6 and 12 periods (this one included).
    saved = metrics["Saved this pay period (median)"][0]
    assert _money(saved) == Decimal("3200.00") - mid
    [table] = [t.value for t in at.table if "Horizon" in t.value.columns]  # a plain table (issue 21)
    assert [shown(h) for h in table["Horizon"]] == ["This pay period", "3 pay periods (to 2027-02-24)",
                                      "6 pay periods (to 2027-05-24)", "12 pay periods (to 2027-11-24)"]

    # The what-if re-prices the period: a bigger budget lifts its budget line and its chance; a cut lowers it.
    slider = at.slider(key="wi_budget")
    slider.set_value(50.0).run()
    generous = _metrics(at)
    assert generous["Chance to end the period within budget"][1].startswith("budget 1,500.00 + fixed bills ")
    assert int(generous["Chance to end the period within budget"][0].rstrip("%")) >= int(chance.rstrip("%"))
    assert generous["By payday (24 Dec, median)"][0] == metrics["By payday (24 Dec, median)"][0]
    cut = next(o for o in at.selectbox(key="wi_cat").options if o != "(none)")
    at.selectbox(key="wi_cat").set_value(cut.rsplit(" (", 1)[0]).run()
    at.slider(key="wi_pct").set_value(100).run()
    cheaper = _metrics(at)
    assert _money(cheaper["By payday (24 Dec, median)"][0]) < mid
    assert _money(cheaper["Saved this pay period (median)"][0]) > _money(saved)


def test_every_two_weeks_the_fan_is_the_fortnight_and_savings_stay_monthly(make_app, payday_user) -> None:
    payday_user("biweekly:2026-12-04")
    at = make_app("forecast").run()
    assert not at.exception
    dates, _ = _fan_dates(at)
    assert (dates[0], dates[-1]) == ("2026-12-04", "2026-12-17")
    metrics = _metrics(at)
    assert "By payday (17 Dec, median)" in metrics
    assert metrics["Chance to end the period within budget"][1].startswith("budget 350.00")
    assert "Saved this month (median)" in metrics  # a monthly salary against 14 days would say nothing honest


def test_a_calendar_user_keeps_the_month(make_app, payday_user) -> None:
    payday_user("")
    at = make_app("forecast").run()
    assert not at.exception
    dates, title = _fan_dates(at)
    assert (dates[0], dates[-1]) == ("2026-12-01", "2026-12-31")
    assert title.startswith("Month-end projection (budget ")
    assert {"Month end (median)", "Chance to end within budget", "Saved this month (median)"} <= set(_metrics(at))


def test_a_period_running_past_the_month_is_the_dashboards_too(make_app, payday_user) -> None:
    """Paid on the 25th, on 27 Dec the period runs to 24 Jan: the page (twelve months simulated) and the
    dashboard (one) still give the same band to payday."""
    payday_user("monthly:25", dt.date(2026, 12, 27))
    at = make_app("forecast").run()
    assert not at.exception
    dates, _ = _fan_dates(at)
    assert (dates[0], dates[-1]) == ("2026-12-25", "2027-01-24")
    page = _metrics(at)["By payday (24 Jan, median)"]
    dash = {m.label: (m.value, m.delta) for m in make_app("dashboard").run().metric}
    assert dash["Projected by payday (24 Jan)"][0] == page[0]
    assert page[1] in dash["Projected by payday (24 Jan)"][1]


@pytest.mark.parametrize("payday", ["calendar", "monthly:25"])
def test_the_page_says_what_the_band_above_is_calibrated_on(make_app, payday_user, payday: str) -> None:
    """The live band's calibration comes from the forecast memory (lib.core.forecast.memory); each backtest says how
    many ended projections of its rule that was, and up to which day."""
    store = payday_user(payday)
    at = make_app("forecast").run()
    assert not at.exception
    state = store.load_window("demo", TODAY - dt.timedelta(days=94), TODAY).streak_state
    assert state is not None and state.forecast_through == dt.date(2026, 11, 30)
    notes = [c.value for c in at.caption if c.value.startswith("The band above is calibrated this way too")]
    counts = [int(n.split(" on the ")[1].split()[0]) for n in notes]
    assert len(notes) == (1 if payday == "calendar" else 2)
    assert all("ended by 2026-11-30" in n for n in notes)
    # With 120 days of history the 400 days before the 1st hold all of it: the same ended projections as the
    # tables below (every month or pay period in them had ended by the 1st).
    tables = [len(d.value) for d in at.dataframe if "Said on" in " ".join(map(str, d.value.columns))]
    assert counts == tables and counts[0] > 0
