"""JSON in, JSON out: the index for web services and other callers that speak JSON.

Three functions, each a pure function of its arguments (no module state, no
caches of results), so a web server can call them from many threads at once:

* :func:`score_records` scores a list of JSON event records from scratch
  (:func:`~tensionindex.score`, then :meth:`~tensionindex.ScoredEvents.index`);
* :func:`update_records` advances a saved :class:`~tensionindex.state.IndexState`
  (a JSON dict) by a batch of records and returns the new rows and the new
  state, for a stateless service that keeps the state between calls;
* :func:`error_payload` turns a library error into a JSON error body.

Errors are raised, not returned: invalid records raise
:class:`EventValidationError`, an invalid configuration
:class:`ConfigurationError` and an invalid argument (a date, a dyad)
:class:`InvalidParameterError`, all subclasses of :class:`TensionIndexError`
(and of ``ValueError``).  A service catches ``TensionIndexError``, answers
with ``error_payload(exc)`` and a client-error status (HTTP 400), and lets any
other exception become a server error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig, with_overrides
from tensionindex.exceptions import ConfigurationError, InvalidParameterError, TensionIndexError
from tensionindex.params import DateLike, Dates, Instance, Options, validate_params
from tensionindex.scored import RANGE, score
from tensionindex.state import IndexState, Late

__all__ = ["error_payload", "score_records", "update_records"]

#: What :func:`score_records` and :func:`update_records` return: the answer as a
#: JSON-serialisable dict, or as the JSON text ``json.dumps`` writes of it.
Output = Literal["dict", "json"]
_OUTPUT = {"output": [Options(("dict", "json"))]}

#: Above this many events for one dyad on one day, aggregation="sum" draws a warning.
BUSY_DAY_EVENTS = 20


def _config(
    config: IndexConfig | Mapping[str, Any] | None, overrides: Mapping[str, Any]
) -> IndexConfig:
    """An IndexConfig from an IndexConfig, a JSON dict of settings, or None."""
    if config is not None and not isinstance(config, IndexConfig):
        config = IndexConfig.from_dict(config)  # refuses non-mappings and unknown keys
    return with_overrides(config, overrides)


#: The keys of each index row, in the order they are written.
ROW_KEYS = ("dyad", "date", "events", "signal", "tension", "stability")


def _labels(frame: pd.DataFrame) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Dyads and dates as codes into their distinct values: (codes, dyads, codes, dates).

    A grid of d dyads by n days repeats each dyad n times and each day d
    times: the distinct ones are formatted once and taken by code.
    """
    dyads = frame["dyad"]
    codes = dyads.cat.codes.to_numpy() if isinstance(dyads.dtype, pd.CategoricalDtype) else None
    if codes is not None and (codes >= 0).all():
        names = [str(c) for c in dyads.cat.categories]
    else:  # not categorical, or a missing dyad: as astype(str) shows it
        codes, uniques = pd.factorize(dyads.astype(str))
        names = [str(u) for u in uniques]
    days = frame["date"].to_numpy().astype("datetime64[D]")
    distinct, inverse = np.unique(days, return_inverse=True)
    return codes, names, inverse.reshape(-1), np.datetime_as_string(distinct).tolist()


def _numbers(frame: pd.DataFrame) -> list[np.ndarray]:
    """The numeric columns of the rows: events as int64, the rest as float64."""
    return [
        frame["events"].to_numpy(np.int64),
        frame["signal"].to_numpy(float),
        frame["tension"].to_numpy(float),
        frame["stability"].to_numpy(float),
    ]


def _taken(values: list[str], codes: np.ndarray) -> list[str]:
    return np.array(values, dtype=object)[codes].tolist()  # type: ignore[no-any-return]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Index rows as JSON objects, dates as ISO 8601 text."""
    dyad_codes, dyads, date_codes, dates = _labels(frame)
    return [
        {
            "dyad": dyad,
            "date": date,
            "events": events,
            "signal": signal,
            "tension": tension,
            "stability": stability,
        }
        for dyad, date, events, signal, tension, stability in zip(
            _taken(dyads, dyad_codes),
            _taken(dates, date_codes),
            *(column.tolist() for column in _numbers(frame)),
            strict=True,
        )
    ]


def _texts(column: np.ndarray) -> list[str]:
    """Each number as ``json.dumps`` writes it: ``int.__repr__`` or ``float.__repr__``.

    ``float.__repr__`` is the shortest text that reads back to the same
    float, which is what JSON's encoder writes; mapped over the column's
    Python values, without the encoder's work per item.  Like
    ``json.dumps(..., allow_nan=False)``, NaN and infinity are refused.
    """
    if column.dtype.kind == "f":
        if not np.isfinite(column).all():
            raise ValueError("Out of range float values are not JSON compliant")
        return list(map(float.__repr__, column.tolist()))
    return list(map(int.__repr__, column.tolist()))


