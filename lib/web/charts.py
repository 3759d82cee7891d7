"""DataFrame -> plotly Figure, nothing else: the Forecast page's interactive fan, for analysts. (The dashboard's
charts are pictures drawn on the server: lib.web.dashboard_charts, issue 21.) Money arrives in integer cents; a
MoneyFormat (lib.core.money) writes it in titles, and puts the currency and the locale's separators on the money
axis (issue 25)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.core.money import BARE, MoneyFormat

UNDER = "#2BB673"
OVER = "#FF5A36"
EMPTY = "#2A3142"
ACCENT = "#FFB020"
MUTED = "#9CA3AF"


GRID = "#2A3142"
# A small template with only what these charts use: plotly_dark is two thirds of every figure's
# JSON, which Streamlit serialises again on every rerun (see bench/RESULTS.md).
_TEMPLATE = go.layout.Template(
    layout={
        "font": {"color": "#F3F4F6"},
        "colorway": [OVER, ACCENT, UNDER, MUTED],
        "xaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID},
        "yaxis": {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID},
        "hoverlabel": {"bgcolor": "#1B2030"},
    }
)


def _layout(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        template=_TEMPLATE,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        hovermode="x unified",
    )
    return fig


def _money_axis(fig: go.Figure, money: MoneyFormat, axis: str = "y") -> go.Figure:
    """The money axis in the reader's way: "1.234,50 €"-style ticks (nothing changes without a home currency)."""
    if money.currency:
        prefix, suffix = money.affixes()
        fig.update_layout(separators=money.separators())
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tickprefix=prefix, ticksuffix=suffix)
    return fig


def forecast_fan(fan: pd.DataFrame, budget_total_cents: int, daily_budget_cents: int,
                 money: MoneyFormat = BARE, title: str = "Month-end projection") -> go.Figure:
    """Cumulative spending this month (or a payday user's period, issue 26): actuals, the p10–p90 band and
    median ahead, the budget pace."""
    dates = pd.to_datetime(fan["date"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=dates, y=fan["p90_cum"] / 100, line={"width": 0}, showlegend=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=dates, y=fan["p10_cum"] / 100, fill="tonexty", fillcolor="rgba(255,176,32,0.22)",
                             line={"width": 0}, name="likely range (p10–p90)"))
    fig.add_trace(go.Scatter(x=dates, y=fan["p50_cum"] / 100, name="median projection",
                             line={"dash": "dot", "color": ACCENT}))
    fig.add_trace(go.Scatter(x=dates, y=fan["actual_cum"] / 100, name="actual", line={"color": OVER, "width": 3}))
    pace = np.arange(1, len(dates) + 1) * daily_budget_cents / 100
    fig.add_trace(go.Scatter(x=dates, y=pace, name="budget pace", line={"dash": "dash", "color": MUTED}))
    return _money_axis(_layout(fig, f"{title} (budget {money.cents(budget_total_cents)})", height=380),
                       money)
