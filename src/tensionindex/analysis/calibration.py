"""Calibration: fit the weights so that one dyad's index tracks a reference series.

The tension is exactly linear in the event-type weights, T = A w (A holds the
per-unit tension of each type on each date, from :meth:`ScoredEvents.grouped`),
and in the category multipliers likewise.  Fitting the tension is therefore a
bounded linear least-squares problem, solved exactly; fitting the stability,
S = 100 / (1 + exp(T / scale)), is a bounded non-linear one.  Either way the
index is computed once per half-life tried, whatever the number of
regularisation strengths, iterations and cross-validation folds, from events
scored once (:func:`tensionindex.score`).

Two choices are made by time-ordered cross-validation: the strength of the
pull towards the starting weights (``regularization="cv"``, the default) and,
on request, the half-life (``half_lives="grid"``, a profile).  The logistic
scale is not fitted but held: multiplying every weight and the scale by the
same factor leaves the stability unchanged.  See docs/calibration.md for the
method, the warnings and the limits.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import pandas as pd

from tensionindex.catalogue import normalize_event_type
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.engine import stability_from_tension
from tensionindex.exceptions import (
    CalibrationWarning,
    EventValidationError,
    InvalidParameterError,
    did_you_mean,
)
from tensionindex.params import (
    Constraint,
    DateLike,
    Dyads,
    Instance,
    Interval,
    Options,
    invalid,
    validate_params,
)
from tensionindex.scored import FREQUENCIES, ScoredEvents, as_scored

__all__ = [
    "CALIBRATE_PARAMETERS",
    "HALF_LIFE_GRID",
    "REGULARIZATION_GRID",
    "CalibrationReport",
    "calibrate",
]

Fit: TypeAlias = Literal["weights", "categories"]
FitOn: TypeAlias = Literal["stability", "tension"]
Freq: TypeAlias = Literal["D", "W", "MS", "QS", "YS"]
FITS: tuple[Fit, ...] = ("weights", "categories")
FIT_ON: tuple[FitOn, ...] = ("stability", "tension")
FREQS: tuple[Freq, ...] = ("D", "W", "MS", "QS", "YS")

Bounds: TypeAlias = tuple[float, float] | Mapping[str, tuple[float, float]]
Regularization: TypeAlias = float | Literal["cv"] | Sequence[float]
HalfLives: TypeAlias = Literal["grid"] | Sequence[float]

#: The strengths ``regularization="cv"`` tries: decades from "the data decide" to "barely move".
REGULARIZATION_GRID: tuple[float, ...] = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)
#: The half-lives in days ``half_lives="grid"`` tries, with the configuration's own.
HALF_LIFE_GRID: tuple[float, ...] = (7.0, 10.0, 14.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0)
#: The period-mean comparison must cut the error to this share of the daily one to warn.
PERIOD_MARGIN = 0.9
#: It must also cut it by more than this many stability points (on the tension 0.002 * scale,
#: the same where the logistic is steepest): a saturated or exactly fitted target shows none.
PERIOD_FLOOR = 0.05
#: Most evaluations of each optimiser run of that period-mean comparison.
PERIOD_CHECK_EVALUATIONS = 100
# Candidates within this relative distance of the best cross-validated error tie.
_TIE = 1e-6

_PERIOD_NAMES: dict[str, str] = {"W": "week", "MS": "month", "QS": "quarter", "YS": "year"}
_PERIOD_ADJECTIVES: dict[str, str] = {
    "W": "weekly",
    "MS": "monthly",
    "QS": "quarterly",
    "YS": "yearly",
}


@dataclass(frozen=True, eq=False)
class CalibrationReport:
    """What :func:`calibrate` did and how well the result fits.

    Attributes
    ----------
    dyad : str
        The dyad fitted.
    fit : {"weights", "categories"}
        Whether event-type weights or category multipliers were fitted.
    on : {"stability", "tension"}
        Which series was fitted to the target.
    freq : {"D", "W", "MS", "QS", "YS"}
        What each target value was compared with: the index on its day
        (``"D"``), or the mean of the index over its week, month, quarter or
        year (``tension_mean``/``stability_mean`` of ``index(freq=...)``).
    n_dates : int
        Number of target dates used.
    regularization : float
        The regularisation strength of the fit: chosen by cross-validation
        (see ``cv_curve``) or as given.
    half_life : float
        The half-life in days of the fitted configuration: chosen by the
        profile (see ``half_life_profile``) or the starting one; NaN for
        kernels other than the exponential.
    scale : float
        The logistic scale, held fixed during the fit.  With ``on="stability"``
        the weights and the scale are not separately identified (multiplying
        both by c leaves the stability unchanged), so the fit estimates the
        weights *at this scale*; a fitted configuration that started from
        ``scale="auto"`` gets this number as its scale.
    rmse_before, rmse_after : float
        Root-mean-square difference between the index and the target on the
        target's dates, with the starting and with the fitted configuration.
    correlation_before, correlation_after : float
        Pearson correlation of the index with the target (NaN if either is
        constant).
    changes : pandas.DataFrame
        One row per parameter (event type, or category) of the dyad, sorted by
        absolute change, largest first: ``parameter``, ``label`` and
        ``category`` (for event types), ``before``, ``after``, ``change``,
        ``lower`` and ``upper`` (the bounds it was fitted within) and
        ``status``: ``"fitted"``, ``"at bound"`` (fitted, and stopped at a
        bound, e.g. a sign constraint), ``"fixed"`` (equal bounds) or
        ``"no data"`` (its events never reach the index on the target's
        dates: left as it was).
    folds : pandas.DataFrame
        Rolling-origin cross-validation of the chosen fit, one row per fold:
        ``fold``, ``train_start``, ``train_end``, ``test_start``,
        ``test_end``, ``n_train``, ``n_test``, ``rmse_before`` (starting
        configuration on the test dates) and ``rmse_after`` (fitted with the
        chosen strength and half-life on the training dates only, scored on
        the test dates).  Empty when ``folds=0``.
    cv_curve : pandas.DataFrame
        Every candidate tried: ``half_life``, ``regularization``, ``cv_rmse``
        (mean test RMSE over the folds) and ``chosen``.  Empty when
        ``folds=0``.
    half_life_profile : pandas.DataFrame
        With ``half_lives``, one row per half-life: ``half_life``,
        ``regularization`` (the best strength at that half-life),
        ``cv_rmse``, ``rmse`` (fitted on every target date) and ``chosen``.
        Empty otherwise.
    series : pandas.DataFrame
        ``date``, ``target``, ``before`` and ``after``: the target and the
        index it was compared with, before and after.
    converged : bool
        Whether the optimiser reported success.
    message : str
        The optimiser's message.
    fingerprint_before, fingerprint_after : str
        Fingerprints of the starting and of the fitted configuration.
    warnings : tuple of str
        The messages of the :class:`~tensionindex.exceptions.CalibrationWarning`
        given by this calibration (empty when there were none).
    """

    dyad: str
    fit: Fit
    on: FitOn
    freq: Freq
    n_dates: int
    regularization: float
    half_life: float
    scale: float
    rmse_before: float
    rmse_after: float
    correlation_before: float
    correlation_after: float
    changes: pd.DataFrame
    folds: pd.DataFrame
    cv_curve: pd.DataFrame
    half_life_profile: pd.DataFrame
    series: pd.DataFrame
    converged: bool
    message: str
    fingerprint_before: str
    fingerprint_after: str
    warnings: tuple[str, ...] = ()

    @property
    def cv_rmse(self) -> float:
        """Mean test RMSE of the fitted parameters over the folds (NaN without folds)."""
        if self.folds.empty:
            return math.nan
        return float(self.folds["rmse_after"].to_numpy(float).mean())

    @property
    def cv_rmse_before(self) -> float:
        """Mean test RMSE of the starting configuration over the same folds."""
        if self.folds.empty:
            return math.nan
        return float(self.folds["rmse_before"].to_numpy(float).mean())

    def to_dict(self) -> dict[str, Any]:
        """The report as plain, JSON-serialisable Python values (dates as ISO text).

        Examples
        --------
        >>> import json
        >>> import pandas as pd
        >>> import tensionindex as ti
        >>> scored = ti.score([
        ...     {"date": d, "actor1": "CHN", "actor2": "PHL", "event_type": t}
        ...     for d, t in [("2024-03-01", "water_cannon"), ("2024-03-10", "protest_lodged"),
        ...                  ("2024-03-15", "water_cannon"), ("2024-04-01", "protest_lodged")]
        ... ])
        >>> target = pd.Series([30.0, 28.0, 35.0], index=pd.to_datetime(
        ...     ["2024-03-05", "2024-03-20", "2024-04-01"]), name="expert")
        >>> _, report = ti.calibrate(scored, target, folds=1)
        >>> data = json.loads(json.dumps(report.to_dict()))
        >>> data["dyad"], data["n_dates"], data["folds"][0]["test_start"]
        ('CHN-PHL', 3, '2024-04-01')
        >>> from tensionindex.analysis.calibration import REGULARIZATION_GRID
        >>> len(data["cv_curve"]), data["regularization"] in REGULARIZATION_GRID
        (6, True)
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                out[f.name] = _records(value)
            elif isinstance(value, tuple):
                out[f.name] = [_plain(v) for v in value]
            else:
                out[f.name] = _plain(value)
        out["cv_rmse"] = _plain(self.cv_rmse)
        out["cv_rmse_before"] = _plain(self.cv_rmse_before)
        return out

    def __repr__(self) -> str:
        moved = self.changes.head(3)
        top = ", ".join(
            f"{p} {b:+.3g} -> {a:+.3g}"
            for p, b, a in zip(moved["parameter"], moved["before"], moved["after"], strict=True)
        )
        return (
            f"CalibrationReport(dyad={self.dyad!r}, fit={self.fit!r}, on={self.on!r}, "
            f"freq={self.freq!r}, n_dates={self.n_dates}, "
            f"regularization={self.regularization:g}, half_life={self.half_life:g}, "
            f"scale={self.scale:.4g} (held fixed), "
            f"rmse {self.rmse_before:.4g} -> {self.rmse_after:.4g}, "
            f"correlation {self.correlation_before:.3f} -> {self.correlation_after:.3f}, "
            f"cv_rmse {self.cv_rmse_before:.4g} -> {self.cv_rmse:.4g}; moved most: {top}"
            f"{'; ' + str(len(self.warnings)) + ' warning(s)' if self.warnings else ''})"
        )