def _rows_json(frame: pd.DataFrame) -> str:
    """``json.dumps(_rows(frame), allow_nan=False)``, built column by column."""
    n = len(frame)
    if not n:
        return "[]"
    dyad_codes, dyads, date_codes, dates = _labels(frame)
    columns = [
        _taken([json.dumps(d) for d in dyads], dyad_codes),
        _taken([f'"{d}"' for d in dates], date_codes),  # ISO dates need no escaping
        *(_texts(column) for column in _numbers(frame)),
    ]
    # Twelve pieces a row, key and value alternately; joined once.
    pieces: list[str] = [""] * (12 * n)
    for k, (key, column) in enumerate(zip(ROW_KEYS, columns, strict=True)):
        pieces[2 * k :: 12] = [f'}}, {{"{key}": ' if k == 0 else f', "{key}": '] * n
        pieces[2 * k + 1 :: 12] = column
    pieces[0] = '{"dyad": '
    return "[" + "".join(pieces) + "}]"


def _answer(frame: pd.DataFrame, rest: dict[str, Any], output: Output) -> dict[str, Any] | str:
    """The answer as a dict, or as the JSON text ``json.dumps`` would write of that dict."""
    if output == "dict":
        return {"rows": _rows(frame), **rest}
    parts = [f'"rows": {_rows_json(frame)}']
    parts += [f"{json.dumps(k)}: {json.dumps(v, allow_nan=False)}" for k, v in rest.items()]
    return "{" + ", ".join(parts) + "}"


def _record_ids(records: object) -> list[Any]:
    """The ``event_id`` of each record (for records not kept after validation)."""
    if isinstance(records, pd.DataFrame):
        return records["event_id"].tolist() if "event_id" in records.columns else []
    if isinstance(records, Sequence):
        return [r.get("event_id") for r in records if isinstance(r, Mapping)]
    return []  # pragma: no cover - anything else failed validation already


def _warnings(ids: Iterable[Any], frame: pd.DataFrame, config: IndexConfig) -> list[str]:
    """Notes on the data that do not stop scoring but may change how to read it."""
    notes: list[str] = []
    known = pd.Series([i for i in ids if i is not None and i == i], dtype=object)
    repeated = int(known.duplicated(keep=False).sum())
    if repeated:
        notes.append(
            f"{repeated} events share an event_id with another event. If they are reports of "
            "the same event, deduplicate them first (tensionindex.deduplicate)."
        )
    busiest = int(frame["events"].max()) if len(frame) else 0
    if config.aggregation == "sum" and busiest > BUSY_DAY_EVENTS:
        notes.append(
            f"Up to {busiest} events for one dyad on one day with aggregation='sum': the "
            "index then follows the volume of reports. For coded news data use "
            "aggregation='mean' or 'share', or deduplicate first."
        )
    return notes


