"""The dashboard's four charts, drawn on the server as SVG images (issue 21).

Plotly's browser bundle took about 600 ms of the main thread on every visit to the dashboard (220 ms to
start the 4.7 MB chunk, the rest to lay out four figures), most of a returning visit. A picture drawn once
per data version on the server costs the browser nothing; the charts carry their key numbers on them
(the budget, a clipped day's value, each category's amount and share, the month so far), since a picture
has no hover, and the page writes the same numbers under each one as its text alternative. The Forecast
page, for analysts, keeps its interactive Plotly fan (lib.web.charts).

Money arrives in integer cents; a MoneyFormat (lib.core.money) writes it in labels and on the money axis.
Text is written as SVG text (not outlines): it stays sharp, selectable, and searchable in tests.
"""
from __future__ import annotations

import calendar
import datetime as dt
import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.dates import AutoDateLocator, DateFormatter, DayLocator
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lib.core.money import BARE, MoneyFormat

UNDER = "#2BB673"
OVER = "#FF5A36"
EMPTY = "#2A3142"
ACCENT = "#FFB020"
MUTED = "#9CA3AF"
TEXT = "#F3F4F6"
GRID = "#2A3142"
PAGE = "#0F1117"  # the page's background (.streamlit/config.toml): hatching and cell gaps are drawn in it

KEPT_MARK, BROKE_MARK, NOTHING_MARK = "✓", "✗", "·"
CLIP_OVER = 2.5  # a day above 2.5x the usual high (the budget or the 90th percentile) is drawn clipped
CLIP_AT = 1.6  # ... at 1.6x that usual high, its value written above it

PX = 1 / 96  # figure sizes in CSS pixels: the SVG is written in points, 72 to the inch, and shown at 96
_STYLE = {
    "svg.fonttype": "none",  # text as text
    "svg.hashsalt": "finance-coach",  # the same drawing gives the same SVG (ids), so tests and caches agree
    "font.family": "sans-serif",
    "font.size": 11,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": GRID,
    "axes.facecolor": "none",
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11.5,
    "axes.titlelocation": "left",
    "axes.titlecolor": TEXT,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": MUTED,
    "ytick.labelcolor": MUTED,
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    "hatch.color": PAGE,
    "hatch.linewidth": 1.2,
    "legend.frameon": False,
    "legend.labelcolor": TEXT,
}


@dataclass(frozen=True)
class Chart:
    """One chart: its title (also the start of its text alternative), the SVG document, and its key numbers in
    words (the caption under it; lib.web.views.chart_captions)."""

    title: str
    svg: str
    caption: str = ""


@contextmanager
def _figure(width_px: int, height_px: int) -> Iterator[Figure]:
    with rc_context(_STYLE):
        yield Figure(figsize=(width_px * PX, height_px * PX), layout="constrained")


def _svg(fig: Figure) -> str:
    with rc_context(_STYLE), warnings.catch_warnings():
        # Text is drawn by the browser's fonts; matplotlib only measures it, with a font that lacks "￥" or "₹".
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg"):]  # no XML prologue or doctype: st.image takes the <svg> element


def money_ticks(money: MoneyFormat) -> Callable[[float, Any], str]:
    """Whole amounts on a money axis, the reader's way: "1,200", "$1,200", "1.200 €"."""
    prefix, suffix = money.affixes()
    group = money.separators()[1:] or ","

    def tick(value: float, _pos: Any = None) -> str:
        return f"{prefix}{value:,.0f}".replace(",", group) + suffix

    return tick


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


def _label(money: MoneyFormat, cents: int) -> str:
    return money.cents(cents) if money.currency else f"{cents / 100:,.0f}"


