"""The benchmark's own checks, and `python -m bench --quick`: its smoke run, so a renamed page, tab or metric
fails the suite (no goal is asserted: a smoke run's numbers are not the results).
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench import analytics_loop, report

ROOT = Path(__file__).resolve().parents[2]


def test_the_analytics_baseline_gives_the_same_answer_on_a_small_history() -> None:
    out = analytics_loop.analytics_comparison(3_000, reps=1)  # raises when the two sides disagree
    assert out["_rows"] == 3_000
    assert 300 <= out["_days"] <= 1_000  # 3-10 transactions a day


def test_an_over_read_and_a_slow_interaction_are_reported_as_not_met() -> None:
    metrics = {"dashboard_overread_ratio": 13.9, "browser_rerun_ratio": 1.4, "browser_login_ratio": 2.5,
               "forecast_read_units": 20.5, "forecast_floor_units": 17.0}
    verdicts = {name: verdict for name, _, _, verdict in report.rows(metrics)}
    assert verdicts == {"dashboard_overread_ratio": "NOT met", "browser_rerun_ratio": "met",
                        "browser_login_ratio": "NOT met", "forecast_read_units": "NOT met"}


@pytest.mark.e2e  # Chromium, `streamlit run` and dynalite: excluded from `make test-fast` like the browser tests
@pytest.mark.dynalite
def test_quick_bench_measures_every_metric(tmp_path: Path) -> None:
    committed = (ROOT / "bench" / "RESULTS.md").read_bytes()
    out = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=1200, check=False)
    assert out.returncode == 0, (out.stdout[-3000:], out.stderr[-3000:])
    results = json.loads((tmp_path / "results.json").read_text())
    assert [name for name in report.METRIC_NAMES if name not in results] == []
    failed = [name for name in report.METRIC_NAMES if isinstance(results[name], float) and math.isnan(results[name])]
    assert failed == [], json.loads((tmp_path / "details.json").read_text()).get("concurrent_error")
    text = (tmp_path / "RESULTS.md").read_text()
    assert "--quick: a smoke run, not the results" in text
    assert "one-time rebuild" in text
    assert (ROOT / "bench" / "RESULTS.md").read_bytes() == committed  # the smoke never overwrites the results
