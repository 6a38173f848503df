"""Agreement between datasets: do GDELT, ICEWS and POLECAT tell the same story of a dyad?

For a dyad, two datasets a and b, and the days D both cover (each was
collecting), the daily signal of a is

    S_a(t) = sum of s_i over the dyad's events of a on day t      (0 on a day without one)

with s_i the event's scored signal (weight x intensity x confidence, before
the daily aggregation).  The report gives, per dyad and pair of datasets, the
Pearson correlation of S_a and S_b over D, the share of days both cover, and
the days of largest |S_a(t) - S_b(t)| with the events behind each side.

A dataset *covers* a day when it has any record dated to it, of any dyad
(among the events scored, or as its reader's coverage says when given): on a
covered day without events of the dyad, the dataset saw the dyad quiet, which
is information; on a day it does not cover it saw nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig
from tensionindex.coverage import parse_coverage
from tensionindex.engine import stamp
from tensionindex.events import PASS_THROUGH_COLUMNS
from tensionindex.exceptions import EventValidationError, InvalidParameterError, did_you_mean
from tensionindex.params import DateLike, Dates, Dyads, Instance, Interval, day_of, validate_params
from tensionindex.scored import ScoredEvents, as_scored

__all__ = [
    "AGREEMENT_COLUMNS",
    "DISAGREEMENT_COLUMNS",
    "SourceAgreement",
    "source_agreement",
]

#: Columns of :attr:`SourceAgreement.summary`.
AGREEMENT_COLUMNS: tuple[str, ...] = (
    "dyad",
    "dataset_a",
    "dataset_b",
    "days_both",
    "days_either",
    "share_both",
    "days_a",
    "days_b",
    "days_reported_both",
    "events_a",
    "events_b",
    "signal_a",
    "signal_b",
    "correlation",
)

#: Columns of :attr:`SourceAgreement.disagreements`.
DISAGREEMENT_COLUMNS: tuple[str, ...] = (
    "dyad",
    "dataset_a",
    "dataset_b",
    "rank",
    "date",
    "signal_a",
    "signal_b",
    "difference",
    "events_a",
    "events_b",
)

_EVENT_COLUMNS = ("actor1", "actor2", "event_type", "intensity", "confidence")


@dataclass(frozen=True)
class SourceAgreement:
    """How far datasets agree on each dyad: what :func:`source_agreement` returns.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per dyad and pair of datasets (:data:`AGREEMENT_COLUMNS`).
    disagreements : pandas.DataFrame
        The days of largest disagreement of each row of ``summary``
        (:data:`DISAGREEMENT_COLUMNS`).
    events : pandas.DataFrame
        The events behind each side of each disagreement.
    """

    summary: pd.DataFrame
    disagreements: pd.DataFrame
    events: pd.DataFrame


#: The parameters of :func:`source_agreement` and what each accepts.
AGREEMENT_PARAMETERS: dict[str, list[Any]] = {
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "datasets": [Instance((list, tuple, None), "a list of at least two dataset names or None")],
    "dyads": [Dyads()],
    "start": [Dates()],
    "end": [Dates()],
    "top": [Interval(int, 0, None)],
    "dataset_coverage": [Instance((Mapping, None), "a mapping of dataset names to coverage")],
}


def _dataset_names(events: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each event's dataset code and the dataset names, sorted."""
    if "dataset" not in events.columns:
        raise EventValidationError(
            "source_agreement compares datasets and needs a 'dataset' column naming where each "
            "event comes from; the events have none. The readers add it (read_gdelt: 'gdelt1' "
            "or 'gdelt2', read_icews: 'icews', read_polecat: 'polecat'); for other events add "
            "it before scoring, e.g. events.assign(dataset='analyst')."
        )
    values = events["dataset"].astype(object)
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise EventValidationError(
            f"Column 'dataset', row {row}: got a missing value; expected the name of the "
            "event's dataset. Fill it in, or drop the row before scoring."
        )
    codes, names = pd.factorize(values.astype(str), sort=True)
    return np.asarray(codes, dtype=np.intp), [str(n) for n in names]


def _chosen(names: list[str], datasets: Sequence[str] | None) -> list[str]:
    if datasets is None:
        chosen = names
    else:
        chosen = []
        for name in datasets:
            if not isinstance(name, str) or name not in names:
                raise InvalidParameterError(
                    "The 'datasets' parameter of source_agreement must list datasets of the "
                    f"events ({', '.join(map(repr, names))}). Got {name!r} instead."
                    + (did_you_mean(name, names) if isinstance(name, str) else "")
                )
            if name not in chosen:
                chosen.append(name)
    if len(chosen) < 2:
        raise InvalidParameterError(
            "source_agreement compares at least two datasets; the events (as chosen by "
            f"'datasets') hold {len(chosen)}: {', '.join(map(repr, chosen)) or 'none'}. "
            "Score the events of several datasets together (each with its 'dataset')."
        )
    return chosen