def _dates(ax: Any, days: int) -> None:
    """Date ticks, never finer than a day (two days of data gave two ticks on one date)."""
    ax.xaxis.set_major_locator(DayLocator(interval=max(1, days // 5)) if days <= 14 else
                               AutoDateLocator(minticks=3, maxticks=6))
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    ax.grid(False, axis="x")


def daily_spending(daily: pd.Series, budget_cents: int, money: MoneyFormat = BARE) -> Chart:
    """Bars per day, green at or under the budget and red and hatched over it, with the budget line; a day far
    above the rest is clipped at the axis' top, cross-hatched, and labelled with its value."""
    title = "Daily spending against your budget"
    cents = daily.to_numpy(dtype=np.int64)
    cap = clip_cap(cents, budget_cents)
    with _figure(520, 300) as fig:
        ax = fig.add_subplot()
        ax.set_title(title)
        if len(cents):
            over = cents > budget_cents
            clipped = cents > cap if cap is not None else np.zeros(len(cents), dtype=bool)
            shown = np.minimum(cents, cap) if cap is not None else cents
            x = pd.DatetimeIndex(daily.index).to_pydatetime()
            bars = ax.bar(x, shown / 100, width=0.8, color=np.where(over, OVER, UNDER), linewidth=0)
            # Colour is not the only signal: over-budget days are hatched, clipped ones cross-hatched.
            for bar, is_over, is_clipped in zip(bars, over, clipped, strict=True):
                if is_clipped:
                    bar.set_hatch("xx")
                elif is_over:
                    bar.set_hatch("///")
            if cap is not None:
                ax.set_ylim(0, cap / 100 * 1.22)
                for day, exact in zip(np.asarray(x)[clipped], cents[clipped], strict=True):
                    ax.annotate(f"▲ {_label(money, int(exact))}", (day, cap / 100), xytext=(0, 3),
                                textcoords="offset points", ha="center", va="bottom", fontsize=9, color=TEXT)
            _dates(ax, len(cents))
        ax.axhline(budget_cents / 100, color=ACCENT, linestyle="--", linewidth=1.2)
        ax.annotate(f"budget {money.cents(budget_cents)}", (0, budget_cents / 100), xycoords=("axes fraction", "data"),
                    xytext=(2, 3), textcoords="offset points", fontsize=9, color=ACCENT,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": PAGE, "edgecolor": "none", "alpha": 0.85})
        ax.yaxis.set_major_formatter(FuncFormatter(money_ticks(money)))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        return Chart(title, _svg(fig))


def month_cumulative(daily: pd.Series, budget_cents: int, today: dt.date, money: MoneyFormat = BARE,
                     period: tuple[dt.date, dt.date] | None = None) -> Chart:
    """This month's (or the pay period's) cumulative spending against the straight budget pace to its end;
    the spending so far is written at its last point."""
    start = pd.Timestamp(period[0] if period else today.replace(day=1))
    end = pd.Timestamp(period[1]) if period else start + pd.offsets.MonthEnd(0)
    days = pd.date_range(start, end, freq="D")
    actual = daily[(daily.index >= start) & (daily.index <= pd.Timestamp(today))].cumsum()
    pace = np.arange(1, len(days) + 1) * budget_cents / 100
    title = f"{'Since payday' if period else f'{today:%B}'}: spent against the budget pace"
    with _figure(440, 300) as fig:
        ax = fig.add_subplot()
        ax.set_title(title)
        ax.plot(days.to_pydatetime(), pace, linestyle="--", color=ACCENT, linewidth=1.5, label="Budget pace")
        if len(actual):
            x = pd.DatetimeIndex(actual.index).to_pydatetime()
            ax.plot(x, actual.to_numpy() / 100, color=OVER, linewidth=3, label="Spent so far")
            ax.fill_between(x, actual.to_numpy() / 100, color=OVER, alpha=0.12, linewidth=0)
            ax.annotate(money.cents(int(actual.iloc[-1])), (x[-1], actual.iloc[-1] / 100), xytext=(4, 4),
                        textcoords="offset points", fontsize=9, color=TEXT)
        ax.set_xlim(days[0].to_pydatetime(), days[-1].to_pydatetime())
        ax.set_ylim(bottom=0)
        ax.set_xticks(days[::7].to_pydatetime())  # weekly from the first day: a pay period shows its payday
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
        ax.grid(False, axis="x")
        ax.yaxis.set_major_formatter(FuncFormatter(money_ticks(money)))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.legend(loc="upper left", fontsize=9)
        return Chart(title, _svg(fig))


def day_marks(states: pd.Series) -> np.ndarray:
    """Each day's mark: ✓ kept, ✗ broke, · nothing spent, "" not logged."""
    state = states.to_numpy(dtype=float)
    return np.where(state == 2, BROKE_MARK, np.where(state == 1, KEPT_MARK, np.where(state == 0, NOTHING_MARK, "")))


def streak_calendar(states: pd.Series, daily: pd.Series, money: MoneyFormat = BARE) -> Chart:
    """One column per week, Monday on top: green ✓ kept, red ✗ broke, dark · nothing spent, blank not logged.
    `money` is unused (the cells carry marks, not amounts); kept so all four charts are called alike."""
    title = f"Streak calendar: {KEPT_MARK} kept, {BROKE_MARK} broke"
    with _figure(520, 230) as fig:
        ax = fig.add_subplot()
        ax.set_title(title)
        ax.grid(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if len(daily):
            idx = pd.DatetimeIndex(daily.index)
            weeks = (idx - pd.to_timedelta(idx.day_of_week, unit="D")).normalize()
            column = ((weeks - weeks[0]).days // 7).to_numpy()
            row = idx.day_of_week.to_numpy()
            state = states.reindex(daily.index).to_numpy(dtype=float)
            colors = np.where(state == 2, OVER, np.where(state == 1, UNDER, np.where(state == 0, EMPTY, "none")))
            edges = np.where(np.isnan(state), GRID, PAGE).tolist()
            ax.scatter(column, row, marker="s", s=230, c=colors, edgecolors=edges, linewidths=1)
            for c, r, m in zip(column, row, day_marks(states.reindex(daily.index)), strict=True):
                if m:
                    ax.text(c, r, m, ha="center", va="center_baseline", fontsize=9, color=TEXT)
            ax.set_xlim(-0.7, column.max() + 0.7)
            starts = sorted(set(zip(column, weeks, strict=True)))[:: max(1, (column.max() + 1) // 5)]
            ax.set_xticks([c for c, _ in starts], [f"{w:%d %b}" for _, w in starts])
        ax.set_ylim(6.7, -0.7)
        ax.set_yticks(range(7), [calendar.day_abbr[i] for i in range(7)])
        ax.tick_params(length=0)
        return Chart(title, _svg(fig))


def categories(by_cat: pd.DataFrame, top: int = 8, money: MoneyFormat = BARE) -> Chart:
    """Horizontal bars of net spending per category, biggest on top, each with its amount and share."""
    title = "Where the money went"
    data = by_cat[by_cat["amount_cents"] > 0].head(top).iloc[::-1]
    with _figure(440, 300) as fig:
        ax = fig.add_subplot()
        ax.set_title(title)
        if len(data):
            amounts = data["amount_cents"].to_numpy(dtype=np.int64)
            ax.barh(data["category"].astype(str).tolist(), amounts / 100, color=OVER, height=0.7)
            for y, (a, share) in enumerate(zip(amounts, data["share"], strict=True)):
                ax.annotate(f"{money.cents(int(a))} ({share:.0%})", (a / 100, y), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=9, color=TEXT)
            ax.set_xlim(0, amounts.max() / 100 * 1.55)  # room for the labels
        ax.grid(False, axis="y")
        ax.xaxis.set_major_formatter(FuncFormatter(money_ticks(money)))
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(axis="y", labelcolor=TEXT, length=0)
        return Chart(title, _svg(fig))
