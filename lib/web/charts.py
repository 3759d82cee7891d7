"""DataFrame -> plotly Figure, nothing else. Money arrives in integer cents; a MoneyFormat (lib.core.money) writes
it in titles, labels and hovers, and puts the currency and the locale's separators on the money axis (issue 25)."""
from __future__ import annotations

import calendar
import datetime as dt

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


def _hover(cents: np.ndarray, money: MoneyFormat) -> list[str]:
    """Each amount written the reader's way, for a hover."""
    return [money.cents(int(c)) for c in cents]


CLIP_OVER = 2.5  # a day above 2.5x the usual high (the budget or the 90th percentile) is drawn clipped
CLIP_AT = 1.6  # ... at 1.6x that usual high, its value written above it


def clip_cap(cents: np.ndarray, budget_cents: int) -> int | None:
    """Where the daily chart's axis stops when one day towers over the rest (else None: nothing clipped).

    Without it one day of 700 flattens ninety days of 20 into a line along the bottom.
    """
    spent = cents[cents > 0]
    if spent.size == 0:
        return None
    usual = max(budget_cents, int(np.percentile(spent, 90)))
    if usual <= 0 or spent.max() <= CLIP_OVER * usual:
        return None
    return int(CLIP_AT * usual)


def daily_spending(daily: pd.Series, budget_cents: int, money: MoneyFormat = BARE) -> go.Figure:
    """Bars per day, green at or under the budget and red over it (and hatched), with the budget line; a day far
    above the rest is clipped at the axis' top, hatched the other way and labelled with its value."""
    cents = daily.to_numpy(dtype=np.int64)
    values = cents / 100
    over = cents > budget_cents
    colors = np.where(over, OVER, UNDER)
    cap = clip_cap(cents, budget_cents)
    clipped = cents > cap if cap is not None else np.zeros(len(cents), dtype=bool)
    shown = np.minimum(values, cap / 100) if cap is not None else values
    fig = go.Figure(
        go.Bar(x=daily.index, y=shown, customdata=values, marker_color=colors, name="Spent",
               # Colour is not the only signal: over-budget days are hatched, clipped ones cross-hatched.
               marker_pattern_shape=np.where(clipped, "x", np.where(over, "/", "")).tolist(),
               marker_pattern_fgcolor="#0F1117", marker_pattern_size=6,
               hovertext=_hover(cents, money) if money.currency else None,
               hovertemplate="%{hovertext}<extra></extra>" if money.currency else "%{customdata:,.2f}<extra></extra>")
    )
    fig.add_hline(
        y=budget_cents / 100, line_dash="dash", line_color=ACCENT,
        annotation_text=f"budget {money.cents(budget_cents)}", annotation_position="top left",
    )
    if cap is not None:
        fig.update_yaxes(range=[0, cap / 100 * 1.18])
        for day, value, exact in zip(daily.index[clipped], values[clipped], cents[clipped], strict=True):
            label = money.cents(int(exact)) if money.currency else f"{value:,.0f}"
            fig.add_annotation(x=day, y=cap / 100, text=f"▲ {label}", showarrow=False, yanchor="bottom",
                               font={"size": 11, "color": "#F3F4F6"}, bgcolor="rgba(15,17,23,0.8)")
    return _money_axis(_layout(fig, "Daily spending against your budget"), money)


KEPT_MARK, BROKE_MARK, NOTHING_MARK = "✓", "✗", "·"