def _covered_days(
    names: list[str],
    code: np.ndarray,
    day: np.ndarray,
    given: Mapping[str, object] | None,
) -> dict[str, np.ndarray]:
    """The days (sorted int days since 1970) each dataset covers."""
    given = dict(given or {})
    for name in given:
        if name not in names:
            raise InvalidParameterError(
                "The 'dataset_coverage' parameter of source_agreement must map datasets of the "
                f"events ({', '.join(map(repr, names))}) to their coverage. Got {name!r} instead."
                + (did_you_mean(name, names) if isinstance(name, str) else "")
            )
    days = {}
    for i, name in enumerate(names):
        if name in given:
            found = parse_coverage(given[name])
            days[name] = np.zeros(0, np.int64) if found is None else found.days
        else:
            days[name] = np.unique(day[code == i])
    return days


def _correlation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of each row of ``a`` with the same row of ``b`` (NaN if undefined)."""
    n = a.shape[1]
    out = np.full(a.shape[0], np.nan)
    if n < 2:
        return out
    da = a - a.mean(axis=1, keepdims=True)
    db = b - b.mean(axis=1, keepdims=True)
    denominator = np.sqrt((da * da).sum(axis=1) * (db * db).sum(axis=1))
    defined = denominator > 0
    out[defined] = (da * db).sum(axis=1)[defined] / denominator[defined]
    # Rounding can carry |r| a hair above 1.
    clipped: np.ndarray = np.clip(out, -1.0, 1.0)
    return clipped


def _grid(
    dyad: np.ndarray, day: np.ndarray, values: np.ndarray, rows: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """Sum of ``values`` per (row of ``rows``, day of ``days``); events elsewhere ignored."""
    out = np.zeros((len(rows), len(days)))
    if not len(rows) or not len(days):
        return out
    row = np.minimum(np.searchsorted(rows, dyad), len(rows) - 1)
    column = np.minimum(np.searchsorted(days, day), len(days) - 1)
    inside = (rows[row] == dyad) & (days[column] == day)
    np.add.at(out, (row[inside], column[inside]), values[inside])
    return out


@validate_params(AGREEMENT_PARAMETERS, name="source_agreement")
def source_agreement(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    datasets: Sequence[str] | None = None,
    dyads: Sequence[str] | str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    top: int = 5,
    dataset_coverage: Mapping[str, pd.Series | Iterable[DateLike]] | None = None,
    **overrides: Any,
) -> SourceAgreement:
    """How far datasets agree on each dyad: correlation, common days, largest disagreements.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events of several datasets scored together with :func:`score` (raw
        events are scored here), with a ``dataset`` column (the readers add
        it).  Dyads are undirected unless the configuration is ``directed``.
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    datasets : list of str, optional
        The datasets to compare (at least two); default: all of the events'.
    dyads : str or list of str, optional
        Only these dyads (default: every dyad with events of a compared
        dataset).
    start, end : date-like, optional
        Compare only the days from ``start`` to ``end`` (inclusive).
    top : int, default 5
        Days of largest disagreement kept per dyad and pair (0: none).
    dataset_coverage : mapping of str to pandas.Series or collection of dates, optional
        The days a dataset covers, as ``coverage=`` of :func:`score` reads
        them: ``{"icews": read_report(icews_events).coverage}`` (a reader's
        report counts every row read, before dyads and types were left out).
        A dataset not given covers the days on which it has an event among
        those scored.
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    SourceAgreement
        Three tidy frames, each stamped with the configuration
        (``attrs["tensionindex"]``):

        ``summary``
            One row per dyad and pair of datasets (``dataset_a`` before
            ``dataset_b`` alphabetically), sorted by dyad then pair:
            ``days_both`` (days both cover), ``days_either`` (days either
            covers), ``share_both`` (their ratio, NaN when neither covers a
            day); over the days both cover: ``days_a``, ``days_b`` (days with
            an event of the dyad in a, in b), ``days_reported_both`` (in
            both), ``events_a``, ``events_b`` (events), ``signal_a``,
            ``signal_b`` (summed signals) and ``correlation``, the Pearson
            correlation of the two daily signals (NaN with fewer than two
            days, or when either is constant).
        ``disagreements``
            Per row of ``summary``, up to ``top`` days both cover on which
            the daily signals differ, largest ``|signal_a - signal_b|``
            first (earlier day first on ties), numbered by ``rank`` from 1:
            ``date``, ``signal_a``, ``signal_b``, ``difference`` (a - b),
            ``events_a``, ``events_b``.
        ``events``
            The events behind each disagreement: ``dyad``, ``dataset_a``,
            ``dataset_b``, ``rank``, ``date``, then each event's
            ``dataset``, ``actor1``, ``actor2``, ``event_type``,
            ``intensity``, ``confidence``, ``signal`` (its s_i) and the
            pass-through columns it has (``event_id``, ``source``, ``url``,
            ``description``), and ``position`` (its row in
            ``ScoredEvents.events``); largest ``|signal|`` first within a
            side.

    Raises
    ------
    EventValidationError
        If the events have no ``dataset`` column or a row has none, or for
        an unknown dyad (with suggestions).
    InvalidParameterError
        For an invalid parameter, fewer than two datasets, or a dataset name
        that is not one of the events'.

    See Also
    --------
    deduplicate_across_datasets : count once what two datasets both recorded.

    Notes
    -----
    The signal compared is each event's own, s_i = w x m x f(intensity) x c
    (``ScoredEvents.raw_signal``): before the daily aggregation and any
    baseline, so that the datasets are compared on what they recorded, not
    on how the index weighs it.  A dataset's reliability
    (``dataset_confidence``) scales all its signals alike and leaves the
    correlation unchanged.  Datasets differ in volume (a GDELT day holds many
    more records than an ICEWS day), so compare levels with care: the
    correlation is scale-free, the differences are not.

    Examples
    --------
    >>> import pandas as pd
    >>> import tensionindex as ti
    >>> events = pd.DataFrame({
    ...     "date": ["2018-06-01", "2018-06-01", "2018-06-02", "2018-06-02", "2018-06-03",
    ...              "2018-06-01", "2018-06-02", "2018-06-03", "2018-06-03"],
    ...     "actor1": ["USA"] * 9,
    ...     "actor2": ["PRK"] * 9,
    ...     "event_type": ["cameo:042", "cameo:042", "cameo:112", "cameo:042", "cameo:042",
    ...                    "cameo:042", "cameo:112", "cameo:042", "cameo:138"],
    ...     "dataset": ["gdelt2"] * 5 + ["icews"] * 4,
    ... })
    >>> found = ti.source_agreement(ti.score(events), top=1)
    >>> found.summary[["dyad", "dataset_a", "dataset_b", "days_both", "correlation"]]
          dyad dataset_a dataset_b  days_both  correlation
    0  PRK-USA    gdelt2     icews          3     0.543569
    >>> found.disagreements[["date", "signal_a", "signal_b", "difference"]]
            date  signal_a  signal_b  difference
    0 2018-06-03      -1.9       5.1        -7.0
    >>> found.events[["dataset", "event_type", "signal"]]
      dataset event_type  signal
    0  gdelt2  cameo:042    -1.9
    1   icews  cameo:138     7.0
    2   icews  cameo:042    -1.9
    """
    data = as_scored(scored, config, overrides)
    code, names = _dataset_names(data.events)
    chosen = _chosen(names, datasets)
    first = None if start is None else day_of(start, "start", "source_agreement")
    last = None if end is None else day_of(end, "end", "source_agreement")
    # Coverage is a dataset's, whatever the dyad: found before dyads are picked.
    covered = _covered_days(names, code, data.day, dataset_coverage)
    if dyads is not None:
        data = data.select(dyads)
        values = pd.Index(data.events["dataset"].astype(object).astype(str), dtype=object)
        code = pd.Index(names, dtype=object).get_indexer(values).astype(np.intp)
    in_range = np.ones(len(code), dtype=bool)
    if first is not None:
        in_range &= data.day >= first
        covered = {k: v[v >= first] for k, v in covered.items()}
    if last is not None:
        in_range &= data.day <= last
        covered = {k: v[v <= last] for k, v in covered.items()}

    summaries: list[pd.DataFrame] = []
    worst: list[pd.DataFrame] = []
    for a, b in combinations(sorted(chosen), 2):
        i, j = names.index(a), names.index(b)
        both = np.intersect1d(covered[a], covered[b])
        either = np.union1d(covered[a], covered[b])
        mine = in_range & ((code == i) | (code == j))
        rows = np.unique(data.dyad[mine])
        if not len(rows):
            continue
        on_a, on_b = mine & (code == i), mine & (code == j)
        signal_a = _grid(data.dyad[on_a], data.day[on_a], data.raw_signal[on_a], rows, both)
        signal_b = _grid(data.dyad[on_b], data.day[on_b], data.raw_signal[on_b], rows, both)
        ones_a, ones_b = np.ones(int(on_a.sum())), np.ones(int(on_b.sum()))
        count_a = _grid(data.dyad[on_a], data.day[on_a], ones_a, rows, both)
        count_b = _grid(data.dyad[on_b], data.day[on_b], ones_b, rows, both)
        labels = data.labels[rows].astype(str)
        summaries.append(
            pd.DataFrame(
                {
                    "dyad": labels,
                    "dataset_a": a,
                    "dataset_b": b,
                    "days_both": len(both),
                    "days_either": len(either),
                    "share_both": len(both) / len(either) if len(either) else np.nan,
                    "days_a": (count_a > 0).sum(axis=1),
                    "days_b": (count_b > 0).sum(axis=1),
                    "days_reported_both": ((count_a > 0) & (count_b > 0)).sum(axis=1),
                    "events_a": count_a.sum(axis=1).astype(np.int64),
                    "events_b": count_b.sum(axis=1).astype(np.int64),
                    "signal_a": signal_a.sum(axis=1),
                    "signal_b": signal_b.sum(axis=1),
                    "correlation": _correlation(signal_a, signal_b),
                }
            )
        )
        if top == 0 or not len(both):
            continue
        gap = np.abs(signal_a - signal_b)
        # Largest gap first; ties by day (a stable sort of the days in order).
        order = np.argsort(-gap, axis=1, kind="stable")[:, :top]
        taken = np.take_along_axis(gap, order, axis=1) > 0
        row, rank = np.nonzero(taken)
        column = order[row, rank]
        worst.append(
            pd.DataFrame(
                {
                    "dyad": labels[row],
                    "dataset_a": a,
                    "dataset_b": b,
                    "rank": rank + 1,
                    "date": both[column].astype("datetime64[D]").astype("datetime64[ns]"),
                    "signal_a": signal_a[row, column],
                    "signal_b": signal_b[row, column],
                    "difference": signal_a[row, column] - signal_b[row, column],
                    "events_a": count_a[row, column].astype(np.int64),
                    "events_b": count_b[row, column].astype(np.int64),
                }
            )
        )

    summary = _frame(summaries, AGREEMENT_COLUMNS, ["dyad", "dataset_a", "dataset_b"])
    disagreements = _frame(worst, DISAGREEMENT_COLUMNS, ["dyad", "dataset_a", "dataset_b", "rank"])
    behind = _events_behind(data, code, names, disagreements)
    extra = {"datasets": sorted(chosen)}
    return SourceAgreement(
        stamp(summary, data.config, **extra),
        stamp(disagreements, data.config, **extra),
        stamp(behind, data.config, **extra),
    )


def _frame(parts: list[pd.DataFrame], columns: Sequence[str], by: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(by, kind="stable").reset_index(drop=True)[list(columns)]


def _events_behind(
    data: ScoredEvents, code: np.ndarray, names: list[str], disagreements: pd.DataFrame
) -> pd.DataFrame:
    """The events of each side of each disagreement, largest |signal| first within a side."""
    events = data.events
    passed = [c for c in PASS_THROUGH_COLUMNS if c in events.columns and c != "dataset"]
    columns = [
        "dyad", "dataset_a", "dataset_b", "rank", "date", "dataset", *_EVENT_COLUMNS,
        "signal", *passed, "position",
    ]  # fmt: skip
    if not len(disagreements):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    label = pd.Series(np.asarray(data.labels, dtype=object)[data.dyad])
    table = pd.DataFrame(
        {
            "dyad": label,
            "day": data.day,
            "dataset": np.asarray(names, dtype=object)[code],
            "position": np.arange(len(code)),
        }
    )
    wanted = disagreements[["dyad", "dataset_a", "dataset_b", "rank", "date"]].copy()
    wanted["day"] = wanted["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    wanted["dyad"] = wanted["dyad"].astype(object)
    sides = pd.concat(
        [
            wanted.assign(dataset=wanted["dataset_a"]),
            wanted.assign(dataset=wanted["dataset_b"]),
        ],
        ignore_index=True,
    )
    found = sides.merge(table, on=["dyad", "day", "dataset"], how="inner")
    position = found["position"].to_numpy()
    for name in _EVENT_COLUMNS:
        values = events[name].to_numpy()[position]
        found[name] = values.astype(str) if name in ("actor1", "actor2", "event_type") else values
    found["signal"] = data.raw_signal[position]
    for name in passed:
        found[name] = events[name].to_numpy()[position]
    found["magnitude"] = -np.abs(found["signal"].to_numpy())
    found = found.sort_values(
        ["dyad", "dataset_a", "dataset_b", "rank", "dataset", "magnitude", "position"],
        kind="stable",
    )
    return found[columns].reset_index(drop=True)
