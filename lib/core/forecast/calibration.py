"""Calibration of the band on the user's own backtest errors (split-conformal, shrunk toward the model).

The simulation's band is right on average but not for every habit: a weekend-heavy spender's is too
wide, a payday splurger's and a drifting spender's too narrow or off-centre. Each past projection
says where the truth fell against the band the model gave then; four numbers learnt from those
scores re-shape the band: a `blend` toward what the rest of last month cost (a day-of-month habit,
like a payday splurge, that the weekday bootstrap cannot see), a `shift` of the middle (in band
widths) and a `lo`/`hi` stretch of each half, chosen so that 10% of past truths fell below the new
p10, 50% below the new p50 and 10% above the new p90. With few past projections the numbers are
shrunk toward the model's own band (PRIOR_WEIGHT pseudo-projections), so a new user gets the plain
model and a long history its own.

The blend comes in two kinds and the user's own past chooses (CHOOSE): the band only moved toward
the hint (its middle chosen by the median's error), or `stack`ed: every quantile averaged with the hint,
(1 - blend) * x + blend * hint, its weight chosen by the stacked band's pinball loss, so the band
narrows too (a payday splurger's band is too wide as well as off-centre over pay periods). Each kind
is fitted in full and the one whose calibrated band had the lower pinball loss on the past projections
wins (the stack by CHOOSE_MARGIN); an irregular spender whose stacked band would be too narrow keeps
the move. Only projections whose period had ended are learnt from (lib.core.forecast.backtest).

How much of the re-shaping a band uses is learnt too (`trusted`, issue 26 variant T): each past projection
keeps the model's own band and its fully re-shaped one, and the new band is (1 - weight) * own + weight *
re-shaped, the weight chosen on ended projections by pinball loss, never holding the truth less often than
the full re-shaping, shrunk toward 1, and below 1 only when the model's own band held the truth 80% of the
time (a rare-big spender whose re-shaping chased its big purchases; a drifting one keeps all of it).

The high stretch is capped (`hi_cap`, issue 26): a stretch is learnt in halves of the band each past
projection had, so a big purchase the model did not yet know of, a miss of a narrow band by many halves, stretched
the wide band the model gives once it expects big purchases by the same factor (p90s over 10,000 on months that
never cost 4,200). Past the model's own half the stretched half now reaches no further than CAP_ROOM
times how far the past's high tail reached above the centre, measured in the future's median (the same tail level).
The low half is not capped: big purchases push the truth up, and a band whose middle moved up must still reach down.

The map is monotone, so it can be applied to every simulated path (the chance to end within budget
stays consistent with the band). Money is int64 / float cents here, as in the rest of forecast/.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

PRIOR_WEIGHT = 6.0  # pseudo-projections at the model's own band (shift 0, stretch 1)
HALF_LIFE = 12.0  # projections: older errors count half as much (habits drift)
STRETCH_RANGE = (0.25, 6.0)
SHIFT_RANGE = (-1.5, 1.5)
MIN_HALF_CENTS = 100.0  # a band half narrower than this is scored against this (a perfectly regular past)
MIN_HALF_SHARE = 0.01  # ... or against this share of the median
TAIL = 0.9  # the p10 and p90 each leave 10% outside
FINITE = 0.75  # finite-sample widening: the tail level is TAIL * (1 + FINITE / projections learnt from)
FINITE_STACK = 0.9  # the same for a stacked band (narrower, so its tails need a little more room)
BLEND_STEPS = 10  # 0 turns the blend toward the rest of last period off
WEIGHT_POWER = 1.0  # scores weigh band**power: 1 = least pinball loss, 0 = plain coverage
CHOOSE = True  # the user's own past projections choose the stacked blend or the move-only one (False: move-only)
CHOOSE_MIN = 12  # ended projections needed before the stack may be chosen (fewer: the move-only blend)
CHOOSE_MARGIN = 0.03  # the stack must beat the move-only blend's calibrated loss by this share to be chosen
STACK_PRIOR = 12.0  # pseudo-projections at no blend for a stacked blend (the move-only one: PRIOR_WEIGHT)
TRUST_STEPS = 10  # the share of the re-shaping a user's past may choose, on a grid of this many steps (0: always all)
TRUST_PRIOR = 6.0  # pseudo-projections at using all of it
TRUST_RAW_COVER = 0.8  # ... only when the model's own band held the truth at least this often on those projections
CAP = True  # the high half's stretch reaches no further than the past's misses did, in middles (`hi_cap`)
CAP_ROOM = 2.0  # ... times this
CAP_SCALE_CENTS = 1000.0  # a middle (the future's p50) smaller than this is measured as this
LEVELS = np.array([0.1, 0.5, 0.9])


@dataclass(frozen=True)
class Calibration:
    """How to re-shape a band: p50 + shift*width, each half stretched by lo / hi; `n` projections learnt from."""

    shift: float = 0.0
    lo: float = 1.0
    hi: float = 1.0
    n: int = 0
    blend: float = 0.0  # how far the band moves toward the hint (the rest of last period), 0-1
    stack: bool = False  # the blend averages every quantile with the hint (the band narrows too), not only the middle
    weight: float = 1.0  # the share of the re-shaping used: (1 - weight) * x + weight * re-shaped x (`trusted`)
    hi_cap: float = float("inf")  # how far above the centre the past's high tail reached, in middles (`fit`)

    @property
    def identity(self) -> bool:
        if self.n == 0 or self.weight == 0.0:
            return True
        return self.shift == 0.0 and self.lo == 1.0 and self.hi == 1.0 and self.blend == 0.0

    def apply(
        self, x: np.ndarray, q10: np.ndarray, q50: np.ndarray, q90: np.ndarray, hint: np.ndarray | float | None = None,
    ) -> np.ndarray:
        """Totals `x` (any shape broadcasting with the band quantiles) mapped onto the calibrated band.

        `hint`: what the rest of last period cost (NaN or None: unknown); the band first moves `blend`
        of the way toward it, which carries a day-of-month habit (a payday splurge) the bootstrap cannot see.
        """
        x = np.asarray(x, dtype="float64")
        if self.identity:
            return x
        # What the model's own path allows: a move toward the hint must not take the days left below zero
        # (the band's p10 under what is already spent) unless the path itself holds refunds.
        raw = x
        floor = np.minimum(x, 0.0)
        trust = _trust(q10, q50, q90)
        x, q10, q50, q90 = _stack(self.blend, x, q10, q50, q90, hint, trust, self.stack)
        lo_half, hi_half, width = _halves(q10, q50, q90)
        # Each half is stretched so its end lands `lo` / `hi` halves (floored as in `fit`) from the centre.
        lo_factor = self.lo * lo_half / np.maximum(q50 - q10, 1.0)
        hi_factor = _capped_half(self.hi, hi_half, self.hi_cap, q50) / np.maximum(q90 - q50, 1.0)
        d = x - q50
        out = q50 + self.shift * width * _trust(q10, q50, q90) + np.where(d < 0, d * lo_factor, d * hi_factor)
        out = np.maximum(out, floor)  # calibration never invents refunds
        if self.weight != 1.0:  # two increasing maps averaged: still monotone (and above the floor, as raw is)
            out = self.weight * out + (1.0 - self.weight) * raw
        return out


IDENTITY = Calibration()


def _middle(q50: np.ndarray) -> np.ndarray:
    """The scale `hi_cap` is measured in: the future's median (what the rest of the period usually costs)."""
    return np.maximum(np.abs(np.asarray(q50, dtype="float64")), CAP_SCALE_CENTS)