def streak_calendar(states: pd.Series, daily: pd.Series, money: MoneyFormat = BARE) -> go.Figure:
    """A calendar heatmap, one column per week: green ✓ kept, red ✗ broke, dark · nothing spent, blank not logged."""
    if daily.empty:
        return _layout(go.Figure(), "Streak calendar")
    idx = pd.DatetimeIndex(daily.index)
    cents = daily.to_numpy(dtype=np.int64)
    state = states.to_numpy(dtype=float)
    week = (idx - pd.to_timedelta(idx.day_of_week, unit="D")).normalize()
    spent = [money.cents(int(c)) for c in cents] if money.currency else np.char.mod("%.2f", cents / 100)
    label = np.where(np.isnan(state), "not logged", np.char.add("spent ", np.asarray(spent, dtype=str)))
    # Colour is never the only signal: every cell also carries a mark.
    mark = np.where(state == 2, BROKE_MARK, np.where(state == 1, KEPT_MARK, np.where(state == 0, NOTHING_MARK, "")))
    frame = pd.DataFrame({"week": week, "weekday": idx.day_of_week, "state": state, "label": label, "day": idx,
                          "mark": mark})
    z = frame.pivot(index="weekday", columns="week", values="state").reindex(range(7))
    labels = frame.pivot(index="weekday", columns="week", values="label").reindex(range(7)).fillna("")
    marks = frame.pivot(index="weekday", columns="week", values="mark").reindex(range(7)).fillna("")
    day = frame.pivot(index="weekday", columns="week", values="day").reindex(range(7))
    text = day.apply(lambda col: col.dt.strftime("%a %d %b %Y")).fillna("")
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(dtype=float),
            x=list(z.columns),
            y=[calendar.day_abbr[i] for i in range(7)],
            customdata=np.dstack([text.to_numpy(), labels.to_numpy()]),
            text=marks.to_numpy().tolist(), texttemplate="%{text}", textfont={"size": 12, "color": "#F3F4F6"},
            colorscale=[[0, EMPTY], [0.33, EMPTY], [0.34, UNDER], [0.66, UNDER], [0.67, OVER], [1, OVER]],
            zmin=0, zmax=2, showscale=False, xgap=3, ygap=3,
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(hovermode="closest")
    # Short enough for a phone's width; the caption under the chart spells out every mark.
    return _layout(fig, f"Streak calendar: {KEPT_MARK} kept, {BROKE_MARK} broke", height=260)


def categories(by_cat: pd.DataFrame, top: int = 8, money: MoneyFormat = BARE) -> go.Figure:
    """Horizontal bars of net spending per category, biggest on top."""
    data = by_cat[by_cat["amount_cents"] > 0].head(top).iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=data["amount_cents"] / 100, y=data["category"], orientation="h", marker_color=OVER,
            text=[f"{s:.0%}" for s in data["share"]], textposition="outside", cliponaxis=False,
            hovertext=_hover(data["amount_cents"].to_numpy(), money) if money.currency else None,
            hovertemplate="%{y}: %{hovertext}<extra></extra>" if money.currency else "%{y}: %{x:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(automargin=True)
    fig.update_layout(hovermode="closest")
    return _money_axis(_layout(fig, "Where the money went"), money, axis="x")


def month_cumulative(daily: pd.Series, budget_cents: int, today: dt.date, money: MoneyFormat = BARE,
                     period: tuple[dt.date, dt.date] | None = None) -> go.Figure:
    """This month's (or the pay period's) cumulative spending against the straight budget pace to its end."""
    start = pd.Timestamp(period[0] if period else today.replace(day=1))
    end = pd.Timestamp(period[1]) if period else start + pd.offsets.MonthEnd(0)
    month_days = pd.date_range(start, end, freq="D")
    actual = daily[(daily.index >= start) & (daily.index <= pd.Timestamp(today))].cumsum() / 100
    pace = pd.Series(np.arange(1, len(month_days) + 1) * budget_cents / 100, index=month_days)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=pace.index, y=pace.values, name="Budget pace", line={"dash": "dash", "color": ACCENT}))
    fig.add_trace(
        go.Scatter(x=actual.index, y=actual.values, name="Spent so far", line={"color": OVER, "width": 3},
                   fill="tozeroy", fillcolor="rgba(255,90,54,0.12)")
    )
    return _money_axis(_layout(fig, f"{'Since payday' if period else f'{today:%B}'}: spent against the budget pace"),
                       money)


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
