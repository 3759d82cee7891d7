"""Forecast: month-end and savings projections with uncertainty, what-if budgets, and a backtest."""
from __future__ import annotations

import streamlit as st

from lib.core import analytics, forecast
from lib.core.errors import FinanceError
from lib.web import backtest_view, charts, ui, views
from lib.web.forecast_view import forecast_view
from lib.web.money import page_money
from lib.web.state import ForecastData

ctx = ui.page("Forecast", "🔮", history_days=ui.FORECAST_HISTORY_DAYS)  # one read for the page and the coach
st.title("🔮 Forecast")

try:
    fc = ui.load_forecast(ctx)
except FinanceError as exc:
    ui.friendly_error(exc, "load your history")
    st.stop()

money = page_money(fc.standing.currency, fc.standing.locale)  # issue 25: the home currency, the reader's way

if fc.sim.rough:
    st.warning(f"**Rough estimate.** {fc.sim.note}", icon="🧪")
else:
    st.caption(fc.sim.note)


@st.fragment
def what_if(fc: ForecastData) -> None:
    """The what-if controls and everything they re-price: a change reruns this part only, not the page."""
    budget_default = float(analytics.cents_to_decimal(fc.budget_cents))
    c1, c2, c3 = st.columns(3)
    label = "What-if daily budget" + (f" ({money.sign})" if money.currency else "")  # issue 25: which money
    budget = c1.slider(label, 0.0, max(budget_default * 3, 10.0), budget_default, step=0.5,
                       key="wi_budget")
    cats = ["(none)", *fc.sim.category_shares]
    cut_cat = c2.selectbox("Cut a category", cats, key="wi_cat",
                           format_func=lambda c: c if c == "(none)" else f"{c} ({fc.sim.category_shares[c]:.0%})")
    # Shown only with a category to cut: a disabled slider's greyed label fails contrast (axe), and says nothing.
    cut_pct = 0 if cut_cat == "(none)" else c3.slider("…by", 0, 100, 0, step=5, format="%d%%", key="wi_pct")

    view = forecast_view(fc, budget, None if cut_cat == "(none)" else cut_cat, cut_pct, money)
    ui.metrics(view.metrics, per_row=4)

    st.plotly_chart(charts.forecast_fan(view.outlook.month.fan, view.outlook.month.budget_total_cents,
                                        view.outlook.daily_budget_cents, money, view.fan_title), key="fan")
    st.caption(view.fan_caption)

    if view.savings_table is not None:
        st.subheader("Savings against your salary")
        # A plain table, not the data grid: less for the browser to redraw on every slider step (issue 21).
        st.table(views.plain_cells(view.savings_table, tuple(view.savings_table.columns)), hide_index=True,
                 border="horizontal")
    else:
        st.info("Set your monthly salary in **Settings** to see savings projections.", icon="💼")

    # Deferred: the CSV is written when the button is pressed, not on every slider step.
    st.download_button("Download the daily series and projections (CSV)",
                       lambda: forecast.forecast_csv(fc.daily, view.outlook, view.csv_columns),
                       file_name=f"{ctx.user_id}-forecast.csv",
                       mime="text/csv")


what_if(fc)

def backtest_section(bt: object, empty: str, coverage_label: str, coverage_help: str, rule: str) -> bool:
    """One backtest: its coverage, the skill against simple guesses and its table (False: too little history)."""
    table, coverage, skill = backtest_view.backtest_view(bt, money)  # type: ignore[arg-type]
    if table.empty:
        st.caption(empty)
        return False
    st.metric(coverage_label, coverage, help=coverage_help)
    note = backtest_view.calibration_note(fc.standing.forecast_memory, rule)
    if note is not None:  # what the live band above was calibrated on (the same method, up to the 1st)
        st.caption(note)
    if skill is not None:
        st.caption("Skill: mean pinball loss of the p10/p50/p90 against simple guesses (lower is better; "
                   "a single guess scores half its error).")
        st.dataframe(skill, hide_index=True)
    st.dataframe(table, hide_index=True)
    return True


# Outside the fragment: the sliders do not change the backtest, so a step does not send it again.
st.subheader("Backtest: how good is this model on your own history?")
if backtest_section(fc.backtest, "Not enough complete months of history to backtest yet.",
                    "Band coverage (truth inside p10–p90)",
                    "Calibrated bands hold the truth about 80% of the time. Each past band was calibrated on the "
                    "projections before it; the band above on those up to the 1st of this month.", "calendar"):
    # The files (and the table they write) are built when a button is pressed, not on every run.
    st.download_button("Download the backtest (CSV)",
                       lambda: forecast.backtest_table(fc.backtest).to_csv(index=False, lineterminator="\n"),
                       file_name=f"{ctx.user_id}-backtest.csv", mime="text/csv")
    st.download_button("Download the backtest (Parquet)",
                       lambda: backtest_view.parquet_bytes(forecast.backtest_table(fc.backtest)),
                       file_name=f"{ctx.user_id}-backtest.parquet", mime="application/vnd.apache.parquet")
if fc.period_backtest is not None:  # a payday rule: the band to payday is calibrated on the user's pay periods
    st.subheader("Backtest over your pay periods")
    backtest_section(fc.period_backtest, "Not enough complete pay periods of history to backtest yet.",
                     "Pay-period band coverage (truth inside p10–p90)",
                     "What the dashboard's band to payday would have said on day 10 and 20 of each past period.",
                     fc.standing.period_rule)
ui.finish(ctx)
