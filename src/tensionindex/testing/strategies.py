"""Hypothesis strategies for events and configurations.

Realistic by default: dates between 2018 and 2024 (about half the examples
within two months, the others spread over up to the whole range), actors from
a small pool of ISO 3166 alpha-3 codes, event types half from the analyst
catalogue and half ``cameo:NNN`` and ``plover:TYPE/mode`` keys, intensities in
[0, 5] and confidences in [0, 1].  Every drawn frame
passes :func:`tensionindex.validate_events` and every drawn configuration is
valid.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tensionindex import kernels as kernel_classes
from tensionindex._types import (
    AGGREGATIONS,
    DEFAULT_WEIGHTS,
    INTENSITY_TRANSFORMS,
    KERNELS,
    NEUTRALS,
    Aggregation,
    Kernel,
)
from tensionindex.catalogue import CATEGORIES, Source
from tensionindex.config import IndexConfig
from tensionindex.event_types import taxonomy

__all__ = ["ACTORS", "configs", "event_records", "event_types", "events"]

#: The default pool of actors: the United States, China, the Philippines,
#: Japan, Taiwan and Russia.
ACTORS: tuple[str, ...] = ("USA", "CHN", "PHL", "JPN", "TWN", "RUS")

_MIN_DATE = datetime.date(2018, 1, 1)
_MAX_DATE = datetime.date(2024, 12, 31)
_SOURCES: tuple[Source, ...] = ("analyst", "cameo", "plover")
_COLUMNS = (
    "date",
    "actor1",
    "actor2",
    "event_type",
    "intensity",
    "confidence",
    "event_id",
    "description",
)


@functools.cache
def _catalogue_keys(source: Source) -> tuple[str, ...]:
    # Called when the first example is drawn, not on import.
    return tuple(taxonomy(source=source)["event_type"])


def _fail(function: str, name: str, expected: str, value: object) -> InvalidArgument:
    return InvalidArgument(
        f"The {name!r} parameter of {function} must be {expected}. Got {value!r} instead."
    )


def event_types(*, sources: Sequence[Source] = _SOURCES) -> st.SearchStrategy[str]:
    """Built-in event-type keys: half analyst types, half CAMEO and PLOVER keys.

    Parameters
    ----------
    sources : sequence of {"analyst", "cameo", "plover"}, default all three
        Families of event type to draw from.  When analyst types are among
        them they make up about half of the draws.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of str
        Canonical keys such as ``"water_cannon"``, ``"cameo:0871"`` or
        ``"plover:CONSULT/phone"``.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``sources`` is empty or names an unknown family.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import tensionindex as ti
    >>> from tensionindex.testing import event_types
    >>> known = set(ti.taxonomy()["event_type"])
    >>> @settings(max_examples=20)
    ... @given(event_types())
    ... def test_known(key):
    ...     assert key in known
    >>> test_known()
    """
    chosen = tuple(sources)
    if not chosen or any(s not in _SOURCES for s in chosen):
        raise _fail("event_types", "sources", f"a non-empty sequence of {_SOURCES}", sources)

    # Deferred, so the catalogue is read when the first example is drawn.
    return st.deferred(lambda: st.sampled_from(_weighted_keys(chosen)))


@functools.cache
def _weighted_keys(sources: tuple[Source, ...]) -> tuple[str, ...]:
    """Keys of the chosen families, analyst keys repeated to be about half of them.

    One ``sampled_from`` over this list is a single cheap choice, which shrinks
    to the first analyst type.
    """
    families = {s: _catalogue_keys(s) for s in dict.fromkeys(sources)}
    coded = [k for s, keys in families.items() if s != "analyst" for k in keys]
    analyst = families.get("analyst", ())
    repeat = max(1, -(-len(coded) // len(analyst))) if analyst and coded else 1
    return tuple(analyst) * repeat + tuple(coded)


def _check_events_arguments(
    function: str,
    min_size: int,
    max_size: int,
    actors: Sequence[str],
    min_date: datetime.date,
    max_date: datetime.date,
    max_span_days: int | None,
) -> None:
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 0:
        raise _fail(function, "min_size", "an integer >= 0", min_size)
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < min_size:
        raise _fail(function, "max_size", f"an integer >= min_size ({min_size})", max_size)
    if isinstance(actors, str) or len(set(actors)) < 2:
        raise _fail(function, "actors", "a sequence of at least two distinct codes", actors)
    for name, value in (("min_date", min_date), ("max_date", max_date)):
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise _fail(function, name, "a datetime.date", value)
    if max_date < min_date:
        raise _fail(function, "max_date", f"a date on or after min_date ({min_date})", max_date)
    if max_span_days is not None and (
        isinstance(max_span_days, bool) or not isinstance(max_span_days, int) or max_span_days < 0
    ):
        raise _fail(function, "max_span_days", "an integer >= 0 or None", max_span_days)


# Intensities on a 0.1 grid over [0, 5] and confidences on a 0.01 grid over
# [0, 1], as analysts and coders record them.  Code 0 (which hypothesis
# favours and shrinks towards) is the default 1.0 for both, not a zero signal
# that tests little.
_INTENSITY_STEPS = 51
_CONFIDENCE_STEPS = 101


def _intensity(code: int) -> float:
    return ((code + 10) % _INTENSITY_STEPS) / 10


def _confidence(code: int) -> float:
    return 1.0 - code / (_CONFIDENCE_STEPS - 1)


@st.composite
def _rows(
    draw: st.DrawFn,
    min_size: int,
    max_size: int,
    actors: tuple[str, ...],
    types: st.SearchStrategy[str],
    min_date: datetime.date,
    max_date: datetime.date,
    max_span_days: int | None,
) -> list[dict[str, Any]]:
    # A sub-pool of actors and types per example, so that dyads and types repeat
    # (one dyad only, now and then) as they do in real data.  A bit mask is one
    # cheap choice (unique lists are slow to draw) and shrinks to the first two
    # actors.
    mask = draw(st.integers(0, 2 ** len(actors) - 1))
    pool = [a for i, a in enumerate(actors) if mask >> i & 1]
    pool += [a for a in actors if a not in pool][: max(0, 2 - len(pool))]
    type_pool = list(dict.fromkeys(draw(st.lists(types, min_size=1, max_size=8))))
    first = min_date + datetime.timedelta(days=draw(st.integers(0, (max_date - min_date).days)))
    room = (max_date - first).days
    if max_span_days is not None:
        room = min(room, max_span_days)
    # Half the time at most two months, so that neighbouring events fall inside
    # one another's half-life or window; otherwise up to the whole range.
    span = draw(st.integers(0, min(room, 60)) | st.integers(0, room))
    # Drawing the size first spreads it evenly over [min_size, max_size] (lists
    # alone would mostly be short) and still shrinks towards min_size.
    size = draw(st.integers(min_size, max_size))
    pairs = [(a, b) for a in pool for b in pool if a != b]
    # Each row is one integer coding its dyad, type, day, intensity and
    # confidence: one choice per row instead of five makes generation several
    # times faster, and it still shrinks towards the first dyad and type, on
    # the first day, with intensity and confidence 1.
    steps = (len(pairs), len(type_pool), span + 1, _INTENSITY_STEPS, _CONFIDENCE_STEPS)
    codes = draw(st.lists(st.integers(0, math.prod(steps) - 1), min_size=size, max_size=size))
    rows = []
    for i, code in enumerate(codes):
        parts = []
        for step in reversed(steps):
            code, part = divmod(code, step)
            parts.append(part)
        k_confidence, k_intensity, day, t, pair = parts
        (actor1, actor2), event_type = pairs[pair], type_pool[t]
        rows.append(
            {
                "date": first + datetime.timedelta(days=day),
                "actor1": actor1,
                "actor2": actor2,
                "event_type": event_type,
                "intensity": _intensity(k_intensity),
                "confidence": _confidence(k_confidence),
                "event_id": f"e{i}",
                "description": f"{actor1} {event_type} {actor2}",
            }
        )
    return rows


def _type_strategy(
    function: str, types: Sequence[str] | st.SearchStrategy[str] | None
) -> st.SearchStrategy[str]:
    if types is None:
        return event_types()
    if isinstance(types, st.SearchStrategy):
        return types
    if isinstance(types, str) or not types:
        raise _fail(function, "types", "a non-empty sequence of event types or a strategy", types)
    return st.sampled_from(tuple(types))


def events(
    *,
    min_size: int = 0,
    max_size: int = 30,
    actors: Sequence[str] = ACTORS,
    types: Sequence[str] | st.SearchStrategy[str] | None = None,
    min_date: datetime.date = _MIN_DATE,
    max_date: datetime.date = _MAX_DATE,
    max_span_days: int | None = None,
) -> st.SearchStrategy[pd.DataFrame]:
    """Frames of events in the canonical layout, ready for :func:`stability_index`.

    Parameters
    ----------
    min_size, max_size : int, default 0 and 30
        Bounds on the number of events (rows).
    actors : sequence of str, default :data:`ACTORS`
        Actor codes to draw from (at least two); each example uses a sub-pool
        of two or more of them, and actor1 differs from actor2.
    types : sequence of str or SearchStrategy of str, optional
        Event-type keys to draw from.  By default :func:`event_types`.  Each
        example uses a pool of one to eight of them.
    min_date, max_date : datetime.date, default 2018-01-01 and 2024-12-31
        Bounds on the event dates.
    max_span_days : int, optional
        Largest number of days between the first and the last event.  Either
        way about half the examples span at most 60 days, the others any
        number of days up to the limit.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of pandas.DataFrame
        Columns ``date`` (datetime64, midnight), ``actor1``, ``actor2``,
        ``event_type``, ``intensity`` (0 to 5 in steps of 0.1),
        ``confidence`` (0 to 1 in steps of 0.01), ``event_id`` (``"e0"``,
        ``"e1"``, ... unique) and ``description``.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If an argument is out of range.

    See Also
    --------
    event_records : the same events as a list of JSON-style dicts.
    configs : configurations to score them with.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import tensionindex as ti
    >>> from tensionindex.testing import events
    >>> @settings(max_examples=20)
    ... @given(events(max_size=10))
    ... def test_stability_is_bounded(frame):
    ...     result = ti.stability_index(frame)
    ...     assert result["stability"].between(0, 100).all()
    >>> test_stability_is_bounded()
    """
    _check_events_arguments("events", min_size, max_size, actors, min_date, max_date, max_span_days)
    rows = _rows(
        min_size,
        max_size,
        tuple(dict.fromkeys(actors)),
        _type_strategy("events", types),
        min_date,
        max_date,
        max_span_days,
    )
    return rows.map(_frame)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for name in _COLUMNS:
        values = [r[name] for r in rows]
        if name == "date":
            data[name] = np.array(values, dtype="datetime64[D]").astype("datetime64[ns]")
        elif name in ("intensity", "confidence"):
            data[name] = np.array(values, dtype=float)
        else:
            data[name] = pd.array(values, dtype="str")
    return pd.DataFrame(data, copy=False)


def event_records(
    *,
    min_size: int = 0,
    max_size: int = 30,
    actors: Sequence[str] = ACTORS,
    types: Sequence[str] | st.SearchStrategy[str] | None = None,
    min_date: datetime.date = _MIN_DATE,
    max_date: datetime.date = _MAX_DATE,
    max_span_days: int | None = None,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Events as JSON-style records: a list of dicts with ISO 8601 date strings.

    Parameters are those of :func:`events`.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of list of dict
        Each dict has the keys ``date`` (``"2024-03-05"``), ``actor1``,
        ``actor2``, ``event_type``, ``intensity``, ``confidence``,
        ``event_id`` and ``description``.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import tensionindex as ti
    >>> from tensionindex.testing import event_records
    >>> @settings(max_examples=20)
    ... @given(event_records(min_size=1, max_size=5))
    ... def test_validates(records):
    ...     assert len(ti.validate_events(records)) == len(records)
    >>> test_validates()
    """
    _check_events_arguments(
        "event_records", min_size, max_size, actors, min_date, max_date, max_span_days
    )
    rows = _rows(
        min_size,
        max_size,
        tuple(dict.fromkeys(actors)),
        _type_strategy("event_records", types),
        min_date,
        max_date,
        max_span_days,
    )
    return rows.map(lambda records: [{**r, "date": r["date"].isoformat()} for r in records])