def _capped_half(stretch: float, half: np.ndarray, cap: float, q50: np.ndarray) -> np.ndarray:
    """The high half stretched `stretch` times, but past the model's own half no further than CAP_ROOM * `cap`
    middles: a miss of a narrow band (a big purchase before the model knew of any) must not stretch a band that
    is wide because the model now expects big purchases by the same factor."""
    if not np.isfinite(cap):
        return stretch * half
    return np.minimum(stretch * half, np.maximum(CAP_ROOM * cap * _middle(q50), half))


def _trust(q10: np.ndarray, q50: np.ndarray, q90: np.ndarray) -> np.ndarray:
    """1 for a band of some width, toward 0 for one the model holds (near) certain: that one is not moved."""
    width = _halves(q10, q50, q90)[2]
    return np.clip((np.asarray(q90, dtype="float64") - np.asarray(q10, dtype="float64")) / width, 0.0, 1.0)


def _move(blend: float, q50: np.ndarray | float, hint: np.ndarray | float | None) -> np.ndarray:
    if hint is None or blend == 0.0:
        return np.zeros_like(np.asarray(q50, dtype="float64"))
    h = np.asarray(hint, dtype="float64")
    return np.where(np.isnan(h), 0.0, blend * (np.nan_to_num(h) - np.asarray(q50, dtype="float64")))


