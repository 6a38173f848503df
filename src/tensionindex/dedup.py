"""Deduplication: one record per event, per dyad-day, or per corroborated cluster.

Coded event archives repeat themselves.  The same record comes back when
yearly files or versions overlap (ICEWS event ids repeat across releases), and
the same real-world event is coded again from every story that reports it: a
GDELT record counts the mentions and sources of the 15-minute update in which
the event was first seen and keeps the URL of one early report (GDELT Event
Codebook V2.0, fields NumMentions, NumSources and SOURCEURL), so a later
update that meets the event again writes a new record.  Summing such rows
measures news volume rather than events.  :func:`deduplicate` offers four
explicit, documented rules; choosing one is a modelling decision, so none is
applied behind the caller's back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from tensionindex._types import DEDUP_METHODS, DedupMethod
from tensionindex.config import with_overrides
from tensionindex.engine import dyad_codes
from tensionindex.events import bad_value_error, validate_events
from tensionindex.exceptions import ConfigurationError, EventValidationError, did_you_mean

if TYPE_CHECKING:
    from tensionindex.config import IndexConfig

__all__ = ["DEDUP_METHODS", "REPORT_COLUMNS", "DedupMethod", "deduplicate"]


#: Columns of the report, one row per dyad; ``"corroboration"`` adds ``sources``.
REPORT_COLUMNS: tuple[str, ...] = ("dyad", "raw", "kept", "dropped")

# A directed dyad, an event type and a day: the key of "one_a_day" and "corroboration".
_DAY_KEY = ["actor1", "actor2", "event_type", "date"]
_ID_KEYS: dict[str, list[str]] = {"event_id": ["event_id"], "event_id_date": ["event_id", "date"]}

# Columns that "corroboration" writes.  Not "reports"/"sources": validate_events
# refuses "sources" as a near miss of "source" when that column is absent.
_REPORTS = "n_reports"
_SOURCES = "n_sources"


def _check_how(how: object) -> DedupMethod:
    for method in DEDUP_METHODS:
        if isinstance(how, str) and how == method:
            return method
    listed = ", ".join(repr(m) for m in DEDUP_METHODS[:-1]) + f" or {DEDUP_METHODS[-1]!r}"
    raise ConfigurationError(
        f"The 'how' parameter of deduplicate must be one of {listed}. Got {how!r} instead."
        + (did_you_mean(how, DEDUP_METHODS) if isinstance(how, str) else "")
    )


def _where(original: object, frame: pd.DataFrame) -> pd.DataFrame:
    # validate_events keeps rows in order, so positions in `frame` are positions in the
    # caller's frame, whose index labels make the better error message.
    if isinstance(original, pd.DataFrame) and len(original) == len(frame):
        return original
    return frame


def _check_event_ids(frame: pd.DataFrame, how: DedupMethod, rows: pd.DataFrame) -> None:
    if "event_id" not in frame.columns:
        present = ", ".join(map(str, frame.columns))
        raise EventValidationError(
            f"deduplicate(how={how!r}) needs an 'event_id' column, and the events have none "
            f"(columns: {present}). Name the id column 'event_id' (GDELT's GLOBALEVENTID, "
            "ICEWS's 'Event ID'), or use how='one_a_day' or how='corroboration', which need "
            "no ids."
        )
    ids = frame["event_id"]
    missing = ids.isna().to_numpy()
    if not (pd.api.types.is_numeric_dtype(ids.dtype) or pd.api.types.is_bool_dtype(ids.dtype)):
        # An empty id would make every row without an id look like one event.
        blank = ids.astype("string").str.strip().eq("").fillna(False)
        missing = missing | blank.to_numpy(dtype=bool)
    if missing.any():
        position = int(np.flatnonzero(missing)[0])
        raise bad_value_error(
            "event_id",
            rows,
            position,
            ids.iloc[position],
            "a non-empty event id",
            f"deduplicate(how={how!r}) needs an id on every row: fill in the missing ids, "
            "drop those rows, or use how='one_a_day', which needs no ids.",
        )


def _counts(frame: pd.DataFrame, column: str, rows: pd.DataFrame) -> np.ndarray:
    """Validate a count column written by an earlier corroboration: integers >= 1."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values < 1) | (values != np.round(values))
    if pd.api.types.is_bool_dtype(raw.dtype):
        bad[:] = True
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise bad_value_error(
            column,
            rows,
            position,
            raw.iloc[position],
            "a whole number >= 1",
            f"{column!r} is the count written by deduplicate(how='corroboration'); fix the "
            "value, or drop or rename the column if it means something else.",
        )
    return values.astype(np.int64)