@overload
def score_records(
    records: Sequence[Mapping[str, Any]] | pd.DataFrame,
    config: IndexConfig | Mapping[str, Any] | None = ...,
    *,
    start: DateLike | None = ...,
    end: DateLike | None = ...,
    dyads: Sequence[str] | str | None = ...,
    output: Literal["dict"] = ...,
    **overrides: Any,
) -> dict[str, Any]: ...
@overload
def score_records(
    records: Sequence[Mapping[str, Any]] | pd.DataFrame,
    config: IndexConfig | Mapping[str, Any] | None = ...,
    *,
    start: DateLike | None = ...,
    end: DateLike | None = ...,
    dyads: Sequence[str] | str | None = ...,
    output: Literal["json"],
    **overrides: Any,
) -> str: ...
@validate_params({**RANGE, **_OUTPUT}, name="score_records")
def score_records(
    records: Sequence[Mapping[str, Any]] | pd.DataFrame,
    config: IndexConfig | Mapping[str, Any] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    output: Output = "dict",
    **overrides: Any,
) -> dict[str, Any] | str:
    """Score JSON event records and return the index as a JSON-serialisable dict.

    Parameters
    ----------
    records : list of dict
        Events as JSON records (``date`` as ISO 8601 text, ``actor1``,
        ``actor2``, ``event_type`` and optionally ``intensity``,
        ``confidence``, ``event_id``...), as :func:`validate_events` accepts
        them.  A DataFrame works too.
    config : IndexConfig or dict, optional
        The configuration, or its settings as a dict (as
        :meth:`IndexConfig.to_dict` gives, any subset of them).  Default
        ``IndexConfig()``.
    start, end, dyads
        As in :func:`stability_index`.
    output : {"dict", "json"}, default "dict"
        Return the answer as a dict, or as its JSON text: exactly what
        ``json.dumps(answer, allow_nan=False)`` writes of the dict, built
        column by column from the index's arrays, which for a service that
        writes JSON costs about a fifth of making the dict and then dumping it.
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``.

    Returns
    -------
    dict or str
        ``rows``: the index, one object per dyad and day with keys ``dyad``,
        ``date`` (``"2024-03-01"``), ``events``, ``signal``, ``tension`` and
        ``stability``, sorted by dyad then date; ``fingerprint`` and
        ``config``: the configuration used; ``warnings``: notes on the data
        (repeated event ids, very busy days under ``aggregation="sum"``);
        ``version``: of tensionindex.  ``json.dumps`` writes it with every
        float exact.  The same arguments always give the same dict.  With
        ``output="json"``, that dict as JSON text.

    Raises
    ------
    EventValidationError
        For invalid records or a dyad without events.
    InvalidParameterError
        For a bad ``start``, ``end`` or ``dyads``.
    ConfigurationError
        For an invalid configuration or an unknown override.

    See Also
    --------
    score : the same events scored once, for any number of queries.
    error_payload : the JSON body of an error.
    update_records : advance a saved state instead of scoring everything.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.service import score_records
    >>> out = score_records(
    ...     [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...       "event_type": "water_cannon"}],
    ...     half_life=2,
    ... )
    >>> out["rows"]
    [{'dyad': 'CHN-PHL', 'date': '2024-03-01', 'events': 1, 'signal': 7.0, 'tension': 7.0, \
'stability': 33.18122278318339}]
    >>> out["fingerprint"] == ti.IndexConfig(half_life=2).fingerprint
    True
    >>> out["warnings"]
    []
    >>> text = score_records(
    ...     [{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...       "event_type": "water_cannon"}],
    ...     half_life=2,
    ...     output="json",
    ... )
    >>> text[:62]
    '{"rows": [{"dyad": "CHN-PHL", "date": "2024-03-01", "events": '
    >>> import json
    >>> json.loads(text) == out
    True
    """
    from tensionindex import __version__

    scored = score(records, _config(config, overrides))
    frame = scored.index(start=start, end=end, dyads=dyads)
    events = scored.events
    ids = events["event_id"].tolist() if "event_id" in events.columns else []
    rest = {
        "fingerprint": scored.fingerprint,
        "config": scored.config.to_dict(),
        "warnings": _warnings(ids, frame, scored.config),
        "version": __version__,
    }
    return _answer(frame, rest, output)