def _stack(
    blend: float, x: np.ndarray, q10: np.ndarray, q50: np.ndarray, q90: np.ndarray,
    hint: np.ndarray | float | None, trust: np.ndarray, stack: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`x` and the band moved `blend` of the way toward the hint; with `stack` each value, not only the middle:
    (1 - blend) * x + blend * hint, the quantile average of the model and a point baseline (where the hint is known)."""
    x, q10, q50, q90 = (np.asarray(v, dtype="float64") for v in (x, q10, q50, q90))
    move = _move(blend, q50, hint) * trust
    keep: np.ndarray | float = 1.0
    if stack and hint is not None and blend:
        keep = np.where(np.isnan(np.asarray(hint, dtype="float64")), 1.0, 1.0 - blend * trust)
    centre = q50 + move
    return tuple(centre + keep * (v - q50) for v in (x, q10, q50, q90))  # type: ignore[return-value]


def _halves(q10: np.ndarray, q50: np.ndarray, q90: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q10, q50, q90 = (np.asarray(v, dtype="float64") for v in (q10, q50, q90))
    floor = np.maximum(MIN_HALF_CENTS, MIN_HALF_SHARE * np.abs(q50))
    lo_half = np.maximum(q50 - q10, floor)
    hi_half = np.maximum(q90 - q50, floor)
    return lo_half, hi_half, lo_half + hi_half


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def fit(
    q10: np.ndarray, q50: np.ndarray, q90: np.ndarray, actual: np.ndarray, prior: Calibration | None = None,
    hint: np.ndarray | None = None,
) -> Calibration:
    """Learn the re-shaping; with CHOOSE the user's past picks the stacked or the move-only blend (see `_fit`).

    Without a prior (the pooled fit) both are fitted and the one whose calibrated band had the lower pinball
    loss on the past projections wins; a fit shrunk toward a prior keeps the prior's choice.
    """
    if prior is not None or hint is None or not CHOOSE or len(actual) < CHOOSE_MIN:
        return _fit(q10, q50, q90, actual, prior, hint, prior is not None and prior.stack)
    move = _fit(q10, q50, q90, actual, None, hint, False)
    stacked = _fit(q10, q50, q90, actual, None, hint, True)
    loss = [_calibrated_loss(c, q10, q50, q90, actual, hint) for c in (move, stacked)]
    return stacked if loss[1] < loss[0] * (1.0 - CHOOSE_MARGIN) else move


def _calibrated_loss(cal: Calibration, q10: np.ndarray, q50: np.ndarray, q90: np.ndarray, actual: np.ndarray,
                     hint: np.ndarray) -> float:
    """The past projections' pinball loss (newest counting most) with their bands re-shaped by `cal`."""
    actual = np.asarray(actual, dtype="float64")
    n = len(actual)
    w = 0.5 ** ((n - 1 - np.arange(n)) / HALF_LIFE)
    return _pinball(w, actual, np.stack([cal.apply(v, q10, q50, q90, hint) for v in (q10, q50, q90)], axis=-1))


def _fit(
    q10: np.ndarray, q50: np.ndarray, q90: np.ndarray, actual: np.ndarray, prior: Calibration | None,
    hint: np.ndarray | None, stack: bool,
) -> Calibration:
    """Learn the re-shaping from past bands (the model's own, not calibrated) and what really happened.

    All arrays are the future part of each past projection (what was still to come when it was made),
    oldest first; the newest count most (HALF_LIFE). `prior`: what to shrink toward (the model's own band).
    """
    prior = prior or Calibration()
    actual = np.asarray(actual, dtype="float64")
    n = len(actual)
    if n == 0:
        return prior
    lo_half, hi_half, width = _halves(q10, q50, q90)
    trust = _trust(q10, q50, q90)  # as `apply` does: a band the model held certain is not moved
    q50 = np.asarray(q50, dtype="float64")
    w = 0.5 ** ((n - 1 - np.arange(n)) / HALF_LIFE)
    weight = float(w.sum())
    k = PRIOR_WEIGHT

    def shrink(value: float, prior: float) -> float:
        return (weight * value + k * prior) / (weight + k)

    blend = 0.0
    q10, q90 = (np.asarray(v, dtype="float64") for v in (q10, q90))
    if hint is not None and BLEND_STEPS:
        # The blend with the least loss on the past projections, shrunk toward none.
        grid = np.linspace(0.0, 1.0, BLEND_STEPS + 1)
        errors = [_blend_loss(b, q10, q50, q90, actual, hint, trust, w, stack) for b in grid]
        kb = STACK_PRIOR if stack else k
        blend = (weight * float(grid[int(np.argmin(errors))]) + kb * prior.blend) / (weight + kb)
        _, q10, q50, q90 = _stack(blend, q50, q10, q50, q90, hint, trust, stack)
        if stack:  # the moved band is scored against its own halves (the move-only one: the model's, as always)
            lo_half, hi_half, width = _halves(q10, q50, q90)
    # Each score weighs as much as the band it was scored against (WEIGHT_POWER): the weighted
    # quantile of the scores is then the stretch with the least pinball loss on the past projections (power 1),
    # so one rare big purchase after a calm window does not stretch every later band, wide ones too.
    sw = w * width**WEIGHT_POWER
    shift = float(np.clip(shrink(_weighted_quantile((actual - q50) / width, sw, 0.5), prior.shift), *SHIFT_RANGE))
    centre = q50 + shift * width * trust
    # The split-conformal finite-sample level: a few past errors understate how far a tail reaches.
    tail = min(TAIL * (1.0 + (FINITE_STACK if stack else FINITE) / weight), 1.0)
    hi = _weighted_quantile((actual - centre) / hi_half, w * hi_half**WEIGHT_POWER, tail)
    lo = _weighted_quantile((centre - actual) / lo_half, w * lo_half**WEIGHT_POWER, tail)
    hi_cap = float("inf")
    if CAP:  # the same high tail in middles (`_capped_half`), shrunk toward the prior's when it has one
        hi_cap = _weighted_quantile((actual - centre) / _middle(q50), w, tail)
        hi_cap = shrink(hi_cap, prior.hi_cap) if np.isfinite(prior.hi_cap) else hi_cap
    # A stretch is how far a 10% tail reaches, in halves of the model's band; 1 is the model as it is.
    # Tails the past never reached (a negative quantile) still keep a sliver of band.
    return Calibration(
        shift=shift,
        lo=float(np.clip(shrink(lo, prior.lo), *STRETCH_RANGE)),
        hi=float(np.clip(shrink(hi, prior.hi), *STRETCH_RANGE)),
        n=n + prior.n,
        blend=blend,
        stack=stack,
        hi_cap=hi_cap,
    )


def _blend_loss(blend: float, q10: np.ndarray, q50: np.ndarray, q90: np.ndarray, actual: np.ndarray,
                hint: np.ndarray, trust: np.ndarray, w: np.ndarray, stack: bool) -> float:
    """Past projections' weighted loss with this blend: a stacked band's pinball loss, else the moved median's error."""
    _, s10, s50, s90 = _stack(blend, q50, q10, q50, q90, hint, trust, stack)
    if not stack:
        return float((w * np.abs(actual - s50)).sum())
    return _pinball(w, actual, np.stack([s10, s50, s90], axis=-1))


def _pinball(w: np.ndarray, actual: np.ndarray, q: np.ndarray) -> float:
    """Weighted pinball loss of the p10/p50/p90 in the last axis of `q` against `actual`."""
    diff = actual[:, None] - q
    return float((w * np.maximum(LEVELS * diff, (LEVELS - 1) * diff).sum(axis=1)).sum())


def trusted(cal: Calibration, raw: np.ndarray, full: np.ndarray, actual: np.ndarray) -> Calibration:
    """`cal` with the share of its re-shaping (`weight`) that the user's own ended projections earned.

    `raw` and `full` (rows x p10/p50/p90, oldest first) are the model's own band and the fully re-shaped
    band each past projection was given from what was known on its day: out of sample, each was calibrated
    only on projections whose period had ended before it. The weight w averages them quantile by quantile,
    (1 - w) * raw + w * full, with the least pinball loss on them (newest counting most), among the w whose
    band held the truth at least as often as the full re-shaping's, shrunk toward 1 (TRUST_PRIOR). It is
    only chosen below 1 when the model's own band held the truth at least TRUST_RAW_COVER of the time: a
    spender of rare big purchases whose re-shaping chased them (a tail stretched by one, a middle pulled
    toward last period's) gets back toward the model's band; a drifting or irregular one keeps all of it.
    """
    n = len(actual)
    if not TRUST_STEPS or n == 0 or cal.identity:
        return cal
    actual = np.asarray(actual, dtype="float64")
    w = 0.5 ** ((n - 1 - np.arange(n)) / HALF_LIFE)
    total = float(w.sum())
    if float(((raw[:, 0] <= actual) & (actual <= raw[:, 2])) @ w) < TRUST_RAW_COVER * total:
        return cal
    grid = np.linspace(0.0, 1.0, TRUST_STEPS + 1)
    mixed = (1.0 - grid[:, None, None]) * raw[None] + grid[:, None, None] * full[None]  # grid x rows x levels
    diff = actual[None, :, None] - mixed
    loss = (w[None, :, None] * np.maximum(LEVELS * diff, (LEVELS - 1.0) * diff)).sum(axis=(1, 2))
    cover = ((mixed[:, :, 0] <= actual) & (actual <= mixed[:, :, 2])) @ w
    loss[cover < cover[-1]] = np.inf  # never a band that held the truth less often than the full re-shaping's
    best = float(grid[int(np.argmin(loss))])
    return replace(cal, weight=(total * best + TRUST_PRIOR) / (total + TRUST_PRIOR))
