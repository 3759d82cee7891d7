"""The Forecast page's backtest: its table, the band's coverage, the model's skill against simple baselines and
the Parquet export (split from lib.web.views along the page's own seam: the what-if above, the backtest below)."""
from __future__ import annotations

import io

import pandas as pd

from lib.core.money import BARE, MoneyFormat

SKILL_NAMES = {"last_pace": "Rest of last month", "year_ago": "Same days a year ago"}


def _band(p: tuple[int, int, int], money: MoneyFormat = BARE) -> str:
    return f"{money.cents(p[0])} – {money.cents(p[2])}"


def backtest_view(bt: pd.DataFrame, money: MoneyFormat = BARE) -> tuple[pd.DataFrame, str, pd.DataFrame | None]:
    """The backtest as a display table, its band coverage ("8 of 10 (80%)") and the model's skill against
    simple baselines: the what-if sliders do not change it, so the page draws it outside their fragment."""
    from lib.core import forecast

    fmt = money.cents
    table = pd.DataFrame()
    coverage_text = "—"
    if len(bt):
        table = pd.DataFrame(
            {
                ("Month" if len(str(bt["month"].iloc[0])) == 7 else "Period from"): bt["month"],  # "2026-11" or a date
                "Said on day": bt["cutoff_day"],
                "Projection (p50)": [fmt(int(v)) for v in bt["p50_cents"]],
                "Band": [_band((int(a), 0, int(b)), money)
                         for a, b in zip(bt["p10_cents"], bt["p90_cents"], strict=True)],
                "Actual": [fmt(int(v)) for v in bt["actual_cents"]],
                "Error": [fmt(int(v)) for v in bt["error_cents"]],
                "Inside band": ["yes" if v else "no" for v in bt["inside"]],
            }
        )
        cov = forecast.coverage(bt)
        coverage_text = f"{int(bt['inside'].sum())} of {len(bt)} ({cov:.0%})" if cov is not None else "—"
    return table, coverage_text, skill_table(bt, money) if len(bt) else None


def calibration_note(memory_text: str, rule: str) -> str | None:
    """What the live band above a backtest was calibrated on (the forecast memory of `rule`); None without one."""
    from lib.core.forecast import memory

    learnt = memory.learnt(memory_text, rule)
    if learnt is None:
        return None
    through, n = learnt
    return (f"The band above is calibrated this way too: on the {n} projections that had ended by "
            f"{through.isoformat()} (the {memory.HISTORY_DAYS} days before the 1st; learnt again each month).")


def skill_table(bt: pd.DataFrame, money: MoneyFormat = BARE) -> pd.DataFrame | None:
    """The model's pinball loss against each simple baseline on the projections both could make (lower wins)."""
    from lib.core import forecast

    fmt = money.cents
    sk = forecast.skill(bt)
    rows = []
    for key, name in SKILL_NAMES.items():
        if key in sk:
            model, base = sk[f"model_vs_{key}"], sk[key]
            rows.append({"Baseline": name, "Projections": int(bt[f"{key}_pinball_cents"].notna().sum()),
                         "Model's loss": fmt(round(model)), "Baseline's loss": fmt(round(base)),
                         "Skill": f"{1 - model / base:+.0%}" if base else "—"})
    return pd.DataFrame(rows) if rows else None


def parquet_bytes(table: pd.DataFrame) -> bytes:
    """A table as Parquet (pyarrow): Decimal money stays decimal128, dates stay dates."""
    buf = io.BytesIO()
    table.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()
