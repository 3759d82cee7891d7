"""Plotly, Vega-Lite and SVG pictures drawn on the server (matplotlib, what the dashboard uses since issue 21):
the dashboard's four chart kinds on one page, drawn by each.

Measured to choose how the dashboard draws its charts: the pages are served by `streamlit run`
with the app's config; each visit is a fresh browser profile (nothing cached), timed from navigation
to settled (see bench/browser.py), then reruns of the open page. Same data, same chart kinds: daily
bars coloured against a budget line, a cumulative line with its pace, a 7 x 13 calendar heatmap, and
horizontal category bars.
"""
from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench import browser

DATA = '''
import numpy as np
import pandas as pd

rng = np.random.default_rng(1)
days = pd.date_range("2026-08-28", periods=91, freq="D")
spent = rng.integers(0, 6000, len(days)) / 100
budget = 25.0
frame = pd.DataFrame({"day": days, "spent": spent, "over": spent > budget,
                      "cum": spent.cumsum(), "pace": np.arange(1, len(days) + 1) * budget,
                      "week": days.to_period("W").start_time, "weekday": days.day_name().str[:3]})
cats = pd.DataFrame({"category": ["Groceries", "Eating out", "Transport", "Coffee", "Shopping", "Bills"],
                     "amount": [412.5, 260.1, 133.0, 88.4, 61.2, 40.0]})
'''

PLOTLY_PAGE = '''import streamlit as st
import plotly.graph_objects as go
''' + DATA + '''
st.write("Charts")
a = go.Figure(go.Bar(x=frame.day, y=frame.spent, marker_color=np.where(frame.over, "#FF5A36", "#2BB673")))
a.add_hline(y=budget, line_dash="dash")
b = go.Figure([go.Scatter(x=frame.day, y=frame.pace, line={"dash": "dash"}),
               go.Scatter(x=frame.day, y=frame.cum, fill="tozeroy")])
grid = frame.pivot(index="weekday", columns="week", values="spent")
c = go.Figure(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index), xgap=3, ygap=3))
d = go.Figure(go.Bar(x=cats.amount, y=cats.category, orientation="h", text=cats.amount, textposition="outside"))
for key, fig in zip("abcd", (a, b, c, d)):
    fig.update_layout(height=300, template="plotly_dark")
    st.plotly_chart(fig, key=key)
'''

VEGA_PAGE = '''import streamlit as st
import altair as alt
''' + DATA + '''
st.write("Charts")
bars = alt.Chart(frame).mark_bar().encode(x="day:T", y="spent:Q", tooltip=["day:T", "spent:Q"],
    color=alt.condition("datum.over", alt.value("#FF5A36"), alt.value("#2BB673")))
rule = alt.Chart(pd.DataFrame({"y": [budget]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
a = bars + rule
b = (alt.Chart(frame).mark_area(opacity=0.2).encode(x="day:T", y="cum:Q")
     + alt.Chart(frame).mark_line(strokeDash=[4, 4]).encode(x="day:T", y="pace:Q"))
c = alt.Chart(frame).mark_rect().encode(x="week:O", y="weekday:O", color="spent:Q", tooltip=["day:T", "spent:Q"])
d = alt.Chart(cats).mark_bar().encode(x="amount:Q", y=alt.Y("category:N", sort="-x"), tooltip=["amount:Q"])
for key, chart in zip("abcd", (a, b, c, d)):
    st.altair_chart(chart.properties(height=300), key=key, use_container_width=True)
'''

SVG_PAGE = '''import io
import streamlit as st
from matplotlib.figure import Figure
''' + DATA + '''
st.write("Charts")


@st.cache_resource  # the app draws its pictures once per data version
def pictures() -> list[str]:
    out = []
    for kind in "abcd":
        fig = Figure(figsize=(5.4, 3.1), layout="constrained")
        ax = fig.add_subplot()
        if kind == "a":
            ax.bar(frame.day, frame.spent, color=np.where(frame.over, "#FF5A36", "#2BB673"))
            ax.axhline(budget, linestyle="--")
        elif kind == "b":
            ax.plot(frame.day, frame.pace, linestyle="--")
            ax.fill_between(frame.day, frame.cum, alpha=0.2)
        elif kind == "c":
            grid = frame.pivot(index="weekday", columns="week", values="spent")
            ax.pcolormesh(grid.to_numpy(), edgecolors="#0F1117", linewidth=2)
        else:
            ax.barh(cats.category, cats.amount)
        buf = io.StringIO()
        with __import__("matplotlib").rc_context({"svg.fonttype": "none"}):
            fig.savefig(buf, format="svg", transparent=True)
        out.append(buf.getvalue()[buf.getvalue().index("<svg"):])
    return out


for svg in pictures():
    st.image(svg, alt="chart", width="content")
'''


def _visit(br: Any, url: str, reruns: int) -> tuple[float, list[float]]:
    context = br.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = browser.open_page(context)
        page.goto(url)
        first = float(browser.settled(page, 0.0, ["Charts"], min_runs=0)["ms"])
        again = [float(browser.settled(page, browser.press_rerun(page), ["Charts"])["ms"]) for _ in range(reruns)]
        return first, again
    finally:
        context.close()


def compare(workdir: Path, visits: int = 4, reruns: int = 3) -> dict[str, Any]:
    """First paint and rerun of the same four charts in Plotly, Vega-Lite and SVG pictures, interleaved."""
    root = workdir / "charts"
    (root / ".streamlit").mkdir(parents=True, exist_ok=True)
    (root / ".streamlit" / "config.toml").write_text((browser.ROOT / ".streamlit" / "config.toml").read_text())
    (root / "plotly_page.py").write_text(PLOTLY_PAGE)
    (root / "vega_page.py").write_text(VEGA_PAGE)
    (root / "svg_page.py").write_text(SVG_PAGE)
    secrets = browser.example_secrets(browser.ROOT, workdir / "charts-secrets.toml")
    env = browser.server_env(workdir / "unused.db")
    libs = ("plotly", "vega", "svg")
    times: dict[str, dict[str, list[float]]] = {k: {"first": [], "rerun": []} for k in libs}
    with browser.serve("plotly_page.py", root, env, secrets, workdir) as plotly_server, \
            browser.serve("vega_page.py", root, env, secrets, workdir) as vega_server, \
            browser.serve("svg_page.py", root, env, secrets, workdir) as svg_server, browser.chromium() as br:
        browser._context_with_log(br)
        urls = {"plotly": plotly_server.url, "vega": vega_server.url, "svg": svg_server.url}
        for name in urls:  # warm the servers
            _visit(br, urls[name], 1)
        for n in range(visits):
            for name in (libs if n % 2 == 0 else libs[::-1]):
                first, again = _visit(br, urls[name], reruns)
                times[name]["first"].append(first)
                times[name]["rerun"].extend(again)
    return {f"_charts_{lib}_{kind}_ms": statistics.median(values)
            for lib, kinds in times.items() for kind, values in kinds.items()}


if __name__ == "__main__":  # python -m bench.chart_libs
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-charts-") as tmp:
        print(json.dumps(compare(Path(tmp)), indent=1))
