"""Calibration: fit the weights so that one dyad's index tracks a reference series.

The tension is exactly linear in the event-type weights, T = A w (A holds the
per-unit tension of each type on each date, from :meth:`ScoredEvents.grouped`),
and in the category multipliers likewise.  Fitting the tension is therefore a
bounded linear least-squares problem, solved exactly; fitting the stability,
S = 100 / (1 + exp(T / scale)), is a bounded non-linear one.  Either way the
index is computed once, whatever the number of iterations and cross-validation
folds, from events scored once (:func:`tensionindex.score`).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import pandas as pd

from tensionindex.catalogue import normalize_event_type
from tensionindex.config import IndexConfig
from tensionindex.engine import stability_from_tension
from tensionindex.exceptions import EventValidationError, InvalidParameterError, did_you_mean
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
from tensionindex.scored import ScoredEvents, as_scored

__all__ = ["CALIBRATE_PARAMETERS", "CalibrationReport", "calibrate"]

Fit: TypeAlias = Literal["weights", "categories"]
FitOn: TypeAlias = Literal["stability", "tension"]
FITS: tuple[Fit, ...] = ("weights", "categories")
FIT_ON: tuple[FitOn, ...] = ("stability", "tension")

Bounds: TypeAlias = tuple[float, float] | Mapping[str, tuple[float, float]]


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
    n_dates : int
        Number of target dates used.
    regularization : float
        The regularisation strength used.
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
        Rolling-origin cross-validation, one row per fold: ``fold``,
        ``train_start``, ``train_end``, ``test_start``, ``test_end``,
        ``n_train``, ``n_test``, ``rmse_before`` (starting configuration on
        the test dates) and ``rmse_after`` (fitted on the training dates only,
        scored on the test dates).  Empty when ``folds=0``.
    series : pandas.DataFrame
        ``date``, ``target``, ``before`` and ``after``: the target and the
        index it was compared with, before and after.
    converged : bool
        Whether the optimiser reported success.
    message : str
        The optimiser's message.
    fingerprint_before, fingerprint_after : str
        Fingerprints of the starting and of the fitted configuration.
    """

    dyad: str
    fit: Fit
    on: FitOn
    n_dates: int
    regularization: float
    rmse_before: float
    rmse_after: float
    correlation_before: float
    correlation_after: float
    changes: pd.DataFrame
    folds: pd.DataFrame
    series: pd.DataFrame
    converged: bool
    message: str
    fingerprint_before: str
    fingerprint_after: str

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
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = _records(value) if isinstance(value, pd.DataFrame) else _plain(value)
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
            f"n_dates={self.n_dates}, rmse {self.rmse_before:.4g} -> {self.rmse_after:.4g}, "
            f"correlation {self.correlation_before:.3f} -> {self.correlation_after:.3f}, "
            f"cv_rmse {self.cv_rmse_before:.4g} -> {self.cv_rmse:.4g}; moved most: {top})"
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
    "bounds": [BoundsSpec()],
    "regularization": [Interval(float, 0, None)],
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


