"""The cap on the band's high stretch (lib/core/forecast/calibration.py, `hi_cap`).

A rare big purchase the model did not yet know of is a miss of a narrow band by many of its halves; once the
model knows such purchases its band is wide, and stretching that by the same factor put the p90 far above
anything the user ever spent. The stretch now reaches past the model's own half no further than twice
what the past's high tail reached, measured in the future's median.
"""
from __future__ import annotations

import numpy as np
import pytest

from lib.core.forecast import calibration
from lib.core.forecast.calibration import CAP_ROOM, fit


def _narrow_past_with_big_misses() -> tuple[np.ndarray, ...]:
    """24 projections of a narrow band (the rest of the month 500.00, +-50.00); four truths 1,200.00 above it."""
    n = 24
    q50 = np.full(n, 50000.0)
    truth = q50 + np.random.default_rng(4).normal(0, 2000, n)
    truth[[3, 9, 15, 21]] += 120000.0
    return q50 - 5000, q50, q50 + 5000, truth


def _fits(monkeypatch: pytest.MonkeyPatch) -> tuple[calibration.Calibration, calibration.Calibration]:
    past = _narrow_past_with_big_misses()
    capped = fit(*past)
    monkeypatch.setattr(calibration, "CAP", False)
    return capped, fit(*past)


def test_a_miss_of_a_narrow_band_does_not_stretch_a_wide_band_past_what_the_user_ever_reached(
        monkeypatch: pytest.MonkeyPatch) -> None:
    capped, uncapped = _fits(monkeypatch)
    assert capped.hi == uncapped.hi > 5  # the stretch itself is learnt as before: many halves
    reach = float(max(_narrow_past_with_big_misses()[3]) - 50000.0)  # the furthest the past went above the middle
    # Now the model knows big purchases: the rest of the month 600.00, its p90 1,200.00 above.
    q10, q50, q90 = np.array([55000.0]), np.array([60000.0]), np.array([180000.0])
    wide_capped = float(capped.apply(q90, q10, q50, q90)[0])
    wide_uncapped = float(uncapped.apply(q90, q10, q50, q90)[0])
    assert wide_uncapped > 60000.0 + 5 * 120000.0  # before: a p90 of over 6,600.00 on a 600.00 rest of month
    assert q90[0] <= wide_capped <= 60000.0 + CAP_ROOM * reach * 60000.0 / 50000.0
    assert wide_capped < wide_uncapped / 2


def test_the_cap_leaves_the_band_it_was_learnt_on_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    capped, uncapped = _fits(monkeypatch)
    q10, q50, q90 = (np.array([v]) for v in (45000.0, 50000.0, 55000.0))  # the same narrow band as the past's
    x = np.linspace(0.0, 300000.0, 61)
    assert np.allclose(capped.apply(x, q10, q50, q90), uncapped.apply(x, q10, q50, q90))
    assert float(capped.apply(q90, q10, q50, q90)[0]) > 55000.0 + 4 * 5000.0  # stretched, as before


def test_the_low_half_is_not_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Big purchases push the truth up; a band the past's shift moved up may still reach down as far as learnt."""
    past = list(_narrow_past_with_big_misses())
    past[3] = 2 * past[1] - past[3]  # the mirror image: four truths far below the band
    capped = fit(*past)
    monkeypatch.setattr(calibration, "CAP", False)
    uncapped = fit(*past)
    q10, q50, q90 = np.array([20000.0]), np.array([60000.0]), np.array([65000.0])
    assert np.isclose(float(capped.apply(q10, q10, q50, q90)[0]), float(uncapped.apply(q10, q10, q50, q90)[0]))


def test_the_cap_never_narrows_the_models_own_band(monkeypatch: pytest.MonkeyPatch) -> None:
    capped, _ = _fits(monkeypatch)
    # A band far wider than anything in the past: the cap would be inside it, the model's own half stays.
    q10, q50, q90 = np.array([40000.0]), np.array([50000.0]), np.array([900000.0])
    assert float(capped.apply(q90, q10, q50, q90)[0]) >= 900000.0
    x = np.linspace(0.0, 2000000.0, 201)
    out = capped.apply(x, q10, q50, q90)
    assert (np.diff(out) >= 0).all()  # still one monotone map for every simulated path
