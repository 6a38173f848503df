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

Datasets also repeat each other: GDELT, ICEWS and POLECAT code the same news,
and an analyst's own list may hold the incident all three coded.
:func:`deduplicate_across_datasets` counts such a record once, listing the
datasets that reported it, and leaves the repeats within one dataset to
:func:`deduplicate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import pandas as pd

from tensionindex._types import DEDUP_METHODS, DedupMethod
from tensionindex.catalogue import entries
from tensionindex.config import IndexConfig, with_overrides
from tensionindex.engine import dyad_codes
from tensionindex.events import bad_value_error, validate_events
from tensionindex.exceptions import (
    ConfigurationError,
    EventValidationError,
    InvalidParameterError,
    did_you_mean,
)
from tensionindex.params import Instance, Options, validate_params

__all__ = [
    "DEDUP_METHODS",
    "EVENT_FAMILIES",
    "MERGE_REPORT_COLUMNS",
    "REPORT_COLUMNS",
    "DedupMethod",
    "EventFamily",
    "deduplicate",
    "deduplicate_across_datasets",
    "event_families",
]

#: How event types are grouped when records of two datasets are matched: by
#: CAMEO root code or by PLOVER type (see :func:`event_families`).
EventFamily: TypeAlias = Literal["cameo", "plover"]
EVENT_FAMILIES: tuple[EventFamily, ...] = ("cameo", "plover")

#: Columns of the report of :func:`deduplicate_across_datasets`.
MERGE_REPORT_COLUMNS: tuple[str, ...] = ("datasets", "rows", "kept", "merged")

# Joins the datasets of a merged record ("gdelt2;icews"); so no name may hold it.
_JOIN = ";"


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


# -- across datasets ----------------------------------------------------------------------


def _family_labels(types: Sequence[str], family: EventFamily, config: IndexConfig) -> list[str]:
    """The family of each (canonical, known) event-type key; see :func:`event_families`."""
    known = entries()
    categories = config.resolve(types).category
    labels = []
    for key, category in zip(types, categories, strict=True):
        entry = known.get(key)
        if entry is None:  # a custom type: only its category says what it is
            labels.append(f"category:{category}")
            continue
        plover = entry.plover.partition("/")[0]
        if entry.cameo and not (family == "plover" and plover):
            labels.append(f"cameo:{entry.cameo[:2]}")
        else:
            labels.append(f"plover:{plover}")
    return labels


_CONFIG = [Instance((IndexConfig, None), "an IndexConfig or None")]


@validate_params({"family": [Options(EVENT_FAMILIES)], "config": _CONFIG}, name="event_families")
def event_families(
    event_types: Sequence[str] | pd.Series,
    *,
    family: EventFamily = "cameo",
    config: IndexConfig | None = None,
) -> pd.Series:
    """The event family of each event type: what two datasets must agree on to match.

    Parameters
    ----------
    event_types : list of str or pandas.Series
        Event-type keys (``"cameo:042"``, ``"plover:CONSULT/phone"``,
        ``"water_cannon"``, custom types of ``config``), spelt as
        :func:`validate_events` accepts them.
    family : {"cameo", "plover"}, default "cameo"
        ``"cameo"``: the CAMEO root code, the first two digits of the CAMEO
        code (``"cameo:04"``, consult), for CAMEO codes and for analyst types
        (each is tied to a CAMEO code in the catalogue); PLOVER types keep
        their type without the mode (``"plover:CONSULT"``).  ``"plover"``: the
        PLOVER type (``"plover:CONSULT"``) for every built-in type that has
        one: CAMEO codes through the shipped CAMEO-to-PLOVER table, analyst
        types through their PLOVER column; CAMEO roots 01 and 02 (statements
        and appeals), which PLOVER does not code, keep their CAMEO root.
        Either way a custom type's family is its category
        (``"category:gray_zone"``).
    config : IndexConfig, optional
        Supplies custom event types.

    Returns
    -------
    pandas.Series
        The family labels, aligned with ``event_types`` (its index kept when
        it is a Series).

    Raises
    ------
    EventValidationError
        For an unknown event type (with suggestions).
    InvalidParameterError
        For an invalid ``family`` or ``config``.

    See Also
    --------
    deduplicate_across_datasets : matches records of one family only.

    Notes
    -----
    Under ``"cameo"``, GDELT and ICEWS records (both CAMEO-coded) and analyst
    events can match each other, but a POLECAT record (PLOVER-coded) matches
    only PLOVER-coded records.  Under ``"plover"`` all four can match, at the
    price of the PLOVER types' breadth: CAMEO roots 16 (reduce relations),
    17 (coerce) and 19 (fight) each span two PLOVER types, and root 08
    (yield) spans CONCEDE and RETREAT.

    Examples
    --------
    >>> from tensionindex.dedup import event_families
    >>> keys = ["cameo:042", "cameo:046", "leader_call", "plover:CONSULT/phone", "cameo:010"]
    >>> event_families(keys).tolist()
    ['cameo:04', 'cameo:04', 'cameo:04', 'plover:CONSULT', 'cameo:01']
    >>> event_families(keys, family="plover").tolist()
    ['plover:CONSULT', 'plover:CONSULT', 'plover:CONSULT', 'plover:CONSULT', 'cameo:01']
    """
    cfg = with_overrides(config, {})
    values = pd.Series(event_types, dtype=object)
    if len(values) == 0:
        return pd.Series([], index=values.index, dtype=object)
    # Validation spells and checks the keys as everywhere else (one row per distinct key).
    distinct = pd.unique(values.to_numpy())
    checked = validate_events(
        pd.DataFrame(
            {"date": "2000-01-01", "actor1": "AAA", "actor2": "BBB", "event_type": distinct}
        ),
        config=cfg,
    )["event_type"].astype(str)
    labels = dict(zip(distinct, _family_labels(list(checked), family, cfg), strict=True))
    return pd.Series([labels[v] for v in values], index=values.index, dtype=object)


def _dataset_codes(
    frame: pd.DataFrame, rows: pd.DataFrame
) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """(names, each row's dataset code, each row's bit mask of listed datasets or None)."""
    if "dataset" not in frame.columns:
        present = ", ".join(map(str, frame.columns))
        raise EventValidationError(
            "deduplicate_across_datasets needs a 'dataset' column naming where each row comes "
            f"from, and the events have none (columns: {present}). The readers add it "
            "(read_gdelt: 'gdelt1' or 'gdelt2', read_icews: 'icews', read_polecat: 'polecat'); "
            "for other events add it, e.g. events.assign(dataset='analyst')."
        )
    values = frame["dataset"].astype(object).to_numpy()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    good = np.array(
        [isinstance(u, str) and bool(u.strip()) and _JOIN not in u for u in uniques] + [False]
    )
    bad = ~good[codes]
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise bad_value_error(
            "dataset",
            rows,
            position,
            values[position],
            f"the name of the row's dataset (non-empty text without {_JOIN!r})",
            "Fill in the dataset of every row, or drop the rows without one.",
        )
    names = [str(u) for u in uniques]
    if "datasets" not in frame.columns:
        return names, codes.astype(np.intp), None
    # Rows merged before: each stands for every dataset its `datasets` lists.
    listed = frame["datasets"].astype(object).to_numpy()
    list_codes, list_uniques = pd.factorize(listed, use_na_sentinel=True)
    members: list[list[str] | None] = []
    for text in list_uniques:
        split = text.split(_JOIN) if isinstance(text, str) else []
        members.append(split if split and all(p.strip() for p in split) else None)
    lookup = {name: i for i, name in enumerate(names)}
    for parts in members:
        for part in parts or ():
            lookup.setdefault(part, len(lookup))
    names = list(lookup)
    bits = _bits(len(names))
    masks = [
        None if parts is None else np.bitwise_or.reduce(bits[[lookup[p] for p in parts]])
        for parts in members
    ]
    own = bits[codes]
    # A row without a value (concatenated after a merge) stands for its own dataset.
    mask = own.copy()
    ok = list_codes < 0
    for i, value in enumerate(masks):
        if value is None:
            continue
        at = list_codes == i
        mask[at] = value
        ok[at] = (own[at] & value) == own[at]
    if not ok.all():
        position = int(np.flatnonzero(~ok)[0])
        raise bad_value_error(
            "datasets",
            rows,
            position,
            listed[position],
            f"the datasets behind a merged row joined by {_JOIN!r}, among them the row's "
            f"own dataset {values[position]!r}",
            "'datasets' is written by deduplicate_across_datasets; fix the value, or drop "
            "or rename the column if it means something else.",
        )
    return names, codes.astype(np.intp), mask


def _bits(n: int) -> np.ndarray:
    """One bit per dataset: unsigned 64-bit masks, Python integers beyond 64 datasets."""
    dtype: Any = np.uint64 if n <= 64 else object
    return np.array([1 << i for i in range(n)], dtype=dtype)


def _first_fit(key: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Clusters of rows that list several datasets: each joins the first disjoint cluster."""
    cluster = np.empty(len(key), dtype=np.intp)
    open_clusters: dict[int, list[list[Any]]] = {}
    count = 0
    for i, (k, m) in enumerate(zip(key.tolist(), mask.tolist(), strict=True)):
        slots = open_clusters.setdefault(k, [])
        for slot in slots:
            if not slot[0] & m:
                slot[0] |= m
                cluster[i] = slot[1]
                break
        else:
            slots.append([m, count])
            cluster[i] = count
            count += 1
    return cluster


def _in_order_of_first_row(cluster: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, ... in the order of their first row."""
    n_clusters = int(cluster.max()) + 1
    first = np.full(n_clusters, len(cluster))
    np.minimum.at(first, cluster, np.arange(len(cluster)))
    rank = np.empty(n_clusters, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(n_clusters)
    renumbered: np.ndarray = rank[cluster]
    return renumbered


def _priorities(
    names: list[str], prefer: Sequence[str] | None, config: IndexConfig
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each dataset's rank as the row to keep (lower first), and the order in words."""
    if prefer is not None:
        wanted = list(prefer)
        for name in wanted:
            if not isinstance(name, str) or name not in names:
                raise InvalidParameterError(
                    "The 'prefer' parameter of deduplicate_across_datasets must list datasets "
                    f"of the events ({', '.join(map(repr, names))}). Got {name!r} instead."
                    + (did_you_mean(name, names) if isinstance(name, str) else "")
                )
        rank = np.array(
            [wanted.index(n) if n in wanted else len(wanted) for n in names], dtype=float
        )
        return rank, tuple(wanted)
    # A more reliable dataset's record is the one kept; unlisted datasets count as 1.
    reliability = dict(getattr(config, "dataset_confidence", None) or {})
    rank = np.array([-float(reliability.get(n, 1.0)) for n in names], dtype=float)
    order = sorted(range(len(names)), key=lambda i: rank[i])
    return rank, tuple(names[i] for i in order)


def _merge_report(
    labels: np.ndarray, sizes: np.ndarray, family: EventFamily, order: tuple[str, ...]
) -> pd.DataFrame:
    table = pd.DataFrame({"datasets": labels, "rows": sizes, "kept": 1})
    report = (
        table.groupby("datasets", sort=True)[["rows", "kept"]].sum().reset_index()
        if len(table)
        else pd.DataFrame({"datasets": pd.Series([], dtype=object), "rows": 0, "kept": 0})
    )
    report["rows"] = report["rows"].astype(np.int64)
    report["kept"] = report["kept"].astype(np.int64)
    report["merged"] = report["rows"] - report["kept"]
    report["datasets"] = report["datasets"].astype(object)
    report.attrs = {"family": family, "prefer": order}
    return report[list(MERGE_REPORT_COLUMNS)]


@validate_params(
    {
        "family": [Options(EVENT_FAMILIES)],
        "prefer": [Instance((list, tuple, None), "a list of dataset names or None")],
        "config": _CONFIG,
    },
    name="deduplicate_across_datasets",
)
def deduplicate_across_datasets(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    family: EventFamily = "cameo",
    prefer: Sequence[str] | None = None,
    config: IndexConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count once an event that several datasets recorded, listing the datasets.

    Two records of different datasets are the same event when they have the
    same actors in the same direction (``actor1`` -> ``actor2``), the same
    day and the same event family (:func:`event_families`): GDELT's
    ``cameo:042`` and ICEWS's ``cameo:043`` on USA -> CHN on one day are one
    consultation.  Records of one dataset are never merged with each other:
    that is :func:`deduplicate`'s job, to run on each dataset first.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events`, with a ``dataset``
        column (the readers add it); validated here, never modified.
    family : {"cameo", "plover"}, default "cameo"
        What an event family is: the CAMEO root code, or the PLOVER type
        (see :func:`event_families`; ``"plover"`` lets POLECAT records match
        CAMEO-coded ones).
    prefer : list of str, optional
        Datasets in order of preference: a merged event keeps the record of
        the first one listed among those that recorded it (datasets not
        listed come after, every name listed must be a dataset of the
        events).  By default the most reliable dataset's record is kept,
        after ``config.dataset_confidence`` (datasets not listed there count
        as 1); ties, and everything without a configuration, keep the first
        record in input order.
    config : IndexConfig, optional
        Supplies custom event types and ``dataset_confidence``.

    Returns
    -------
    kept : pandas.DataFrame
        The validated events, one row per event, in input order, with a fresh
        RangeIndex.  A merged event is one record of one dataset, unchanged,
        plus the column ``datasets``: the datasets that recorded it, sorted
        and joined by ``";"`` (``"gdelt2;icews"``; a row recorded by one
        dataset alone lists just that one).
    report : pandas.DataFrame
        One row per value of ``datasets``, sorted: ``datasets``, ``rows``
        (input rows behind those kept rows), ``kept`` and ``merged``
        (``rows - kept``).  A row "gdelt2;icews" counts the merges of that
        pair.  ``report.attrs`` holds ``family`` and ``prefer`` (the datasets
        in the order used to choose the record kept).

    Raises
    ------
    EventValidationError
        If the events are invalid, have no ``dataset`` column, or a row has
        a missing or blank dataset (or one holding ``";"``); for a
        ``datasets`` column (from an earlier merge) that does not list the
        row's own dataset.
    InvalidParameterError
        For an invalid ``family``, ``prefer`` or ``config``, or a name in
        ``prefer`` that is no dataset of the events.

    See Also
    --------
    deduplicate : repeats within one dataset.
    event_families : the families compared.
    source_agreement : how far the datasets agree, per dyad and day.

    Notes
    -----
    *Several records on one key.*  Within one directed dyad, family and day,
    the k-th record of each dataset (in input order) are merged together:
    three GDELT records and one ICEWS record of USA -> CHN consultations on a
    day give one merged event and two GDELT-only ones (the multiset
    intersection).  So no dataset's records are merged with each other, and
    ``len(kept) == len(events) - report["merged"].sum()``.

    *Merging again.*  A row with a ``datasets`` column stands for every
    dataset it lists: it is merged only with rows of other datasets (each
    row joins the first record of its key that shares no dataset with it),
    so that adding POLECAT to GDELT and ICEWS already merged gives the same
    events as merging all three at once, when each key holds at most one
    record per dataset.

    The kept record's confidence, intensity and type are its own: being in
    two datasets is not counted as corroboration here.  Per-dataset
    reliability (``dataset_confidence``) applies when scoring.

    Examples
    --------
    >>> import pandas as pd
    >>> from tensionindex.dedup import deduplicate_across_datasets
    >>> events = pd.DataFrame({
    ...     "date": ["2018-06-01"] * 4 + ["2018-06-02"],
    ...     "actor1": ["USA", "USA", "USA", "PRK", "USA"],
    ...     "actor2": ["PRK", "PRK", "PRK", "USA", "PRK"],
    ...     "event_type": ["cameo:042", "cameo:043", "cameo:040", "cameo:043", "cameo:112"],
    ...     "dataset": ["gdelt2", "icews", "gdelt2", "icews", "icews"],
    ... })
    >>> kept, report = deduplicate_across_datasets(events)
    >>> kept[["date", "actor1", "actor2", "event_type", "dataset", "datasets"]]
            date actor1 actor2 event_type dataset      datasets
    0 2018-06-01    USA    PRK  cameo:042  gdelt2  gdelt2;icews
    1 2018-06-01    USA    PRK  cameo:040  gdelt2        gdelt2
    2 2018-06-01    PRK    USA  cameo:043   icews         icews
    3 2018-06-02    USA    PRK  cameo:112   icews         icews
    >>> report
           datasets  rows  kept  merged
    0        gdelt2     1     1       0
    1  gdelt2;icews     2     1       1
    2         icews     2     2       0
    >>> kept, _ = deduplicate_across_datasets(events, prefer=["icews"])
    >>> kept["event_type"].tolist()[:2]
    ['cameo:043', 'cameo:040']
    """
    cfg = with_overrides(config, {})
    frame = validate_events(events, config=cfg)
    rows = _where(events, frame)
    names, dataset, listed = _dataset_codes(frame, rows)
    priority, order = _priorities(names, prefer, cfg)
    n = len(frame)
    if n == 0:
        out = frame.assign(datasets=pd.Series([], dtype=object))
        return out, _merge_report(np.zeros(0, dtype=object), np.zeros(0, np.int64), family, order)

    dyad, _ = dyad_codes(frame["actor1"].array, frame["actor2"].array, directed=True)
    types = cast(pd.Categorical, frame["event_type"].array)
    family_of_type, _ = pd.factorize(
        np.array(_family_labels([str(t) for t in types.categories], family, cfg), dtype=object)
    )
    day = frame["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    keys = pd.DataFrame({"dyad": dyad, "family": family_of_type[types.codes], "day": day})
    key = keys.groupby(["dyad", "family", "day"], sort=False).ngroup().to_numpy()

    bits = _bits(len(names))
    mask = bits[dataset] if listed is None else listed
    several = np.zeros(n, dtype=bool)
    if listed is not None:
        several = np.isin(key, np.unique(key[mask != bits[dataset]]))
    # One record per dataset in each cluster: the k-th of each dataset on a key together.
    single = ~several
    pairs = pd.DataFrame({"key": key[single], "dataset": dataset[single]})
    rank = pairs.groupby(["key", "dataset"], sort=False).cumcount().to_numpy()
    cluster = np.empty(n, dtype=np.intp)
    cluster[single] = (
        pd.DataFrame({"key": key[single], "rank": rank})
        .groupby(["key", "rank"], sort=False)
        .ngroup()
        .to_numpy()
    )
    if several.any():
        start = int(cluster[single].max(initial=-1)) + 1
        cluster[several] = start + _first_fit(key[several], mask[several])
    cluster = _in_order_of_first_row(cluster)

    # The kept record: the preferred dataset's, then the first in input order.
    positions = np.arange(n)
    by_cluster = np.lexsort((positions, priority[dataset], cluster))
    bounds = np.flatnonzero(np.diff(cluster[by_cluster], prepend=-1))
    chosen = by_cluster[bounds]  # one per cluster, in cluster order
    sizes = np.diff(np.append(bounds, n))
    members = np.bitwise_or.reduceat(mask[by_cluster], bounds)
    distinct, which = np.unique(members, return_inverse=True)
    text = [
        _JOIN.join(sorted(names[i] for i in range(len(names)) if int(m) >> i & 1)) for m in distinct
    ]
    labels = np.array(text, dtype=object)[which.ravel()]

    keep_order = np.argsort(chosen, kind="stable")
    out = frame.iloc[chosen[keep_order]].reset_index(drop=True)
    out["datasets"] = pd.Categorical(labels[keep_order], categories=sorted(set(text)))
    out = _canonical_categories(out)
    return out, _merge_report(labels, sizes.astype(np.int64), family, order)