@dataclass(frozen=True)
class _Problem:
    """Everything the fits share: T = basis @ theta on the target's dates."""

    names: tuple[str, ...]
    basis: np.ndarray  # (n_dates, n_params)
    start: np.ndarray  # starting values (the configuration's), regularised towards
    lower: np.ndarray
    upper: np.ndarray
    scale: np.ndarray  # size of a parameter: a change of this much costs lambda * var / p
    target: np.ndarray
    on: str
    logistic_scale: float

    def index(self, theta: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        tension = self.basis[rows] @ theta
        if self.on == "tension":
            return np.asarray(tension, dtype=float)
        return stability_from_tension(tension, self.logistic_scale)


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
    problem: _Problem, rows: np.ndarray, regularization: float
) -> tuple[np.ndarray, bool, str]:
    """Fit the parameters on the target's dates ``rows``; return theta, success, message.

    Fixed parameters (equal bounds) take their bound; parameters whose events do
    not reach the index on these dates keep their starting value (within bounds).
    """
    from scipy.optimize import least_squares, lsq_linear  # 0.4 s to import: only when used

    basis, y = problem.basis[rows], problem.target[rows]
    theta = np.clip(problem.start, problem.lower, problem.upper)
    free = (problem.lower < problem.upper) & np.any(basis != 0, axis=0)
    if not free.any():
        return theta, True, "Nothing to fit: every parameter is fixed or has no data."
    n, p = len(y), int(free.sum())
    variance = float(np.var(y))
    # Penalty rows: sqrt(lambda * var(y) / p) * (theta - start) / size.
    rho = math.sqrt(regularization * (variance if variance > 0 else 1.0) / p) / problem.scale[free]
    offset = basis[:, ~free] @ theta[~free]
    columns = basis[:, free]
    lower, upper, start = problem.lower[free], problem.upper[free], problem.start[free]
    root_n = math.sqrt(n)

    def linear(response: np.ndarray) -> Any:
        matrix = np.vstack([columns / root_n, np.diag(rho)])
        rhs = np.concatenate([(response - offset) / root_n, rho * start])
        return lsq_linear(matrix, rhs, bounds=(lower, upper), method="bvls", tol=1e-12)

    if problem.on == "tension":
        solution = linear(y)
        theta[free] = _snap(solution.x, lower, upper, problem.scale[free])
        return theta, bool(solution.success), str(solution.message)

    scale = problem.logistic_scale

    def residuals(x: np.ndarray) -> np.ndarray:
        stability = stability_from_tension(columns @ x + offset, scale)
        return np.concatenate([(stability - y) / root_n, rho * (x - start)])

    def jacobian(x: np.ndarray) -> np.ndarray:
        stability = stability_from_tension(columns @ x + offset, scale)
        slope = -stability * (100.0 - stability) / (100.0 * scale)  # dS/dT
        return np.vstack([columns * (slope / root_n)[:, None], np.diag(rho)])

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
        )

    # Two starts: the configuration, and the linear fit to the target turned into
    # tension (T = scale * log(100 / S - 1)); the better optimum wins.
    best = run(np.clip(start, lower, upper))
    inside = np.clip(y, 1e-6, 100 - 1e-6)
    other = run(np.clip(linear(scale * np.log(100.0 / inside - 1.0)).x, lower, upper))
    if other.cost < best.cost:
        best = other
    theta[free] = _snap(best.x, lower, upper, problem.scale[free])
    return theta, bool(best.success), str(best.message)


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