def _plain(value: object) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


# -- validation --------------------------------------------------------------


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _is_pair(value: object) -> bool:
    """A ``(low, high)`` pair of numbers (not NaN) with ``low <= high``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 2:
        return False
    low, high = value
    if not (_is_real(low) and _is_real(high)):
        return False
    return not (math.isnan(float(low)) or math.isnan(float(high))) and float(low) <= float(high)


@dataclass(frozen=True)
class BoundsSpec(Constraint):
    """A ``(low, high)`` pair, or a mapping from names to pairs (each checked when applied).

    Examples
    --------
    >>> spec = BoundsSpec()
    >>> spec.accepts((-10, 10)), spec.accepts({"demand": (0, 8)}), spec.accepts((5, 1))
    (True, True, False)
    """

    def accepts(self, value: object) -> bool:
        if value is None:
            return True
        if isinstance(value, Mapping):
            return all(isinstance(key, str) for key in value)
        return _is_pair(value)

    def describe(self) -> str:
        return "a (low, high) pair of numbers with low <= high, or a mapping of names to pairs"

    def invalid_example(self) -> object:
        return (5, 1)


@dataclass(frozen=True)
class Target(Instance):
    """A pandas Series; a DataFrame gets the hint to pick one column."""

    def hint(self, value: object) -> str:
        if isinstance(value, pd.DataFrame):
            return " Select one column, e.g. frame['score']."
        return ""


def _is_grid(value: object, *, positive: bool) -> bool:
    """A non-empty list (tuple, array) of finite numbers, > 0 or >= 0."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence | np.ndarray):
        return False
    items = (
        list(np.asarray(value, dtype=object).ravel())
        if isinstance(value, np.ndarray)
        else list(value)
    )
    if not items or not all(_is_real(v) and math.isfinite(float(v)) for v in items):
        return False
    return all(float(v) > 0 if positive else float(v) >= 0 for v in items)


@dataclass(frozen=True)
class RegularizationSpec(Constraint):
    """``"cv"``, a finite number >= 0, or a non-empty list of them (the grid to cross-validate).

    Examples
    --------
    >>> spec = RegularizationSpec()
    >>> spec.accepts("cv"), spec.accepts(1e-3), spec.accepts([0.1, 1]), spec.accepts(-1)
    (True, True, True, False)
    """

    def accepts(self, value: object) -> bool:
        if isinstance(value, str):
            return value == "cv"
        if _is_real(value):
            return math.isfinite(float(cast(float, value))) and float(cast(float, value)) >= 0
        return _is_grid(value, positive=False)

    def describe(self) -> str:
        return "'cv', a finite number >= 0, or a non-empty list of such numbers"

    def invalid_example(self) -> object:
        return -1

    def hint(self, value: object) -> str:
        return did_you_mean(value.lower(), ("cv",)) if isinstance(value, str) else ""


@dataclass(frozen=True)
class HalfLivesSpec(Constraint):
    """``None``, ``"grid"``, or a non-empty list of half-lives in days (> 0).

    Examples
    --------
    >>> spec = HalfLivesSpec()
    >>> spec.accepts(None), spec.accepts("grid"), spec.accepts([14, 30]), spec.accepts([0])
    (True, True, True, False)
    """

    def accepts(self, value: object) -> bool:
        if value is None:
            return True
        if isinstance(value, str):
            return value == "grid"
        return _is_grid(value, positive=True)

    def describe(self) -> str:
        return "None, 'grid' or a non-empty list of half-lives in days, each > 0"

    def invalid_example(self) -> object:
        return [0]

    def hint(self, value: object) -> str:
        return did_you_mean(value.lower(), ("grid",)) if isinstance(value, str) else ""


#: The parameters of :func:`calibrate` and what each accepts.
CALIBRATE_PARAMETERS: dict[str, list[Constraint]] = {
    "target": [
        Target(
            (pd.Series,),
            "a pandas Series of reference values indexed by date (e.g. monthly expert scores)",
        )
    ],
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "fit": [Options(FITS)],
    "dyad": [Dyads(several=False)],
    "on": [Options(FIT_ON)],
    "freq": [Options(FREQS), Instance((None,), "None")],
    "bounds": [BoundsSpec()],
    "regularization": [RegularizationSpec()],
    "half_lives": [HalfLivesSpec()],
    "folds": [Interval(int, 0, None)],
}