def _positive(low: float, high: float) -> st.SearchStrategy[float]:
    # Round numbers are what analysts type; arbitrary floats find rounding bugs.
    round_numbers = st.integers(int(-(-low // 1)), int(high)).map(float)
    return st.one_of(round_numbers, st.floats(low, high))


_HALF_LIFE = _positive(0.5, 365.0)
_SCALE = _positive(0.5, 50.0)
_CATEGORY = st.sampled_from(CATEGORIES)
# Each optional mapping is empty half the time (one cheap choice: dictionaries
# are the slowest part of a configuration to draw), else has one to a few keys.
_NONE: st.SearchStrategy[dict[str, float]] = st.just({})
_MULTIPLIERS = _NONE | st.dictionaries(_CATEGORY, st.floats(0.0, 3.0), min_size=1, max_size=3)
_HALF_LIVES = _NONE | st.dictionaries(_CATEGORY, _HALF_LIFE, min_size=1, max_size=3)


@st.composite
def _configs(
    draw: st.DrawFn,
    kernels: tuple[Kernel, ...],
    directed: bool | None,
    weights: st.SearchStrategy[dict[str, float]],
    category_settings: bool,
    aggregations: tuple[Aggregation, ...],
    coded_settings: bool = False,
) -> IndexConfig:
    kernel = draw(st.sampled_from(kernels))
    if kernel == "carryover":  # it refuses kernel_mean (a count that never decays)
        aggregations = tuple(a for a in aggregations if a != "kernel_mean") or ("sum",)
    settings: dict[str, Any] = {
        "kernel": kernel,
        "aggregation": draw(st.sampled_from(aggregations)),
        "bound": draw(st.floats(0.5, 100.0)),
        "half_life": draw(_HALF_LIFE),
        "window": draw(st.integers(1, 400)),
        "scale": draw(_SCALE),
        "directed": draw(st.booleans()) if directed is None else directed,
        "default_weights": draw(st.sampled_from(DEFAULT_WEIGHTS)),
        "intensity_transform": draw(st.sampled_from(INTENSITY_TRANSFORMS)),
        "use_confidence": draw(st.booleans()),
        "weights": draw(weights),
    }
    if category_settings:
        settings["category_multipliers"] = draw(_MULTIPLIERS)
        if "category_half_lives" in kernel_classes.KERNELS[kernel].settings:
            settings["category_half_lives"] = draw(_HALF_LIVES)
    if coded_settings:
        settings["neutral"] = draw(st.sampled_from(NEUTRALS))
        settings["neutral_days"] = draw(st.integers(1, 400))
        settings["prior_events"] = draw(st.floats(0.25, 5.0))
        settings["min_information"] = draw(st.floats(0.0, 3.0))
        if draw(st.booleans()):
            settings["scale"] = "auto"
    return IndexConfig(**settings)


#: The kernels that sum past events (tension = sum_i K s_i): what the properties of
#: the method (superposition, linearity in the weights) hold for.
SUMMING_KERNELS: tuple[Kernel, ...] = tuple(
    k for k in KERNELS if kernel_classes.KERNELS[k].linear
)


def configs(
    *,
    kernels: Sequence[Kernel] = SUMMING_KERNELS,
    directed: bool | None = None,
    types: Sequence[str] | st.SearchStrategy[str] | None = None,
    category_settings: bool = True,
    aggregations: Sequence[Aggregation] = ("sum",),
    coded_settings: bool = False,
) -> st.SearchStrategy[IndexConfig]:
    """Valid configurations over the kernels and the whole parameter range.

    Parameters
    ----------
    kernels : sequence of {"exponential", "window", "carryover"}, default ("exponential", "window")
        Kernels to draw from.  By default the two that sum past events, for
        which superposition and linearity in the weights hold; ``carryover``
        (bounded, ``bound`` drawn in 0.5..100) only when asked for.
    directed : bool, optional
        Fix ``directed``; by default both values are drawn.
    types : sequence of str or SearchStrategy of str, optional
        Event types that ``weights`` may override (up to four of them, with
        weights in [-10, 10]).  By default :func:`event_types`.
    category_settings : bool, default True
        Also draw category multipliers (0..3) and, for the exponential kernel,
        per-category half-lives (0.5..365 days).
    aggregations : sequence of {"sum", "mean", "share"}, default ("sum",)
        Daily aggregations to draw from.  Only ``sum`` keeps the index linear
        in the events (superposition, monotonicity), hence the default.
    coded_settings : bool, default False
        Also draw the settings for coded news data: ``neutral`` (zero, dyad
        or source, over 1..400 days), ``prior_events`` (0.25..5),
        ``min_information`` (0..3) and ``scale="auto"`` half the time.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of IndexConfig
        ``half_life`` in 0.5..365 days, ``window`` in 1..400 days, ``scale``
        in 0.5..50, either default weight scale, any intensity transform, with
        or without confidence.

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``kernels`` is empty or names an unknown kernel.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from tensionindex.testing import configs
    >>> @settings(max_examples=20)
    ... @given(configs(kernels=["window"]))
    ... def test_window(config):
    ...     assert config.kernel == "window" and 1 <= config.window <= 400
    >>> test_window()
    """
    chosen = tuple(kernels)
    if not chosen or any(k not in KERNELS for k in chosen):
        raise _fail("configs", "kernels", f"a non-empty sequence of {KERNELS}", kernels)
    if directed is not None and not isinstance(directed, bool):
        raise _fail("configs", "directed", "True, False or None", directed)
    weights = _NONE | st.dictionaries(
        _type_strategy("configs", types), st.floats(-10.0, 10.0), min_size=1, max_size=4
    )
    picked = tuple(aggregations)
    if not picked or any(a not in AGGREGATIONS for a in picked):
        raise _fail(
            "configs", "aggregations", f"a non-empty sequence of {AGGREGATIONS}", aggregations
        )
    return _configs(
        chosen, directed, weights, bool(category_settings), picked, bool(coded_settings)
    )
