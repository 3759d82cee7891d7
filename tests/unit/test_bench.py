"""A cheap smoke test of the benchmark's own checks (make bench itself is never run by make test)."""
from __future__ import annotations

from bench import analytics_loop, report


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