def _prior_counts(frame: pd.DataFrame, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Reports and sources per row when the input was corroborated before, else None."""
    present = [c for c in (_REPORTS, _SOURCES) if c in frame.columns]
    if not present:
        return None
    if len(present) == 1:
        other = _SOURCES if present[0] == _REPORTS else _REPORTS
        raise EventValidationError(
            f"Column {present[0]!r} is present without {other!r}. Both are written by "
            "deduplicate(how='corroboration') and are read back together when corroborating "
            f"again; add {other!r}, or drop or rename {present[0]!r}."
        )
    reports = _counts(frame, _REPORTS, rows)
    sources = _counts(frame, _SOURCES, rows)
    over = sources > reports
    if over.any():
        position = int(np.flatnonzero(over)[0])
        raise bad_value_error(
            _SOURCES,
            rows,
            position,
            sources[position],
            f"at most the row's {_REPORTS} ({reports[position]})",
            "A cluster cannot have more distinct sources than reports: fix the counts.",
        )
    return reports, sources


def _hosts(urls: pd.Series) -> pd.Series:
    """Lower-cased host of each URL, without "www."; citations ("BBC Monitoring") as text."""
    text = urls.str.strip().str.lower()
    # Plain regex replacements (no extract) stay vectorised in pyarrow-backed strings.
    text = text.str.replace(r"^(?:[a-z][a-z0-9+.\-]*:)?//", "", regex=True)  # scheme
    text = text.str.replace(r"^[^@/?#]*@", "", regex=True)  # user info
    text = text.str.replace(r"[/?#:].*$", "", regex=True)  # port, path, query
    return text.str.replace(r"^www[0-9]*\.", "", regex=True).str.rstrip(".")


def _names(sources: pd.Series) -> pd.Series:
    return sources.str.strip().str.lower()


def _source_labels(frame: pd.DataFrame) -> np.ndarray | None:
    """Integer code of each row's independent source (-1 if unknown), or None without one."""
    clean: Callable[[pd.Series], pd.Series]
    if "source" in frame.columns:
        column, clean = frame["source"], _names
    elif "url" in frame.columns:
        column, clean = frame["url"], _hosts
    else:
        return None
    # Clean each distinct value once: archives repeat a URL for every event of an article.
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    labels = clean(pd.Series(uniques.astype(str), dtype="string"))
    label_codes, _ = pd.factorize(labels.mask(labels.eq("").fillna(False)), use_na_sentinel=True)
    out = np.full(len(codes), -1, dtype=np.intp)
    known = codes >= 0
    out[known] = label_codes[codes[known]]
    return out


def _corroborate(frame: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per (directed dyad, type, day) cluster; returns the rows and their positions."""
    n = len(frame)
    prior = _prior_counts(frame, rows)
    group = frame.groupby(_DAY_KEY, sort=False, observed=True).ngroup().to_numpy()
    n_clusters = int(group.max()) + 1
    positions = np.arange(n)
    first = np.full(n_clusters, n)
    np.minimum.at(first, group, positions)
    # Number clusters by their first row, so that the output keeps the input's order.
    rank = np.empty(n_clusters, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(n_clusters)
    cluster = rank[group]
    first = np.sort(first)

    source_codes = _source_labels(frame)
    if source_codes is None:
        source_codes = positions  # no source information: every row is its own source
    else:
        unknown = source_codes < 0
        # A row whose source is unknown counts as one source of its own.
        source_codes[unknown] = source_codes.max(initial=-1) + 1 + np.arange(unknown.sum())
    pairs = pd.DataFrame({"cluster": cluster, "source": source_codes})
    distinct = pairs.loc[~pairs.duplicated(), "cluster"].to_numpy()
    sources = np.bincount(distinct, minlength=n_clusters).astype(np.int64)

    if prior is None:
        reports = np.bincount(cluster, minlength=n_clusters).astype(np.int64)
    else:
        prior_reports, prior_sources = prior
        reports = np.bincount(cluster, weights=prior_reports, minlength=n_clusters)
        reports = reports.astype(np.int64)
        # Rows corroborated before hide which sources they counted: merging them can only
        # bound the distinct sources from below, by the largest count of a single row.
        largest = np.zeros(n_clusters, dtype=np.int64)
        np.maximum.at(largest, cluster, prior_sources)
        sources = np.maximum(sources, largest)

    confidence = np.full(n_clusters, -np.inf)
    np.maximum.at(confidence, cluster, frame["confidence"].to_numpy(dtype=float))

    out = frame.iloc[first].reset_index(drop=True)
    out["intensity"] = sources.astype(float)
    out["confidence"] = confidence
    out[_REPORTS] = reports
    out[_SOURCES] = sources
    return out, first


def _canonical_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop categories no longer used, as validate_events would build them."""
    actor1 = cast(pd.Categorical, frame["actor1"].array)
    actor2 = cast(pd.Categorical, frame["actor2"].array)
    used = np.union1d(actor1.codes, actor2.codes)
    actors = actor1.categories[used[used >= 0]]
    frame["actor1"] = frame["actor1"].cat.set_categories(actors)
    frame["actor2"] = frame["actor2"].cat.set_categories(actors)
    frame["event_type"] = frame["event_type"].cat.remove_unused_categories()
    return frame


def _report(
    frame: pd.DataFrame,
    kept: np.ndarray,
    sources: np.ndarray | None,
    *,
    method: DedupMethod,
    directed: bool,
) -> pd.DataFrame:
    labels: pd.Index
    if len(frame) == 0:
        dyad, labels = np.zeros(0, dtype=np.intp), pd.Index([], dtype=object)
    else:
        actor1 = cast(pd.Categorical, frame["actor1"].array)
        actor2 = cast(pd.Categorical, frame["actor2"].array)
        dyad, labels = dyad_codes(actor1, actor2, directed=directed)
    size = len(labels)
    raw = np.bincount(dyad, minlength=size)
    n_kept = np.bincount(dyad[kept], minlength=size)
    columns = {"raw": raw, "kept": n_kept, "dropped": raw - n_kept}
    if sources is not None:
        columns["sources"] = np.bincount(dyad[kept], weights=sources, minlength=size)
    columns = {name: values.astype(np.int64) for name, values in columns.items()}
    report = pd.DataFrame(
        {"dyad": pd.Categorical.from_codes(np.arange(len(labels)), categories=labels), **columns}
    )
    report.attrs = {"method": method, "directed": directed}
    return report


def deduplicate(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    how: DedupMethod = "event_id",
    config: IndexConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove repeated records of the same event, by id, by day or by corroboration.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events`, validated here; the
        caller's frame is never modified.  To rename columns or add actor
        aliases, validate first with ``columns=``/``aliases=`` and pass the
        result (validating valid events changes nothing).
    how : {"event_id", "event_id_date", "one_a_day", "corroboration"}, default "event_id"
        The rule.  Each keeps the first row in input order of every key:

        ``"event_id"``
            Key: ``event_id``.  Drops records repeated verbatim, as when
            overlapping files or versions of a dataset are read together.
        ``"event_id_date"``
            Key: ``event_id`` and ``date``.  For datasets whose ids are only
            unique within a file (ICEWS ids repeat across yearly files and
            versions): the same id on another day is another event.
        ``"one_a_day"``
            Key: ``actor1``, ``actor2`` (direction matters), ``event_type`` and
            ``date``.  At most one record per directed dyad, type and day: the
            "one-a-day" filter of KEDS/TABARI and most machine-coded event data
            (see [1]_).  Needs no ids; loses genuinely repeated events.
        ``"corroboration"``
            Same key as ``"one_a_day"``, but each cluster of reports becomes
            one row weighted by its *independent sources* rather than its raw
            mentions: ``intensity`` is the number of distinct sources
            (``n_sources``), ``confidence`` the largest confidence in the
            cluster, and ``n_reports`` the number of raw rows.  Other columns
            (``event_id``, ``url``, ``description``, extras) come from the
            first row.  The configuration's ``intensity_transform`` (e.g.
            ``"log1p"``) then applies to ``n_sources`` when scoring.
    config : IndexConfig, optional
        Supplies custom event types for validation and ``directed``: the report
        counts per undirected dyad ("CHN-USA") by default, or per directed
        dyad ("USA->CHN") when ``config.directed`` is True.

    Returns
    -------
    kept : pandas.DataFrame
        The kept events: a valid canonical events frame (the columns of
        :func:`validate_events`, in the same order) with a fresh RangeIndex,
        rows in input order.  ``"corroboration"`` adds (or, for input it
        corroborated before, updates) the integer columns ``n_reports`` and
        ``n_sources`` at the end.
    report : pandas.DataFrame
        One row per dyad of the input, sorted by label: ``dyad``, ``raw``
        (input rows), ``kept`` and ``dropped`` (``raw - kept``); for
        ``"corroboration"`` also ``sources``, the dyad's independent sources
        summed over its clusters.  ``report.attrs`` holds ``method`` (the
        ``how`` used) and ``directed``.

    Raises
    ------
    ConfigurationError
        If ``how`` is not one of the rules above.
    TypeError
        If ``config`` is not an IndexConfig or None.
    EventValidationError
        If the events are invalid; if ``how`` is ``"event_id"`` or
        ``"event_id_date"`` and there is no ``event_id`` column or an id is
        missing or blank; for ``"corroboration"``, if ``n_reports`` or
        ``n_sources`` (from an earlier corroboration) is alone or not a
        whole number >= 1, or ``n_sources`` exceeds ``n_reports``.

    See Also
    --------
    validate_events : the canonical events layout.
    stability_index : score the kept events.

    Notes
    -----
    *Sources for corroboration.*  A row's source is its ``source`` value
    (stripped and lower-cased), or, when the events have no ``source``
    column, the host name of its ``url`` (lower-cased, without a leading
    ``www.``), so ``https://www.reuters.com/a`` and ``http://reuters.com/b``
    are one source.  Distinct outlets of one owner (``edition.cnn.com`` and
    ``cnn.com``) stay distinct.  A row without a source (no such column, or a
    missing or blank value) counts as one source of its own.

    *Corroborating again.*  Output of ``"corroboration"`` is recognised by its
    ``n_reports`` and ``n_sources`` columns, and corroborating it again
    changes nothing.  When clusters from separate runs meet (two corroborated
    files concatenated), ``n_reports`` adds up exactly but the sources behind
    each ``n_sources`` are gone, so the merged count is a lower bound: the
    larger of the distinct ``source`` labels and the largest single count.
    Corroborate raw reports in one call where possible.

    The report always satisfies ``raw - kept == dropped`` and
    ``report["raw"].sum() == len(events)``.

    References
    ----------
    .. [1] Schrodt, P. A. (2016), on the one-a-day filter long used with
       KEDS/TABARI-coded data, and its drawbacks,
       https://github.com/openeventdata/petrarch2/issues/16

    Examples
    --------
    >>> import pandas as pd
    >>> from tensionindex.dedup import deduplicate
    >>> reports = pd.DataFrame({
    ...     "date": ["2024-03-05", "2024-03-05", "2024-03-05", "2024-03-05", "2024-03-06"],
    ...     "actor1": ["CHN", "CHN", "CHN", "PHL", "CHN"],
    ...     "actor2": ["PHL", "PHL", "PHL", "CHN", "PHL"],
    ...     "event_type": ["water_cannon"] * 4 + ["ramming"],
    ...     "event_id": [101, 102, 102, 103, 104],
    ...     "url": ["https://www.reuters.com/a", "https://reuters.com/b",
    ...             "https://reuters.com/b", "https://apnews.com/c", "https://apnews.com/d"],
    ... })
    >>> kept, report = deduplicate(reports)  # how="event_id": the repeated 102 goes
    >>> kept["event_id"].tolist()
    [101, 102, 103, 104]
    >>> report
          dyad  raw  kept  dropped
    0  CHN-PHL    5     4        1
    >>> kept, report = deduplicate(reports, how="one_a_day")
    >>> kept[["actor1", "actor2", "event_type", "event_id"]]
      actor1 actor2    event_type  event_id
    0    CHN    PHL  water_cannon       101
    1    PHL    CHN  water_cannon       103
    2    CHN    PHL       ramming       104

    Three reports of one water-cannon incident, from one outlet, count once:

    >>> kept, report = deduplicate(reports, how="corroboration")
    >>> kept[["actor1", "actor2", "event_type", "intensity", "n_reports", "n_sources"]]
      actor1 actor2    event_type  intensity  n_reports  n_sources
    0    CHN    PHL  water_cannon        1.0          3          1
    1    PHL    CHN  water_cannon        1.0          1          1
    2    CHN    PHL       ramming        1.0          1          1
    >>> report.attrs["method"], report["sources"].tolist()
    ('corroboration', [3])
    >>> deduplicate(reports, how="one_a_dya")
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.ConfigurationError: The 'how' parameter ... Did you mean 'one_a_day'?
    """
    method = _check_how(how)
    cfg = with_overrides(config, {})
    frame = validate_events(events, config=cfg)
    rows = _where(events, frame)
    sources: np.ndarray | None = None
    if len(frame) == 0:
        if method in _ID_KEYS:
            _check_event_ids(frame, method, rows)
        kept_rows = np.zeros(0, dtype=np.intp)
        out = frame
        if method == "corroboration":
            _prior_counts(frame, rows)
            out = frame.assign(**{_REPORTS: np.zeros(0, np.int64), _SOURCES: np.zeros(0, np.int64)})
            sources = np.zeros(0, dtype=np.int64)
    elif method == "corroboration":
        out, kept_rows = _corroborate(frame, rows)
        sources = out[_SOURCES].to_numpy()
    else:
        if method in _ID_KEYS:
            _check_event_ids(frame, method, rows)
            keys = _ID_KEYS[method]
        else:
            keys = _DAY_KEY
        kept_rows = np.flatnonzero(~frame.duplicated(subset=keys, keep="first").to_numpy())
        out = frame.iloc[kept_rows].reset_index(drop=True)
    out = _canonical_categories(out)
    report = _report(frame, kept_rows, sources, method=method, directed=cfg.directed)
    return out, report