@validate_params(CALIBRATE_PARAMETERS, name="calibrate")
def calibrate(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    target: pd.Series,
    config: IndexConfig | None = None,
    *,
    fit: Fit = "weights",
    dyad: str | None = None,
    on: FitOn = "stability",
    bounds: Bounds | None = None,
    regularization: float = 1.0,
    folds: int = 3,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> tuple[IndexConfig, CalibrationReport]:
    """Fit event-type weights (or category multipliers) so a dyad's index tracks a reference.

    The index is sampled at the target's dates: the value of day t is compared
    with the target's value dated t (a time of day is dropped).  A monthly
    series dated at month ends is compared with the index on those days; to
    compare with a monthly average instead, average the index yourself and
    fit that.  With parameters theta (the weights, or the multipliers) and
    starting values theta0 (the configuration's), the fit minimises

        (1/n) sum_t (I_t(theta) - y_t)^2
            + regularization * var(y) * (1/p) sum_k ((theta_k - theta0_k) / theta0_k)^2

    over the p parameters that are free, where I is the tension or the
    stability and n the number of target dates.  The penalty measures each
    change relative to the starting value, and ``regularization=1`` makes
    moving every parameter by 100 % cost as much as missing the target by
    its standard deviation on every date.  (A parameter whose starting value
    is 0 is measured against the root-mean-square of the others.)

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
        ``on="tension"``.  Every date must lie between the first and the last
        event (the index's range), with one finite value per date.
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
    bounds : (float, float) or mapping of str to (float, float), optional
        A ``(low, high)`` pair intersected with every parameter's sign
        constraint (e.g. ``(-10, 10)``, the Goldstein range), or a mapping from
        event types (categories) to their own ``(low, high)``, which replaces
        their constraint: ``{"demand": (0, 8)}`` frees a zero weight, equal
        bounds fix a value.
    regularization : float, default 1.0
        Strength of the pull towards the starting values (>= 0); see above.
        Small values (1e-3) let the data decide; 0 may leave the fit
        non-unique when there are fewer dates than parameters.
    folds : int, default 3
        Rolling-origin cross-validation: the target's dates are cut into
        ``folds + 1`` consecutive blocks, and fold i is fitted on blocks 1..i
        and scored on block i + 1.  0 skips it.
    coverage : pandas.Series or collection of dates, optional
        Only with raw events, as in :func:`tensionindex.score` (the
        denominators of ``aggregation="share"``).
    **overrides
        Configuration fields to change for this call (kept in the result).

    Returns
    -------
    config : IndexConfig
        The starting configuration (with the overrides) with the fitted
        ``weights`` (or ``category_multipliers``) set, and a ``name`` and
        ``description`` that record the calibration.
    report : CalibrationReport
        Fit before and after, the cross-validation and the parameters that
        moved most.

    Raises
    ------
    InvalidParameterError
        If ``target`` is not a pandas Series; for invalid ``fit``, ``dyad``,
        ``on``, ``bounds``, ``regularization`` or ``folds``.
    EventValidationError
        For invalid raw events or a dyad without events; for a target that is
        empty, not indexed by dates, not numeric, has a missing value or a
        repeated date, lies outside the index's range, or
        (``on="stability"``) outside 0..100; for too few dates for the folds.
    ConfigurationError
        For an invalid configuration.

    See Also
    --------
    weight_influence : the exact derivatives the fit follows.
    sensitivity : how much the index depends on the weights.

    Examples
    --------
    Fit the Goldstein weights of CHN-PHL to the index the PLOVER scale gives,
    sampled at month starts (a stand-in for an expert series):

    >>> import tensionindex as ti
    >>> scored = ti.score(ti.load_example())
    >>> plover = scored.with_config(ti.load_profile("plover")).index(dyads="CHN-PHL")
    >>> target = plover.set_index("date")["stability"]
    >>> target = target[target.index.is_month_start].loc["2023-03":]
    >>> fitted, report = ti.calibrate(scored, target, dyad="CHN-PHL", regularization=1e-4)
    >>> round(report.rmse_before, 2), round(report.rmse_after, 4)
    (1.91, 0.0003)
    >>> moved = report.changes.set_index("parameter")[["before", "after", "status"]]
    >>> moved.loc[["ramming", "water_cannon", "agreement_signed"]].round(2)
                      before  after   status
    parameter
    ramming              9.2    7.0   fitted
    water_cannon         7.0    7.0   fitted
    agreement_signed    -8.0   -8.0  no data

    The PLOVER weights of ramming and water cannon (both 7) are recovered;
    the agreement of July 2024 comes after the last target date.
    """
    regularization = float(regularization)
    days, y, target_name = _target(target, on)
    data = as_scored(scored, config, overrides, coverage=coverage)
    cfg = data.config
    # Category multipliers are fitted from the tension each category gives at multiplier 1.
    base = data if fit == "weights" else data.with_config(category_multipliers={})
    label = _one_dyad(data, dyad)
    grouped = base.grouped(per_unit_weight=True, dyads=label)
    first = int(grouped.dates[0].astype("datetime64[D]").astype(np.int64))
    last = int(grouped.dates[-1].astype("datetime64[D]").astype(np.int64))
    outside = np.flatnonzero((days < first) | (days > last))
    if len(outside):
        lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
        raise EventValidationError(
            f"The target's dates must lie within the index's range, {lo} to {hi} (the first "
            f"and last event); it has {np.datetime64(int(days[outside[0]]), 'D')}. Keep the "
            f"dates inside, e.g. target.loc['{lo}':'{hi}']."
        )
    if len(y) < folds + 1:
        raise EventValidationError(
            f"folds={folds} needs at least {folds + 1} target dates (a first training block "
            f"and one block per fold); the target has {len(y)}. Pass fewer folds, or folds=0."
        )
    unit = grouped.values[:, 0, days - first].T  # (n_dates, n_types): U_k(t)
    if fit == "weights":
        names = tuple(grouped.groups)
        basis, start = unit, grouped.weights.astype(float)
    else:
        resolved = base.config.resolve(grouped.groups)
        names = tuple(dict.fromkeys(str(c) for c in resolved.category))
        members = np.array([names.index(str(c)) for c in resolved.category], dtype=np.int64)
        basis = np.zeros((len(y), len(names)))
        np.add.at(basis.T, members, (unit * grouped.weights).T)  # B_c = sum_{k in c} w_k V_k
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
    basis, start = basis[:, keep], start[keep]
    lower, upper = _apply_bounds(bounds, fit, names, *_default_bounds(fit, start))
    nonzero = np.abs(start[start != 0])
    typical = float(np.sqrt(np.mean(nonzero**2))) if len(nonzero) else 1.0
    problem = _Problem(
        names=names,
        basis=basis,
        start=start,
        lower=lower,
        upper=upper,
        scale=np.where(start != 0, np.abs(start), typical),
        target=y,
        on=on,
        logistic_scale=grouped.scale,
    )
    if not np.any(problem.basis != 0):
        raise EventValidationError(
            f"No event of {label} reaches the index on the target's dates "
            f"({np.datetime64(int(days[0]), 'D')} to {np.datetime64(int(days[-1]), 'D')}): "
            "there is nothing to fit."
        )
    theta, converged, message = _solve(problem, np.arange(len(y)), regularization)
    fitted_config = _fitted_config(
        cfg, fit, names, theta, problem, label, on, days, target_name, regularization
    )
    before, after = problem.index(start), problem.index(theta)
    dates = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))
    report = CalibrationReport(
        dyad=label,
        fit=fit,
        on=on,
        n_dates=len(y),
        regularization=regularization,
        rmse_before=_rmse(before, y),
        rmse_after=_rmse(after, y),
        correlation_before=_correlation(before, y),
        correlation_after=_correlation(after, y),
        changes=_changes(problem, theta, fit, base.config),
        folds=_cross_validate(problem, folds, regularization, dates),
        series=pd.DataFrame({"date": dates, "target": y, "before": before, "after": after}),
        converged=converged,
        message=message,
        fingerprint_before=cfg.fingerprint,
        fingerprint_after=fitted_config.fingerprint,
    )
    return fitted_config, report