def _target(target: pd.Series, on: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Days (int64 since 1970, sorted, unique) and values of the (declared) reference series."""
    if len(target) == 0:
        raise EventValidationError("The target series is empty: calibrate needs at least one date.")
    index = target.index
    if not isinstance(index, pd.DatetimeIndex):
        if pd.api.types.is_numeric_dtype(index.dtype) or pd.api.types.is_bool_dtype(index.dtype):
            raise EventValidationError(
                "The target series must be indexed by dates. Got an index of "
                f"{index.dtype} values (first {index[0]!r}); set the dates as its index, "
                "e.g. target.index = pd.to_datetime(dates)."
            )
        parsed = []
        for position, value in enumerate(index):
            try:
                stamp = pd.Timestamp(value)
            except (ValueError, TypeError, OverflowError):
                stamp = None
            if stamp is None or pd.isna(stamp):
                raise EventValidationError(
                    f"The target series must be indexed by dates; its index value {value!r} "
                    f"(position {position}) is not a date. Expected dates such as '2024-03-31'."
                )
            if stamp.tzinfo is not None:
                stamp = stamp.tz_convert("UTC").tz_localize(None)
            parsed.append(stamp)
        index = pd.DatetimeIndex(parsed)
    elif index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    if index.hasnans:
        position = int(np.flatnonzero(index.isna())[0])
        raise EventValidationError(
            f"The target series has a missing date (NaT) at position {position}; drop it first."
        )
    index = index.normalize()
    if pd.api.types.is_bool_dtype(target.dtype):
        raise EventValidationError(
            "The target series must hold numbers (reference scores). Got booleans instead."
        )
    values = pd.to_numeric(target, errors="coerce").to_numpy(dtype=float)
    given = target.notna().to_numpy()
    text = np.flatnonzero(given & np.isnan(values))
    if len(text):
        i = int(text[0])
        raise EventValidationError(
            f"The target series must hold numbers; its value on {index[i]:%Y-%m-%d} is "
            f"{target.iloc[i]!r}. Convert it first, e.g. pd.to_numeric(target)."
        )
    missing = np.flatnonzero(~np.isfinite(values))
    if len(missing):
        i = int(missing[0])
        raise EventValidationError(
            f"The target series has no finite value on {index[i]:%Y-%m-%d} "
            f"(got {float(values[i])!r}); "
            "drop or fill the missing dates first, e.g. target.dropna()."
        )
    days = index.to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.argsort(days, kind="stable")
    days, values = days[order], values[order]
    repeated = np.flatnonzero(np.diff(days) == 0)
    if len(repeated):
        day = np.datetime64(int(days[repeated[0]]), "D")
        raise EventValidationError(
            f"The target series has more than one value for {day}; the index is sampled once "
            "a day. Keep one value per date, e.g. target.groupby(level=0).mean()."
        )
    if on == "stability":
        outside = np.flatnonzero((values < 0) | (values > 100))
        if len(outside):
            i = int(outside[0])
            raise EventValidationError(
                f"With on='stability' the target must be on the stability scale, 0 to 100; its "
                f"value on {np.datetime64(int(days[i]), 'D')} is {values[i]:g}. Rescale the "
                "scores to 0..100 (100 = most stable) or fit on='tension'."
            )
    name = "" if target.name is None else str(target.name)
    return days, values, name


def _pair(name: str, value: object) -> tuple[float, float]:
    """One entry of a ``bounds`` mapping, as ``(low, high)``; the error names its key."""
    if not _is_pair(value):
        raise invalid("calibrate", name, "a (low, high) pair of numbers with low <= high", value)
    low, high = cast(tuple[float, float], value)
    return float(low), float(high)


# -- the problem ---------------------------------------------------------------


def _compared_days(
    days: np.ndarray, freq: str, first: int, last: int
) -> tuple[np.ndarray, np.ndarray]:
    """The days of the index each target date is compared with: (days, owner row).

    ``"D"``: the date itself.  A period: every day of the date's period that lies
    on the index's grid, ``first`` to ``last`` (as ``index(freq=...)`` averages).
    """
    n = len(days)
    if freq == "D":
        outside = np.flatnonzero((days < first) | (days > last))
        if len(outside):
            lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
            raise EventValidationError(
                f"The target's dates must lie within the index's range, {lo} to {hi} (the "
                f"first and last event); it has {np.datetime64(int(days[outside[0]]), 'D')}. "
                f"Keep the dates inside, e.g. target.loc['{lo}':'{hi}']."
            )
        return days.copy(), np.arange(n)
    periods = pd.DatetimeIndex(days.astype("datetime64[D]")).to_period(FREQUENCIES[freq])
    starts = periods.start_time.to_numpy().astype("datetime64[D]").astype(np.int64)
    ends = periods.end_time.to_numpy().astype("datetime64[D]").astype(np.int64)
    same = np.flatnonzero(starts[1:] == starts[:-1])
    if len(same):
        i = int(same[0])
        raise EventValidationError(
            f"With freq={freq!r} the target must have one value per {_PERIOD_NAMES[freq]}; it "
            f"has two for the {_PERIOD_NAMES[freq]} of {periods[i]}: "
            f"{np.datetime64(int(days[i]), 'D')} and {np.datetime64(int(days[i + 1]), 'D')}. "
            f"Keep one value per {_PERIOD_NAMES[freq]}, or compare on the days with freq='D'."
        )
    low, high = np.maximum(starts, first), np.minimum(ends, last)
    empty = np.flatnonzero(low > high)
    if len(empty):
        i = int(empty[0])
        lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
        raise EventValidationError(
            f"The target's {_PERIOD_NAMES[freq]}s must overlap the index's range, {lo} to {hi} "
            f"(the first and last event); it has {np.datetime64(int(days[i]), 'D')}, whose "
            f"{_PERIOD_NAMES[freq]} {periods[i]} lies outside. Keep the dates inside, e.g. "
            f"target.loc['{lo}':'{hi}']."
        )
    counts = high - low + 1
    owner = np.repeat(np.arange(n), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(low, counts) + offsets, owner


def _period_dating(days: np.ndarray) -> tuple[str, str] | None:
    """The period the target's dates look like labels of, and how: ("MS", "month ends").

    Only regular series of at least three dates all on the first (or all on the
    last) day of a week (Monday; Sunday), month, quarter or year qualify.
    """
    if len(days) < 3:
        return None
    dates = pd.DatetimeIndex(days.astype("datetime64[D]"))
    typical = float(np.median(np.diff(days)))
    checks = [
        ("YS", 365 <= typical <= 366, dates.is_year_start, dates.is_year_end),
        ("QS", 89 <= typical <= 92, dates.is_quarter_start, dates.is_quarter_end),
        ("MS", 28 <= typical <= 31, dates.is_month_start, dates.is_month_end),
        ("W", typical == 7, dates.day_of_week == 0, dates.day_of_week == 6),
    ]
    for freq, spaced, starts, ends in checks:
        if spaced and np.all(starts):
            return freq, f"{_PERIOD_NAMES[freq]} starts"
        if spaced and np.all(ends):
            return freq, f"{_PERIOD_NAMES[freq]} ends"
    return None


@dataclass(frozen=True)
class _Rows:
    """Some target dates of a problem: their compared days and how to average over them."""

    basis: np.ndarray  # (m, p): per-unit tension on each compared day
    firsts: np.ndarray  # (n,): where each target date's days start in ``basis``
    counts: np.ndarray  # (n,): how many days each target date is compared with
    target: np.ndarray  # (n,)
    daily: bool  # one day per date: no averaging

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Per target date, the mean of ``values`` (one per compared day, or rows of them)."""
        if self.daily:
            return values
        total = np.add.reduceat(values, self.firsts, axis=0)
        counts = self.counts if values.ndim == 1 else self.counts[:, None]
        return np.asarray(total / counts, dtype=float)


@dataclass(frozen=True)
class _Problem:
    """Everything the fits share: T = basis @ theta on the compared days."""

    names: tuple[str, ...]
    basis: np.ndarray  # (n_days, n_params): per-unit tension on each compared day
    owner: np.ndarray  # (n_days,): the target date (row) each compared day belongs to
    start: np.ndarray  # starting values (the configuration's), regularised towards
    lower: np.ndarray
    upper: np.ndarray
    size: np.ndarray  # size of a parameter: a change of this much costs lambda * var / p
    target: np.ndarray
    on: str
    logistic_scale: float

    def rows(self, rows: np.ndarray | None = None) -> _Rows:
        if rows is None:
            rows = np.arange(len(self.target))
        daily = len(self.owner) == len(self.target)
        if daily:
            return _Rows(self.basis[rows], rows, np.ones(len(rows)), self.target[rows], True)
        taken = np.isin(self.owner, rows)
        owner = self.owner[taken]
        firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        counts = np.diff(np.r_[firsts, len(owner)]).astype(float)
        return _Rows(self.basis[taken], firsts, counts, self.target[rows], False)

    def index(self, theta: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """The compared index (tension or stability, on the day or averaged) for ``theta``."""
        part = self.rows(rows)
        tension = part.basis @ theta
        if self.on == "tension":
            return part.mean(np.asarray(tension, dtype=float))
        return part.mean(stability_from_tension(tension, self.logistic_scale))


def _default_bounds(fit: str, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if fit == "categories":
        return np.zeros_like(start), np.full_like(start, np.inf)
    lower = np.where(start > 0, 0.0, np.where(start < 0, -np.inf, 0.0))
    upper = np.where(start < 0, 0.0, np.where(start > 0, np.inf, 0.0))
    return lower, upper


def _apply_bounds(
    bounds: object, fit: str, names: tuple[str, ...], lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if bounds is None:
        return lower, upper
    lower, upper = lower.copy(), upper.copy()
    floor = 0.0 if fit == "categories" else -np.inf
    if isinstance(bounds, Mapping):
        for key, value in bounds.items():
            name = normalize_event_type(key) if fit == "weights" else key.strip()
            if name not in names:
                kind, kinds = (
                    ("an event type", "event types")
                    if fit == "weights"
                    else ("a category", "categories")
                )
                raise InvalidParameterError(
                    f"The 'bounds' parameter of calibrate names {key!r}, which is not {kind} "
                    "of the dyad's events."
                    + did_you_mean(name, names)
                    + f" The {kinds} are: {', '.join(names)}."
                )
            low, high = _pair(f"bounds[{key!r}]", value)
            if low < floor:
                raise invalid(
                    "calibrate", f"bounds[{key!r}]", "a pair with low >= 0 (multipliers)", value
                )
            i = names.index(name)
            lower[i], upper[i] = low, high  # replaces the sign constraint of this one
        return lower, upper
    low, high = _pair("bounds", bounds)
    if low < floor:
        raise invalid("calibrate", "bounds", "a pair with low >= 0 (category multipliers)", bounds)
    new_lower, new_upper = np.maximum(lower, low), np.minimum(upper, high)
    empty = np.flatnonzero(new_lower > new_upper)
    if len(empty):
        i = int(empty[0])
        raise InvalidParameterError(
            f"The 'bounds' parameter of calibrate, ({low:g}, {high:g}), leaves no allowed value "
            f"for {names[i]!r}, which must stay within [{lower[i]:g}, {upper[i]:g}] (its sign). "
            "Widen the bounds or give that parameter its own, e.g. "
            f"bounds={{{names[i]!r}: (low, high)}}."
        )
    return new_lower, new_upper


def _solve(
    problem: _Problem,
    rows: np.ndarray | None,
    regularization: float,
    *,
    evaluations: int | None = None,
) -> tuple[np.ndarray, bool, str]:
    """Fit the parameters on the target's dates ``rows``; return theta, success, message.

    Fixed parameters (equal bounds) take their bound; parameters whose events do
    not reach the index on these dates keep their starting value (within bounds).
    ``evaluations`` caps the optimiser's evaluations of the stability (default:
    scipy's).
    """
    from scipy.optimize import least_squares, lsq_linear  # 0.4 s to import: only when used

    part = problem.rows(rows)
    basis, y = part.basis, part.target
    theta = np.clip(problem.start, problem.lower, problem.upper)
    free = (problem.lower < problem.upper) & np.any(basis != 0, axis=0)
    if not free.any():
        return theta, True, "Nothing to fit: every parameter is fixed or has no data."
    n, p = len(y), int(free.sum())
    variance = float(np.var(y))
    # Penalty rows: sqrt(lambda * var(y) / p) * (theta - start) / size.
    rho = math.sqrt(regularization * (variance if variance > 0 else 1.0) / p) / problem.size[free]
    offset = basis[:, ~free] @ theta[~free]  # per compared day
    columns = basis[:, free]
    lower, upper, start = problem.lower[free], problem.upper[free], problem.start[free]
    root_n = math.sqrt(n)
    # The tension is linear: its mean over a period is the mean basis times theta.
    mean_columns, mean_offset = part.mean(columns), part.mean(offset)

    def linear(response: np.ndarray) -> Any:
        matrix = np.vstack([mean_columns / root_n, np.diag(rho)])
        rhs = np.concatenate([(response - mean_offset) / root_n, rho * start])
        return lsq_linear(matrix, rhs, bounds=(lower, upper), method="bvls", tol=1e-12)

    if problem.on == "tension":
        solution = linear(y)
        theta[free] = _snap(solution.x, lower, upper, problem.size[free])
        return theta, bool(solution.success), str(solution.message)

    scale = problem.logistic_scale

    def residuals(x: np.ndarray) -> np.ndarray:
        stability = part.mean(stability_from_tension(columns @ x + offset, scale))
        return np.concatenate([(stability - y) / root_n, rho * (x - start)])

    def jacobian(x: np.ndarray) -> np.ndarray:
        stability = stability_from_tension(columns @ x + offset, scale)
        slope = -stability * (100.0 - stability) / (100.0 * scale)  # dS/dT, per day
        return np.vstack([part.mean(columns * slope[:, None]) / root_n, np.diag(rho)])

    def run(x0: np.ndarray) -> Any:
        return least_squares(
            residuals,
            x0,
            jac=jacobian,
            bounds=(lower, upper),
            method="trf",
            x_scale="jac",
            ftol=1e-12,
            xtol=1e-12,
            gtol=1e-12,
            max_nfev=evaluations,
        )

    # Two starts: the configuration, and the linear fit to the target turned into
    # tension (T = scale * log(100 / S - 1)); the better optimum wins.  A capped run
    # (a check, not a fit) starts from the better of the two only.
    inside = np.clip(y, 1e-6, 100 - 1e-6)
    starts = [
        np.clip(start, lower, upper),
        np.clip(linear(scale * np.log(100.0 / inside - 1.0)).x, lower, upper),
    ]
    if evaluations is not None:
        starts = [min(starts, key=lambda x0: float(np.sum(residuals(x0) ** 2)))]
    best = run(starts[0])
    for x0 in starts[1:]:
        found = run(x0)
        if found.cost < best.cost:
            best = found
    theta[free] = _snap(best.x, lower, upper, problem.size[free])
    return theta, bool(best.success), str(best.message)


def _splits(n: int, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rolling origin: ``folds + 1`` consecutive blocks; fold i trains on 1..i, tests on i + 1."""
    if not folds:
        return []
    blocks = np.array_split(np.arange(n), folds + 1)
    return [(np.concatenate(blocks[:i]), blocks[i]) for i in range(1, len(blocks))]


def _fold_errors(
    problem: _Problem,
    splits: list[tuple[np.ndarray, np.ndarray]],
    regularization: float,
    *,
    evaluations: int | None = None,
) -> np.ndarray:
    """Test RMSE of each fold, the parameters fitted on its training dates only."""
    errors = []
    for train, test in splits:
        theta, _, _ = _solve(problem, train, regularization, evaluations=evaluations)
        errors.append(_rmse(problem.index(theta, test), problem.target[test]))
    return np.array(errors, dtype=float)


def _folds_frame(
    splits: list[tuple[np.ndarray, np.ndarray]],
    dates: pd.DatetimeIndex,
    before: np.ndarray,
    after: np.ndarray,
) -> pd.DataFrame:
    columns = [
        "fold",
        "train_start",
        "train_end",
        "test_start",
        "test_end",
        "n_train",
        "n_test",
        "rmse_before",
        "rmse_after",
    ]
    rows = [
        {
            "fold": fold,
            "train_start": dates[train[0]],
            "train_end": dates[train[-1]],
            "test_start": dates[test[0]],
            "test_end": dates[test[-1]],
            "n_train": len(train),
            "n_test": len(test),
            "rmse_before": float(b),
            "rmse_after": float(a),
        }
        for fold, ((train, test), b, a) in enumerate(zip(splits, before, after, strict=True), 1)
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if not rows:
        frame = frame.astype({"fold": np.int64, "n_train": np.int64, "n_test": np.int64})
    return frame


def _snap(x: np.ndarray, lower: np.ndarray, upper: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Clip to the bounds, and put values within rounding of a bound exactly on it.

    The optimisers stop a hair inside an active bound (9.999999999999998 for 10,
    -1e-38 for 0): a weight that the sign constraint stopped is then exactly 0.
    """
    x = np.clip(x, lower, upper)
    near = 1e-9 * size
    x = np.where(np.abs(x - lower) <= near, lower, x)
    x = np.where(np.abs(x - upper) <= near, upper, x)
    return np.asarray(x + 0.0, dtype=float)


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2))) if len(a) else math.nan


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2:
        return math.nan
    da, db = a - a.mean(), b - b.mean()
    denominator = math.sqrt(float(da @ da) * float(db @ db))
    return float(da @ db) / denominator if denominator > 0 else math.nan


def _one_dyad(scored: ScoredEvents, dyad: str | None) -> str:
    """The dyad to fit: ``dyad``, or the only dyad of the events."""
    if dyad is not None:
        return scored.label_of(dyad)
    labels = [str(label) for label in scored.labels]
    if len(labels) != 1:
        listed = ", ".join(labels[:10])
        more = " ..." if len(labels) > 10 else ""
        raise EventValidationError(
            f"calibrate fits one dyad, and the events hold {len(labels)} "
            f"({listed}{more}). Pass one of them, e.g. dyad={labels[0]!r}."
            if labels
            else "calibrate needs events: there are none."
        )
    return labels[0]


def _check_neutral(
    scored: object, config: IndexConfig | None, overrides: Mapping[str, Any]
) -> None:
    """Refuse a neutral other than "zero" from the configuration alone, before any work.

    The configuration in force is the one :func:`as_scored` would give the events
    (their own, or ``config``, with ``overrides``), found without scoring them.
    """
    base = scored.config if isinstance(scored, ScoredEvents) and config is None else config
    neutral = with_overrides(base, overrides).neutral
    if neutral == "zero":
        return
    baseline = {"dyad": "the dyad's other events", "source": "the other events of its source"}
    raise InvalidParameterError(
        f"calibrate needs neutral='zero'; the configuration in force has neutral={neutral!r}. "
        "The fit is linear in per-unit parts: the tension split into one part per event "
        "type, from that type's own events at weight 1, and these parts add up to the index "
        f"only around a zero neutral. Under neutral={neutral!r} each event counts from a "
        f"baseline made of {baseline.get(neutral, 'other events')}, so a type's weight moves "
        "the tension of events of other types too. "
        "Score with neutral='zero' and calibrate that: scored.with_config(neutral=\"zero\") "
        "keeps the validated events (for raw events, pass neutral='zero')."
    )


def _strengths(regularization: object) -> tuple[list[float], bool]:
    """The strengths to try, and whether cross-validation chooses among them."""
    if isinstance(regularization, str):
        return list(REGULARIZATION_GRID), True
    if _is_real(regularization):
        return [float(cast(float, regularization))], False
    return sorted({float(v) for v in cast(Iterable[float], regularization)}), True


def _choose(errors: Mapping[tuple[float, float], float], half_life: float) -> tuple[float, float]:
    """The (half-life, strength) of least error; ties go nearest the start, then to the pull."""
    least = min(errors.values())
    ties = [key for key, error in errors.items() if error <= least * (1 + _TIE) + 1e-12]
    return min(ties, key=lambda key: (abs(math.log(key[0] / half_life)), -key[1]))


@validate_params(CALIBRATE_PARAMETERS, name="calibrate")
def calibrate(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    target: pd.Series,
    config: IndexConfig | None = None,
    *,
    fit: Fit = "weights",
    dyad: str | None = None,
    on: FitOn = "stability",
    freq: Freq | None = None,
    bounds: Bounds | None = None,
    regularization: Regularization = "cv",
    half_lives: HalfLives | None = None,
    folds: int = 3,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> tuple[IndexConfig, CalibrationReport]:
    """Fit event-type weights (or category multipliers) so a dyad's index tracks a reference.

    Each target value y_t is compared with the index I_t: by default the
    index on the target's date t (a time of day is dropped); with ``freq``
    the mean of the index over the week, month, quarter or year containing
    t, as ``tension_mean``/``stability_mean`` of ``index(freq=...)``.  With
    parameters theta (the weights, or the multipliers) and starting values
    theta0 (the configuration's), the fit minimises

        (1/n) sum_t (I_t(theta) - y_t)^2
            + regularization * var(y) * (1/p) sum_k ((theta_k - theta0_k) / theta0_k)^2

    over the p parameters that are free, where I is the tension or the
    stability and n the number of target dates.  The penalty measures each
    change relative to the starting value: ``regularization=1`` makes moving
    every parameter by 100 % cost as much as missing the target by its
    standard deviation on every date.  (A parameter whose starting value is 0
    is measured against the root-mean-square of the others.)

    By default the strength is chosen by time-ordered cross-validation from
    :data:`REGULARIZATION_GRID` (1e-4 to 10), and with ``half_lives`` the
    half-life too, from a grid: for each candidate the parameters are fitted
    on the earlier target dates and scored on the later ones (see ``folds``),
    and the candidate of least mean test RMSE is fitted on every date.  On
    equal errors the half-life nearest the starting one and the strongest
    pull win.

    With ``on="stability"`` the logistic scale is held fixed at the one in
    force (computed once under ``scale="auto"``): multiplying every weight
    and the scale by the same factor gives the same stability, so the two are
    not separately identified and the weights are fitted at this scale.

    Constraints: a weight keeps the sign of its starting value (a cooperative
    type never gets a conflictual weight; it may reach 0); a weight that
    starts at 0 stays at 0; multipliers stay >= 0.  ``bounds`` narrows these
    or, per parameter, replaces them.  Parameters whose events never reach the
    index on the target's dates are left unchanged.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`tensionindex.score`; raw events are
        scored here.  Only the fitted dyad's events are read.
    target : pandas.Series
        Reference values indexed by date: on the stability scale (0..100,
        higher is more stable) with ``on="stability"``, in tension units with
        ``on="tension"``.  Every date (with ``freq``, every period) must
        overlap the index's range, the first to the last event, with one
        finite value per date (period).
    config : IndexConfig, optional
        The starting configuration, whose weights are the defaults the fit is
        regularised towards (default: the scored events').
    fit : {"weights", "categories"}, default "weights"
        Fit the weight of every event type of the dyad, or one multiplier per
        category (``category_multipliers``).
    dyad : str, optional
        The dyad to fit; may be omitted when the events hold only one.
    on : {"stability", "tension"}, default "stability"
        Fit the stability (bounded non-linear least squares,
        :func:`scipy.optimize.least_squares`) or the tension (linear:
        :func:`scipy.optimize.lsq_linear`, exact).
    freq : {"D", "W", "MS", "QS", "YS"}, optional
        What each target value is compared with.  ``"D"``: the index on its
        date.  ``"W"``, ``"MS"``, ``"QS"``, ``"YS"``: the mean of the daily
        index over the week (Monday to Sunday), month, quarter or year
        containing its date (any day of the period labels it), for targets
        that are period averages.  Default (None): on the date, and when the
        dates are all period starts or ends and the period mean fits clearly
        better, a :class:`~tensionindex.exceptions.CalibrationWarning`.
    bounds : (float, float) or mapping of str to (float, float), optional
        A ``(low, high)`` pair intersected with every parameter's sign
        constraint (e.g. ``(-10, 10)``, the Goldstein range), or a mapping from
        event types (categories) to their own ``(low, high)``, which replaces
        their constraint: ``{"demand": (0, 8)}`` frees a zero weight, equal
        bounds fix a value.
    regularization : "cv", float or list of float, default "cv"
        Strength of the pull towards the starting values (>= 0, unit-free; see
        above).  ``"cv"`` chooses it by cross-validation from
        :data:`REGULARIZATION_GRID`; a list is the grid to choose from; a
        number is used as it is (0 may leave the fit non-unique when there are
        fewer dates than parameters).
    half_lives : "grid" or list of float, optional
        Profile the half-life (days, exponential kernel): refit the parameters
        at each half-life of :data:`HALF_LIFE_GRID` (``"grid"``) or of the
        list, plus the configuration's own, and keep the one of least
        cross-validated error (jointly with the strength).  Default: keep the
        configuration's half-life.  Category half-lives are not varied.
    folds : int, default 3
        Rolling-origin cross-validation: the target's dates are cut into
        ``folds + 1`` consecutive blocks, and fold i is fitted on blocks 1..i
        and scored on block i + 1, so no fold sees later targets.  0 skips it
        (then give ``regularization`` as a number and no ``half_lives``).
    coverage : pandas.Series or collection of dates, optional
        Only with raw events, as in :func:`tensionindex.score` (the
        denominators of ``aggregation="share"``).
    **overrides
        Configuration fields to change for this call (kept in the result).

    Returns
    -------
    config : IndexConfig
        The starting configuration (with the overrides) with the fitted
        ``weights`` (or ``category_multipliers``) set, the chosen
        ``half_life`` (with ``half_lives``), the scale held fixed (when
        fitting the stability from ``scale="auto"``), and a ``name`` and
        ``description`` that record the calibration.
    report : CalibrationReport
        Fit before and after, the cross-validation, the candidates tried
        and the parameters that moved most.

    Raises
    ------
    InvalidParameterError
        If ``target`` is not a pandas Series; for invalid ``fit``, ``dyad``,
        ``on``, ``freq``, ``bounds``, ``regularization``, ``half_lives`` or
        ``folds``; for ``regularization="cv"`` (or a list) or ``half_lives``
        with ``folds=0``; for ``half_lives`` with a kernel other than the
        exponential; for a configuration with ``neutral`` other than
        ``"zero"`` (checked first: the fit needs each type's part of the
        tension, which adds up to the index only around a zero neutral).
    EventValidationError
        For invalid raw events or a dyad without events; for a target that is
        empty, not indexed by dates, not numeric, has a missing value or a
        repeated date (period), lies outside the index's range, or
        (``on="stability"``) outside 0..100; for too few dates for the folds.
    ConfigurationError
        For an invalid configuration.

    Warns
    -----
    CalibrationWarning
        When the fitted configuration's cross-validated RMSE is worse than the
        starting configuration's (the data do not support moving the
        weights); when ``freq`` is not given, the target's dates are all
        period starts or ends, and comparing with the period means cuts the
        error below ``PERIOD_MARGIN`` (0.9) times the daily comparison's, and by
        more than ``PERIOD_FLOOR`` (0.05) stability points (the target looks
        like period averages).  The messages are also in ``report.warnings``.

    See Also
    --------
    weight_influence : the exact derivatives the fit follows.
    sensitivity : how much the index depends on the weights.
    ScoredEvents.index : ``freq=`` gives the period means compared with ``freq``.

    Examples
    --------
    Fit the Goldstein weights of CHN-PHL to the index the PLOVER scale gives,
    read on the first day of each month (a stand-in for an expert series):

    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example())
    >>> plover = scored.with_config(ti.load_profile("plover")).index(dyads="CHN-PHL")
    >>> target = plover.set_index("date")["stability"]
    >>> target = target[target.index.is_month_start].loc["2023-03":]
    >>> fitted, report = ti.calibrate(scored, target, dyad="CHN-PHL", freq="D")
    >>> report.regularization, round(report.rmse_before, 2), round(report.rmse_after, 4)
    (0.0001, 1.65, 0.0003)
    >>> moved = report.changes.set_index("parameter")[["before", "after", "status"]]
    >>> moved.loc[["ramming", "water_cannon", "cooperation_pledged"]].round(2)
                         before  after   status
    parameter
    ramming                 9.2    7.0   fitted
    water_cannon            7.0    7.0   fitted
    cooperation_pledged    -3.0   -3.0  no data

    Cross-validation chose the weakest pull of the grid, and the PLOVER
    weights of ramming and water cannon (both 7) are recovered; the pledge
    of July 2024 comes after the last target date.  ``freq="D"`` says the
    values are readings on those days, not monthly averages.
    """
    # Before the target is read or the events scored: nothing of either would be used.
    _check_neutral(scored, config, overrides)
    strengths, choose = _strengths(regularization)
    if choose and folds == 0:
        raise InvalidParameterError(
            f"regularization={regularization!r} chooses the strength by cross-validation, "
            "which needs folds >= 1; got folds=0. Pass folds=3 (the default), or give the "
            "strength, e.g. regularization=1e-3."
        )
    if half_lives is not None and folds == 0:
        raise InvalidParameterError(
            "half_lives chooses the half-life by cross-validation, which needs folds >= 1; "
            "got folds=0. Pass folds=3 (the default), or set the half-life yourself, "
            "e.g. half_life=14."
        )
    days, y, target_name = _target(target, on)
    data = as_scored(scored, config, overrides, coverage=coverage)
    cfg = data.config
    exponential = cfg.kernel == "exponential"
    if half_lives is not None and not exponential:
        raise InvalidParameterError(
            "half_lives profiles the half-life of the exponential kernel, and the "
            f"configuration uses kernel={cfg.kernel!r}. Score with kernel='exponential', or "
            "compare settings of your kernel by calibrating once per value."
        )
    if half_lives is None:
        candidates = [cfg.half_life]
    else:
        grid = HALF_LIFE_GRID if isinstance(half_lives, str) else half_lives
        candidates = sorted({float(h) for h in grid} | {cfg.half_life})
    # Category multipliers are fitted from the tension each category gives at multiplier 1.
    base = data if fit == "weights" else data.with_config(category_multipliers={})
    label = _one_dyad(data, dyad)
    grouped = base.grouped(per_unit_weight=True, dyads=label)
    first = int(grouped.dates[0].astype("datetime64[D]").astype(np.int64))
    last = int(grouped.dates[-1].astype("datetime64[D]").astype(np.int64))
    compare: str = "D" if freq is None else freq
    compared, owner = _compared_days(days, compare, first, last)
    if len(y) < folds + 1:
        raise EventValidationError(
            f"folds={folds} needs at least {folds + 1} target dates (a first training block "
            f"and one block per fold); the target has {len(y)}. Pass fewer folds, or folds=0."
        )
    if fit == "weights":
        names = tuple(grouped.groups)
        start = grouped.weights.astype(float)
        mixing = None
    else:
        resolved = base.config.resolve(grouped.groups)
        names = tuple(dict.fromkeys(str(c) for c in resolved.category))
        members = np.array([names.index(str(c)) for c in resolved.category], dtype=np.int64)
        mixing = np.zeros((len(grouped.groups), len(names)))
        mixing[np.arange(len(members)), members] = grouped.weights  # B_c = sum_{k in c} w_k U_k
        start = np.array([cfg.category_multipliers.get(c, 1.0) for c in names], dtype=float)
    # Only the dyad's parameters: types (categories) with events of this dyad.
    reach = np.any(grouped.values[:, 0, :] != 0, axis=1)
    if fit == "categories":
        categories = base.config.resolve(grouped.groups).category
        present = {str(c) for c, r in zip(categories, reach, strict=True) if r}
        keep = np.array([n in present for n in names], dtype=bool)
    else:
        keep = reach
    names = tuple(n for n, k in zip(names, keep, strict=True) if k)
    start = start[keep]
    lower, upper = _apply_bounds(bounds, fit, names, *_default_bounds(fit, start))
    nonzero = np.abs(start[start != 0])
    typical = float(np.sqrt(np.mean(nonzero**2))) if len(nonzero) else 1.0
    # Weights and scale are not separately identified on the stability: hold the scale.
    scale = data.scale
    unit_bases: dict[float, np.ndarray] = {}

    def problem_at(half_life: float, on_days: np.ndarray, owners: np.ndarray) -> _Problem:
        if half_life not in unit_bases:
            source = (
                grouped
                if half_life == cfg.half_life
                else base.with_config(half_life=half_life).grouped(
                    per_unit_weight=True, dyads=label
                )
            )
            unit = source.values[:, 0, :].T  # (n_days, n_types): U_k(t)
            unit_bases[half_life] = (unit if mixing is None else unit @ mixing)[:, keep]
        return _Problem(
            names=names,
            basis=unit_bases[half_life][on_days - first],
            owner=owners,
            start=start,
            lower=lower,
            upper=upper,
            size=np.where(start != 0, np.abs(start), typical),
            target=y,
            on=on,
            logistic_scale=scale,
        )

    origin = problem_at(cfg.half_life, compared, owner)
    if not np.any(origin.basis != 0):
        raise EventValidationError(
            f"No event of {label} reaches the index on the target's dates "
            f"({np.datetime64(int(days[0]), 'D')} to {np.datetime64(int(days[-1]), 'D')}): "
            "there is nothing to fit."
        )
    splits = _splits(len(y), folds)
    # The candidates: every half-life with every strength, scored on the same folds.
    problems = {
        h: origin if h == cfg.half_life else problem_at(h, compared, owner) for h in candidates
    }
    errors: dict[tuple[float, float], np.ndarray] = {}
    if splits:
        for h, problem in problems.items():
            for strength in strengths:
                errors[h, strength] = _fold_errors(problem, splits, strength)
    cv = {key: float(e.mean()) for key, e in errors.items()}
    chosen = _choose(cv, cfg.half_life) if cv else (cfg.half_life, strengths[0])
    half_life, strength = chosen
    fits = {}
    profile_rows = []
    for h in candidates if half_lives is not None else [half_life]:
        best = _choose({k: v for k, v in cv.items() if k[0] == h}, h) if cv else chosen
        fits[h] = _solve(problems[h], None, best[1])
        if half_lives is not None:
            fitted_h = problems[h].index(fits[h][0])
            profile_rows.append(
                {
                    "half_life": h,
                    "regularization": best[1],
                    "cv_rmse": cv[best],
                    "rmse": _rmse(fitted_h, y),
                    "chosen": h == half_life,
                }
            )
    problem = problems[half_life]
    theta, converged, message = fits[half_life]
    before, after = origin.index(start), problem.index(theta)
    dates = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))
    folds_frame = _folds_frame(
        splits,
        dates,
        np.array([_rmse(origin.index(start, test), y[test]) for _, test in splits]),
        errors.get(chosen, np.array([])),
    )
    notes = _warnings(
        cv_after=float(np.mean(errors[chosen])) if splits else math.nan,
        cv_before=float(folds_frame["rmse_before"].mean()) if splits else math.nan,
        choose=choose,
        strengths=strengths,
        folds=folds,
    )
    dating = _period_dating(days) if freq is None else None
    day_error = cv[chosen] if splits else _rmse(after, y)
    floor = PERIOD_FLOOR if on == "stability" else PERIOD_FLOOR * scale / 25.0
    if dating is not None and day_error > floor:  # below the floor nothing can do better
        period, how = dating
        other_days, other_owner = _compared_days(days, period, first, last)
        other = problem_at(half_life, other_days, other_owner)
        # A check, not a fit to report: a comparison that fits badly may stop early.
        budget = PERIOD_CHECK_EVALUATIONS
        if splits:
            mean_error = float(_fold_errors(other, splits, strength, evaluations=budget).mean())
        else:
            theta_other = _solve(other, None, strength, evaluations=budget)[0]
            mean_error = _rmse(other.index(theta_other), y)
        measure = "cross-validated RMSE" if splits else "RMSE"
        if mean_error < PERIOD_MARGIN * day_error and day_error - mean_error > floor:
            notes.append(_period_note(period, how, len(y), on, measure, mean_error, day_error))
    for note in notes:
        warnings.warn(note, CalibrationWarning, stacklevel=3)
    fitted_config = _fitted_config(
        cfg,
        fit=fit,
        names=names,
        theta=theta,
        problem=problem,
        dyad=label,
        on=on,
        days=days,
        target_name=target_name,
        regularization=strength,
        chosen_by_cv=choose,
        half_life=half_life if half_lives is not None else None,
        compare=compare,
    )
    candidates_frame = pd.DataFrame(
        {
            "half_life": [h if exponential else math.nan for h, _ in cv],
            "regularization": [s for _, s in cv],
            "cv_rmse": list(cv.values()),
            "chosen": [key == chosen for key in cv],
        },
        columns=["half_life", "regularization", "cv_rmse", "chosen"],
    ).astype({"half_life": float, "regularization": float, "cv_rmse": float, "chosen": bool})
    profile = pd.DataFrame(
        profile_rows, columns=["half_life", "regularization", "cv_rmse", "rmse", "chosen"]
    ).astype(
        {
            "half_life": float,
            "regularization": float,
            "cv_rmse": float,
            "rmse": float,
            "chosen": bool,
        }
    )
    report = CalibrationReport(
        dyad=label,
        fit=fit,
        on=on,
        freq=cast(Freq, compare),
        n_dates=len(y),
        regularization=strength,
        half_life=half_life if exponential else math.nan,
        scale=scale,
        rmse_before=_rmse(before, y),
        rmse_after=_rmse(after, y),
        correlation_before=_correlation(before, y),
        correlation_after=_correlation(after, y),
        changes=_changes(problem, theta, fit, base.config),
        folds=folds_frame,
        cv_curve=candidates_frame,
        half_life_profile=profile,
        series=pd.DataFrame({"date": dates, "target": y, "before": before, "after": after}),
        converged=converged,
        message=message,
        fingerprint_before=cfg.fingerprint,
        fingerprint_after=fitted_config.fingerprint,
        warnings=tuple(notes),
    )
    return fitted_config, report


def _warnings(
    *, cv_after: float, cv_before: float, choose: bool, strengths: list[float], folds: int
) -> list[str]:
    """The warning on a fit that predicts held-out dates worse than the start."""
    if not cv_after > cv_before * (1 + _TIE) + 1e-12:
        return []
    tried = (
        f"no strength tried ({min(strengths):g} to {max(strengths):g}) beats leaving them as "
        "they were"
        if choose
        else "regularize more: regularization='cv' chooses the strength by the same folds"
    )
    return [
        f"The fitted parameters predict held-out target dates worse than the starting ones: "
        f"cross-validated RMSE {cv_after:.4g} against {cv_before:.4g} ({folds} time-ordered "
        f"folds). The data do not support moving them this way; {tried}. Keep the starting "
        "configuration, or check what is compared: the target's scale and dates, freq=, fit=."
    ]


def _period_note(
    period: str, how: str, n: int, on: str, measure: str, mean_error: float, day_error: float
) -> str:
    """The warning on a target that fits better as period means than as readings on days."""
    column = "stability_mean" if on == "stability" else "tension_mean"
    word, adjective = _PERIOD_NAMES[period], _PERIOD_ADJECTIVES[period]
    return (
        f"The target's {n} dates are all {how}, as {adjective} series are dated, "
        f"and calibrate compared each value with the {on} on that day; compared with "
        f"the mean {on} of each {word} instead, the fit is clearly better ({measure} "
        f"{mean_error:.4g} against {day_error:.4g}), as if the target held {adjective} "
        f"averages. If it does, pass freq={period!r}: each value is then compared with "
        f"the {word}'s {column} of index(freq={period!r}). If the values are readings "
        "on those days, pass freq='D'."
    )


def _fitted_config(
    cfg: IndexConfig,
    *,
    fit: str,
    names: tuple[str, ...],
    theta: np.ndarray,
    problem: _Problem,
    dyad: str,
    on: str,
    days: np.ndarray,
    target_name: str,
    regularization: float,
    chosen_by_cv: bool,
    half_life: float | None,
    compare: str,
) -> IndexConfig:
    moved = {
        name: float(value) + 0.0
        for name, value, before in zip(names, theta, problem.start, strict=True)
        if value != before
    }
    span = f"{np.datetime64(int(days[0]), 'D')} to {np.datetime64(int(days[-1]), 'D')}"
    what = f"target {target_name!r}" if target_name else "a reference series"
    how = [f"regularization {regularization:g}" + (" by cross-validation" if chosen_by_cv else "")]
    changes: dict[str, Any] = {}
    if half_life is not None:
        how.append(f"half-life {half_life:g} days by profile")
        changes["half_life"] = half_life
    if on == "stability":
        how.append(f"logistic scale held at {problem.logistic_scale:.6g}")
        if cfg.scale == "auto":
            # The fit holds for this scale only; "auto" would recompute it from the new weights.
            changes["scale"] = problem.logistic_scale
    if compare != "D":
        how.append(f"compared with {_PERIOD_ADJECTIVES[compare]} means")
    description = (
        f"{cfg.description + ' ' if cfg.description else ''}Calibrated with tensionindex: "
        f"{'event-type weights' if fit == 'weights' else 'category multipliers'} fitted so "
        f"that the {on} of {dyad} tracks {what} on {len(days)} dates from {span} "
        f"({'; '.join(how)}; starting from configuration {cfg.fingerprint})."
    )
    name = f"{cfg.name} (calibrated)" if cfg.name else "calibrated"
    if fit == "weights":
        changes["weights"] = {**cfg.weights, **moved}
    else:
        changes["category_multipliers"] = {**cfg.category_multipliers, **moved}
    return dataclasses.replace(cfg, name=name, description=description, **changes)


def _changes(problem: _Problem, theta: np.ndarray, fit: str, config: IndexConfig) -> pd.DataFrame:
    has_data = np.any(problem.basis != 0, axis=0)
    free = problem.lower < problem.upper
    tolerance = 1e-7 * problem.size
    at_bound = (np.abs(theta - problem.lower) <= tolerance) | (
        np.abs(theta - problem.upper) <= tolerance
    )
    status = np.where(
        ~free, "fixed", np.where(~has_data, "no data", np.where(at_bound, "at bound", "fitted"))
    )
    table: dict[str, Any] = {"parameter": pd.array(problem.names, dtype=object)}
    if fit == "weights":
        resolved = config.resolve(problem.names)
        table["label"] = pd.array(resolved.label, dtype=object)
        table["category"] = pd.array([str(c) for c in resolved.category], dtype=object)
    table.update(
        {
            "before": problem.start,
            "after": theta,
            "change": theta - problem.start,
            "lower": problem.lower,
            "upper": problem.upper,
            "status": status.astype(object),
        }
    )
    frame = pd.DataFrame(table)
    size = np.abs(theta - problem.start)
    order = sorted(range(len(frame)), key=lambda i: (-size[i], problem.names[i]))
    return frame.iloc[order].reset_index(drop=True)