@overload
def update_records(
    state: Mapping[str, Any] | None,
    records: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    until: DateLike | None = ...,
    config: IndexConfig | Mapping[str, Any] | None = ...,
    late: Late | None = ...,
    lookback: int | None = ...,
    output: Literal["dict"] = ...,
    **overrides: Any,
) -> dict[str, Any]: ...
@overload
def update_records(
    state: Mapping[str, Any] | None,
    records: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    until: DateLike | None = ...,
    config: IndexConfig | Mapping[str, Any] | None = ...,
    late: Late | None = ...,
    lookback: int | None = ...,
    output: Literal["json"],
    **overrides: Any,
) -> str: ...
@validate_params(
    {
        "state": [Instance((Mapping, None), "a state saved by IndexState.to_dict(), or None")],
        "until": [Dates()],
        **_OUTPUT,
    },
    name="update_records",
)
def update_records(
    state: Mapping[str, Any] | None,
    records: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    until: DateLike | None = None,
    config: IndexConfig | Mapping[str, Any] | None = None,
    late: Late | None = None,
    lookback: int | None = None,
    output: Output = "dict",
    **overrides: Any,
) -> dict[str, Any] | str:
    """Advance a saved index state by a batch of JSON records: JSON in, JSON out.

    Parameters
    ----------
    state : dict or None
        A state saved by :meth:`IndexState.to_dict` (as the previous call
        returned it), or None to start one.
    records : list of dict
        The batch of events, as in :func:`score_records`.
    until : date-like, optional
        Advance to this day even without events; see :meth:`IndexState.update`.
    config : IndexConfig or dict, optional
        The configuration of a new state.  With a saved state it is optional
        and, if given (or with overrides), must have the state's fingerprint:
        a guard against scoring with a configuration the state was not built
        with.
    late : {"reject", "correct"}, optional
        For a new state (default ``"reject"``); with a saved state it must
        match the state's if given.
    lookback : int, optional
        For a new state (default 30); with a saved state it must match if given.
    output : {"dict", "json"}, default "dict"
        The answer as a dict, or as the JSON text ``json.dumps`` writes of it
        (see :func:`score_records`).
    **overrides
        Configuration fields to change, as with ``config``.

    Returns
    -------
    dict or str
        ``rows`` (as in :func:`score_records`: the rows the update emitted,
        see :meth:`IndexState.update`), ``state`` (the new state, to pass to
        the next call), ``fingerprint``, ``warnings`` and ``version``; with
        ``output="json"``, as JSON text.

    Raises
    ------
    EventValidationError
        For invalid records or dates, late events the state refuses, or an
        ``until`` before the batch's latest event or the last emitted day.
    ConfigurationError
        For an invalid or damaged state, or a configuration, ``late`` or
        ``lookback`` that differs from the saved state's.

    Examples
    --------
    >>> import json
    >>> from tensionindex.service import update_records
    >>> first = update_records(None, [{"date": "2024-03-01", "actor1": "CHN",
    ...                                "actor2": "PHL", "event_type": "water_cannon"}],
    ...                        half_life=2)
    >>> saved = json.dumps(first["state"])  # kept by the caller between requests
    >>> second = update_records(json.loads(saved), [], until="2024-03-03")
    >>> [(row["date"], row["tension"]) for row in second["rows"]]
    [('2024-03-02', 4.949747468305833), ('2024-03-03', 3.5)]
    """
    from tensionindex import __version__

    if state is None:
        current = IndexState(
            _config(config, overrides),
            late=late if late is not None else "reject",
            lookback=lookback if lookback is not None else 30,
        )
    else:
        current = IndexState.from_dict(state)
        if config is not None or overrides:
            wanted = _config(config, overrides)
            if wanted.fingerprint != current.config.fingerprint:
                raise ConfigurationError(
                    f"The configuration given (fingerprint {wanted.fingerprint!r}) is not the "
                    f"one the saved state was built with ({current.config.fingerprint!r}). "
                    "Leave config out to use the state's, or start a new state."
                )
        for name, value in (("late", late), ("lookback", lookback)):
            if value is not None and value != getattr(current, name):
                raise ConfigurationError(
                    f"The saved state has {name}={getattr(current, name)!r}; got {name}="
                    f"{value!r}. Leave {name} out to keep the state's, or start a new state."
                )
    before = current.last_day
    frame = current.update(records, until=until)
    notes = _warnings(_record_ids(records), frame, current.config)
    if before is not None and len(frame):
        again = int((frame["date"] <= before).sum())
        if again:
            notes.append(
                f"{again} rows are for days emitted before, after late events: each replaces "
                "any earlier row with the same dyad and date."
            )
    rest = {
        "state": current.to_dict(),
        "fingerprint": current.config.fingerprint,
        "warnings": notes,
        "version": __version__,
    }
    return _answer(frame, rest, output)


# The one message shape of InvalidParameterError (see tensionindex.params.invalid).
_PARAMETER_MESSAGE = re.compile(r"^The '(?P<parameter>[^']+)' parameter of (?P<function>\S+) must ")


def error_payload(exc: TensionIndexError) -> dict[str, Any]:
    """The JSON body of an error: ``{"error": {"type": ..., "message": ...}}``.

    Parameters
    ----------
    exc : TensionIndexError
        An error raised by tensionindex: a problem with the caller's records
        or configuration, which a web service answers with HTTP 400.

    Returns
    -------
    dict
        ``{"error": {"type": "EventValidationError", "message": "..."}}``:
        the exception's class name and its message, which names the bad
        column, row and value, or the bad setting.  For an
        :class:`InvalidParameterError` the error also has ``parameter`` and
        ``function``: the argument to fix (``"start"``) and the function it
        was given to (``"score_records"``), so a client can point at the field.

    Raises
    ------
    TypeError
        If ``exc`` is not a :class:`TensionIndexError`: other exceptions are
        bugs or environment problems, not the caller's, and should not be
        shown to clients.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.service import error_payload, score_records
    >>> try:
    ...     score_records([{"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...                     "event_type": "water_canon"}])
    ... except ti.TensionIndexError as exc:
    ...     body = error_payload(exc)
    >>> body["error"]["type"]
    'EventValidationError'
    >>> "Did you mean 'water_cannon'?" in body["error"]["message"]
    True
    >>> try:
    ...     score_records([], start="soon")
    ... except ti.TensionIndexError as exc:
    ...     body = error_payload(exc)
    >>> body["error"]["type"], body["error"]["parameter"], body["error"]["function"]
    ('InvalidParameterError', 'start', 'score_records')
    """
    if not isinstance(exc, TensionIndexError):
        raise TypeError(
            "error_payload takes an error raised by tensionindex (a TensionIndexError). "
            f"Got {type(exc).__name__} instead; let other exceptions become server errors."
        )
    error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
    found = _PARAMETER_MESSAGE.match(str(exc)) if isinstance(exc, InvalidParameterError) else None
    if found is not None:
        error["parameter"] = found["parameter"]
        error["function"] = found["function"]
    return {"error": error}