def _fitted_config(
    cfg: IndexConfig,
    fit: str,
    names: tuple[str, ...],
    theta: np.ndarray,
    problem: _Problem,
    dyad: str,
    on: str,
    days: np.ndarray,
    target_name: str,
    regularization: float,
) -> IndexConfig:
    moved = {
        name: float(value) + 0.0
        for name, value, before in zip(names, theta, problem.start, strict=True)
        if value != before
    }
    span = f"{np.datetime64(int(days[0]), 'D')} to {np.datetime64(int(days[-1]), 'D')}"
    what = f"target {target_name!r}" if target_name else "a reference series"
    description = (
        f"{cfg.description + ' ' if cfg.description else ''}Calibrated with tensionindex: "
        f"{'event-type weights' if fit == 'weights' else 'category multipliers'} fitted so "
        f"that the {on} of {dyad} tracks {what} on {len(days)} dates from {span} "
        f"(regularization {regularization:g}, starting from configuration {cfg.fingerprint})."
    )
    name = f"{cfg.name} (calibrated)" if cfg.name else "calibrated"
    if fit == "weights":
        return dataclasses.replace(
            cfg, weights={**cfg.weights, **moved}, name=name, description=description
        )
    return dataclasses.replace(
        cfg,
        category_multipliers={**cfg.category_multipliers, **moved},
        name=name,
        description=description,
    )


def _changes(problem: _Problem, theta: np.ndarray, fit: str, config: IndexConfig) -> pd.DataFrame:
    has_data = np.any(problem.basis != 0, axis=0)
    free = problem.lower < problem.upper
    tolerance = 1e-7 * problem.scale
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


def _cross_validate(
    problem: _Problem, folds: int, regularization: float, dates: pd.DatetimeIndex
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
    rows: list[dict[str, Any]] = []
    blocks = np.array_split(np.arange(len(problem.target)), folds + 1) if folds else []
    for fold in range(1, len(blocks)):
        train = np.concatenate(blocks[:fold])
        test = blocks[fold]
        theta, _, _ = _solve(problem, train, regularization)
        y = problem.target[test]
        rows.append(
            {
                "fold": fold,
                "train_start": dates[train[0]],
                "train_end": dates[train[-1]],
                "test_start": dates[test[0]],
                "test_end": dates[test[-1]],
                "n_train": len(train),
                "n_test": len(test),
                "rmse_before": _rmse(problem.index(problem.start, test), y),
                "rmse_after": _rmse(problem.index(theta, test), y),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    if not rows:
        frame = frame.astype({"fold": np.int64, "n_train": np.int64, "n_test": np.int64})
    return frame
