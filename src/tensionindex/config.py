"""The configuration: every tunable of the index in one frozen, validated value.

A configuration is data.  It round-trips through TOML and JSON, has a content
fingerprint that identifies the numbers it produces, and two configurations can
be compared with :func:`diff`.  Built-in profiles (``goldstein``, ``plover``)
are TOML files shipped in ``tensionindex/data/profiles``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
import numbers
import re
import stat
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from tensionindex._types import (
    AGGREGATIONS,
    DEFAULT_WEIGHTS,
    IMPRECISE_DATES,
    INTENSITY_TRANSFORMS,
    KERNELS,
    NEUTRALS,
    Aggregation,
    DefaultWeights,
    ImpreciseDates,
    IntensityTransform,
    Kernel,
    Neutral,
)
from tensionindex.catalogue import (
    EventTypeSpec,
    ResolvedTypes,
    builtin_event_types,
    check_custom_types,
    known_categories,
    normalize_event_type,
    resolve_event_types,
    tables_digest,
    unknown_type_message,
)
from tensionindex.exceptions import ConfigurationError, InvalidParameterError, did_you_mean
from tensionindex.kernels import KERNELS as KERNEL_CLASSES
from tensionindex.kernels import Kernel as KernelObject
from tensionindex.kernels import make_kernel
from tensionindex.params import describe_value

__all__ = ["IndexConfig", "diff", "load_config", "load_profile", "profiles"]

# Settings that describe a configuration but do not change any number.
_METADATA_FIELDS = ("name", "description")
# Settings that change no number: when a warning is given, not what is computed.
_WARNING_FIELDS = ("saturation_share",)
# Settings that change no number: how values are named (see :func:`grade`).
_DISPLAY_FIELDS = ("grades",)
# Settings that change no number: how much memory a computation may ask for.
_LIMIT_FIELDS = ("max_grid_cells",)
#: Default of ``max_grid_cells``: 50 million values (400 MB) per column of a grid.
DEFAULT_MAX_GRID_CELLS = 50_000_000
#: Largest configuration text read (``max_bytes=`` of :func:`load_config`): a
#: configuration of every event type with custom weights is about 20 KB.
MAX_CONFIG_BYTES = 1 << 20
#: Deepest nesting of a configuration's tables and keys (they nest three deep:
#: ``custom_types.<type>.weight``); deeper text is refused before it is parsed
#: (a dotted key of thousands of parts takes TOML parsers minutes).
MAX_CONFIG_DEPTH = 8
# Quoted parts of a TOML key may hold dots: removed before the dots are counted.
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
#: Named bands of stability and the lower bound of each (a convention, not a measurement).
DEFAULT_GRADES: tuple[tuple[str, float], ...] = (
    ("confrontational", 0.0),
    ("tense", 15.0),
    ("cool", 35.0),
    ("normal", 45.0),
    ("good", 55.0),
    ("friendly", 70.0),
)
#: Longest trailing window of ``neutral="dyad"``, in days.
MAX_NEUTRAL_DAYS = 100_000
_FINGERPRINT_SCHEMA = 1
#: Longest window kernel, in days (about 270 years): longer ones add nothing but overflow risk.
MAX_WINDOW = 100_000


K = TypeVar("K")
V = TypeVar("V")


class FrozenMapping(Mapping[K, V]):
    """A read-only mapping that pickles and copies (``MappingProxyType`` does neither).

    Configurations travel to worker processes and into ``copy.deepcopy``; their
    mapping fields must survive that while staying immutable.
    """

    __slots__ = ("_data",)

    def __init__(self, items: Iterable[tuple[K, V]] | Mapping[K, V] = ()) -> None:
        self._data: dict[K, V] = dict(items)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return dict(self._data) == dict(other) if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMapping, (list(self._data.items()),))


def _fail(name: str, expected: str, value: object) -> ConfigurationError:
    if isinstance(value, np.generic):
        value = value.item()  # show 14, not np.int64(14)
    return ConfigurationError(
        f"The {name!r} parameter of IndexConfig must be {expected}. Got {value!r} instead."
    )


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _number(
    name: str, value: object, *, minimum: float | None = None, strict: bool = True
) -> float:
    """Validate a finite real number, optionally bounded below."""
    bound = "" if minimum is None else (f" > {minimum:g}" if strict else f" >= {minimum:g}")
    # numbers.Real also admits numpy scalars such as np.int64(14), common in notebooks.
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise _fail(name, f"a finite number{bound}", value)
    number = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0: one spelling per value
    if not math.isfinite(number):
        raise _fail(name, f"a finite number{bound}", value)
    if minimum is not None and (number <= minimum if strict else number < minimum):
        raise _fail(name, f"a number{bound}", value)
    return number


def _days(name: str, value: object, most: int) -> int:
    """Validate a whole number of days from 1 to ``most``."""
    days = float(value) if isinstance(value, numbers.Real) and not _is_bool(value) else 0.0
    if not (math.isfinite(days) and days.is_integer() and 1 <= days <= most):
        raise _fail(name, f"an integer number of days from 1 to {most}", value)
    return int(days)


def _choice(name: str, value: object, choices: Iterable[str]) -> str:
    options = tuple(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise ConfigurationError(
            f"The {name!r} parameter of IndexConfig must be one of {listed}. Got {value!r} instead."
            + (did_you_mean(value, options) if isinstance(value, str) else "")
        )
    return str(value)


def _mapping(name: str, value: object) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise _fail(name, "a mapping (dict)", value)
    return value


def _grades(value: object) -> Mapping[str, float]:
    """Validate named bands of stability: names to lower bounds, sorted by bound."""
    given = _mapping("grades", value)
    bands: list[tuple[str, float]] = []
    for key, bound in given.items():
        if not isinstance(key, str) or not key.strip():
            raise _fail(
                "grades", "a mapping from non-empty band names to lower bounds from 0 to 100", key
            )
        number = _number(f"grades[{key!r}]", bound)
        if not 0 <= number <= 100:
            raise _fail(f"grades[{key!r}]", "a lower bound from 0 to 100", bound)
        bands.append((key, number))
    bands.sort(key=lambda band: band[1])
    if not bands or bands[0][1] != 0:
        lowest = bands[0] if bands else None
        raise ConfigurationError(
            "The 'grades' parameter of IndexConfig must start a band at 0, so that every "
            f"stability has a name. Got {dict(given)!r} instead; "
            + (
                f"lower {lowest[0]!r} to 0 or add a band from 0."
                if lowest
                else "give at least one band, e.g. {'all': 0}."
            )
        )
    for (first, low), (second, high) in itertools.pairwise(bands):
        if low == high:
            raise ConfigurationError(
                f"The 'grades' parameter of IndexConfig must give each band its own lower bound. "
                f"Got {first!r} and {second!r} both at {low:g}; move one of them, or drop it."
            )
    return FrozenMapping(bands)


@dataclass(frozen=True, kw_only=True)
class IndexConfig:
    """Every tunable of the stability index, validated on creation.

    Change a setting with :func:`dataclasses.replace` (which validates again) or
    pass it as an override to :func:`stability_index`.

    Parameters
    ----------
    default_weights : {"goldstein", "plover"}, default "goldstein"
        Scale that supplies every weight not set in ``weights``.
        ``"goldstein"``: an analyst type weighs what the analyst table gives it
        (an explicit weight with a reason and a plausible range where its CAMEO
        code misleads, otherwise minus the Goldstein value of that code), a
        ``cameo:`` key minus the Goldstein value of its code.  ``"plover"``:
        minus the PLOVER conflict-cooperation score of the type's PLOVER
        type/mode (a type counted per aircraft keeps the table's weight).
    weights : mapping of str to float, optional
        Tension weights by event type, merged over the defaults.  Positive
        raises tension, negative lowers it.  Keys must be known event types.
    category_multipliers : mapping of str to float, optional
        Multiplier (>= 0) applied to every type in a category; 1 if absent.
    custom_types : mapping of str to EventTypeSpec or dict, optional
        Event types of your own: ``{"navy_band": {"label": ..., "category":
        ..., "weight": ...}}``.
    intensity_transform : {"linear", "log1p", "sqrt"}, default "linear"
        Function f applied to each event's intensity.
    use_confidence : bool, default True
        Whether each event's confidence (0..1) multiplies its signal.
    aggregation : {"sum", "mean", "share", "kernel_mean"}, default "sum"
        How a dyad's events make its tension: their ``sum`` (right for curated
        events, where each event is a fact), the ``mean`` of each day's events,
        their sum divided by the source's total number of records that day
        (``share``; the totals come from ``coverage=`` of
        :func:`stability_index`, or else from the events given), or the
        kernel-weighted mean signal per event, ``sum_i K s_i / (sum_i K +
        prior_events)`` over the events within the kernel (``kernel_mean``:
        the recommended setting for coded news data, where volume follows news
        attention; see docs/methodology.md).
    prior_events : float, default 1
        Under ``kernel_mean``: pseudo-events at the baseline added to the
        denominator (>= 0), so that one report on a quiet stretch does not
        swing the index; their weight fades as real events accumulate.
    neutral : {"zero", "dyad", "source"}, default "zero"
        What a neutral event is, its baseline signal b_i: 0 (``zero``), the
        mean signal per event of the dyad over the ``neutral_days`` days
        before each event (``dyad``, no look-ahead; 0 without such events), or
        the mean signal per event of all the events scored together, per
        ``dataset`` when the events have that column (``source``).  Each event
        counts as s_i - b_i, so that neutral means "usual for this dyad" or
        "usual for this source".
    neutral_days : int, default 365
        Length of the dyad's trailing baseline, in days (1 to 100000).
    min_information : float, default 0.25
        Values backed by fewer decayed events than this (the ``information``
        column of the index) are flagged ``low_information`` (>= 0).  The
        default flags a value when less than a quarter of one event's weight
        is left (under the exponential kernel: the last lone event is more
        than two half-lives old), so most of the value is silence.
    saturation_share : float, default 0.5
        Warn when a dyad spends more than this share of its days within 1 point
        of 0 or 100 (0 < share <= 1).  Changes no number.
    dataset_confidence : mapping of str to float, optional
        Reliability of each ``dataset`` (0..1): multiplies the confidence of
        that dataset's events (datasets not listed: 1).
    imprecise_dates : {"middle", "spread"}, default "middle"
        Where an event dated only to its week, month or year (``date_precision``
        of :func:`validate_events`) counts: on the middle day of its period
        (``middle``: day 16 of a 31-day month, the Thursday of an ISO week,
        2 July of a common year), or spread uniformly over the days of its
        period (``spread``: 1/n of its signal on each of the n days; still one
        event in attribution, deduplication and counts).  See "Events dated to
        the week, month or year" in docs/methodology.md.  Changes no number
        when every event is dated to the day.
    kernel : {"exponential", "window", "carryover"}, default "exponential"
        How past signals count today: exponential decay with ``half_life``, a
        flat sum over the last ``window`` days, or each day's value carried
        into the next, moved by the day's signal and held within
        ``[-bound, bound]`` (``carryover``, in the style of the Tsinghua
        index; not linear in the signals, so per-category splits refuse it).
    half_life : float, default 30
        Half-life of the exponential kernel, in days (> 0).
    category_half_lives : mapping of str to float, optional
        Half-life in days for particular categories (exponential kernel only);
        other categories use ``half_life``.
    window : int, default 90
        Length of the window kernel, in days (1 to 100000).
    bound : float, default 30
        Under ``kernel="carryover"``: the largest absolute tension (> 0),
        where the carried value stops.  With the default ``scale`` of 10, stability then
        stays within about [4.7, 95.3].
    scale : float or "auto", default 10
        Tension at which stability has moved from 50 to about 27 (the logistic
        scale, > 0).  ``"auto"``: the 90th percentile of ``|tension|`` over the
        dyad-days with enough information, divided by ln 19, so that nine
        values in ten lie within [5, 95]; computed once per scored object and
        recorded in each result's provenance.
    directed : bool, default False
        Score "A->B" and "B->A" separately instead of the undirected "A-B".
    grades : mapping of str to float, optional
        Named bands of stability for :func:`grade`: each name maps to the
        band's lower bound, from 0 to 100; a band runs from its bound
        (included) to the next one (excluded), the last to 100 (included).
        Stored sorted by bound; the lowest must be 0.  Default:
        confrontational 0, tense 15, cool 35, normal 45, good 55, friendly
        70 (a convention for reading the logistic stability, not a
        measurement).  Changes no number: not part of the fingerprint.
    max_grid_cells : int, default 50000000
        Largest grid (dyads x days) a computation may allocate, per column
        (8 bytes a value: 400 MB by default; a computation holds a few such
        columns at once).  A larger request is an error that names its size
        and the ways to shrink it (``start``/``end``, ``dyads=``) before any
        memory is taken.  Changes no number: not part of the fingerprint.
    name, description : str, optional
        Free text describing the configuration.  Not part of the fingerprint.

    Raises
    ------
    ConfigurationError
        If any value is invalid; the message names the parameter and value.

    Examples
    --------
    >>> import dataclasses
    >>> from tensionindex import IndexConfig
    >>> config = IndexConfig(half_life=14, weights={"water_cannon": 12})
    >>> config.half_life, dict(config.weights)
    (14.0, {'water_cannon': 12.0})
    >>> dataclasses.replace(config, kernel="window", window=30).kernel
    'window'
    >>> IndexConfig(half_life=-3)
    Traceback (most recent call last):
    ...
    tensionindex.exceptions.ConfigurationError: The 'half_life' parameter ... Got -3 instead.
    """

    default_weights: DefaultWeights = "goldstein"
    weights: Mapping[str, float] = field(default_factory=dict)
    category_multipliers: Mapping[str, float] = field(default_factory=dict)
    custom_types: Mapping[str, EventTypeSpec] = field(default_factory=dict)
    intensity_transform: IntensityTransform = "linear"
    use_confidence: bool = True
    aggregation: Aggregation = "sum"
    prior_events: float = 1.0
    neutral: Neutral = "zero"
    neutral_days: int = 365
    min_information: float = 0.25
    saturation_share: float = 0.5
    dataset_confidence: Mapping[str, float] = field(default_factory=dict)
    imprecise_dates: ImpreciseDates = "middle"
    kernel: Kernel = "exponential"
    half_life: float = 30.0
    category_half_lives: Mapping[str, float] = field(default_factory=dict)
    window: int = 90
    bound: float = 30.0
    scale: float | Literal["auto"] = 10.0
    directed: bool = False
    grades: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_GRADES))
    max_grid_cells: int = DEFAULT_MAX_GRID_CELLS
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(
            self,
            "default_weights",
            _choice("default_weights", self.default_weights, DEFAULT_WEIGHTS),
        )
        put(self, "kernel", _choice("kernel", self.kernel, KERNELS))
        put(self, "aggregation", _choice("aggregation", self.aggregation, AGGREGATIONS))
        put(
            self,
            "intensity_transform",
            _choice("intensity_transform", self.intensity_transform, INTENSITY_TRANSFORMS),
        )
        for flag in ("use_confidence", "directed"):
            if not isinstance(getattr(self, flag), bool):
                raise _fail(flag, "True or False", getattr(self, flag))
        for text in _METADATA_FIELDS:
            if not isinstance(getattr(self, text), str):
                raise _fail(text, "a string", getattr(self, text))
        put(self, "half_life", _number("half_life", self.half_life, minimum=0))
        if isinstance(self.scale, str) and self.scale != "auto":
            raise _fail("scale", "a number > 0 or 'auto'", self.scale)
        if self.scale != "auto":
            put(self, "scale", _number("scale", self.scale, minimum=0))
        put(self, "neutral", _choice("neutral", self.neutral, NEUTRALS))
        put(
            self,
            "imprecise_dates",
            _choice("imprecise_dates", self.imprecise_dates, IMPRECISE_DATES),
        )
        prior = _number("prior_events", self.prior_events, minimum=0, strict=False)
        put(self, "prior_events", prior)
        put(
            self,
            "min_information",
            _number("min_information", self.min_information, minimum=0, strict=False),
        )
        share = _number("saturation_share", self.saturation_share, minimum=0)
        if share > 1:
            raise _fail("saturation_share", "a number > 0 and <= 1", self.saturation_share)
        put(self, "saturation_share", share)
        put(self, "neutral_days", _days("neutral_days", self.neutral_days, MAX_NEUTRAL_DAYS))
        reliability: dict[str, float] = {}
        for key, value in _mapping("dataset_confidence", self.dataset_confidence).items():
            if not isinstance(key, str):
                raise _fail("dataset_confidence", "a mapping from dataset names to numbers", key)
            number = _number(f"dataset_confidence[{key!r}]", value, minimum=0, strict=False)
            if number > 1:
                raise _fail(f"dataset_confidence[{key!r}]", "a number from 0 to 1", value)
            reliability[key] = number
        put(self, "dataset_confidence", FrozenMapping(sorted(reliability.items())))
        put(self, "window", _days("window", self.window, MAX_WINDOW))
        put(self, "bound", _number("bound", self.bound, minimum=0))
        if self.kernel == "carryover" and self.aggregation == "kernel_mean":
            raise ConfigurationError(
                "kernel='carryover' never forgets an event, so aggregation='kernel_mean' "
                "would divide by a count that only grows. Use aggregation='sum' (or "
                "'mean') with the carry-over kernel."
            )
        put(self, "grades", _grades(self.grades))
        cells = self.max_grid_cells
        if isinstance(cells, bool) or not isinstance(cells, int | np.integer) or cells < 1:
            raise _fail("max_grid_cells", "an integer >= 1", cells)
        put(self, "max_grid_cells", int(cells))

        customs: dict[str, EventTypeSpec] = {}
        for key, spec in _mapping("custom_types", self.custom_types).items():
            customs[str(key)] = self._custom_spec(str(key), spec)
        check_custom_types(customs)
        put(self, "custom_types", FrozenMapping(sorted(customs.items())))

        known_types = builtin_event_types() | set(customs)
        weights: dict[str, float] = {}
        for key, value in _mapping("weights", self.weights).items():
            if not isinstance(key, str):
                raise _fail("weights", "a mapping from event-type names to numbers", key)
            norm = normalize_event_type(key)
            if norm not in known_types:
                raise ConfigurationError(
                    "The 'weights' parameter of IndexConfig names an unknown event type. "
                    + unknown_type_message(norm, customs)
                )
            weights[norm] = _number(f"weights[{key!r}]", value)
        put(self, "weights", FrozenMapping(sorted(weights.items())))

        categories = known_categories(customs)
        put(
            self,
            "category_multipliers",
            self._category_mapping("category_multipliers", categories, minimum=0, strict=False),
        )
        put(
            self,
            "category_half_lives",
            self._category_mapping("category_half_lives", categories, minimum=0, strict=True),
        )

    # -- validation helpers ---------------------------------------------------

    @staticmethod
    def _custom_spec(key: str, spec: object) -> EventTypeSpec:
        if isinstance(spec, EventTypeSpec):
            raw: Mapping[str, Any] = dataclasses.asdict(spec)
        elif isinstance(spec, Mapping):
            raw = spec
        else:
            raise _fail(f"custom_types[{key!r}]", "a dict with label, category and weight", spec)
        missing = [k for k in ("label", "category", "weight") if k not in raw]
        extra = [k for k in raw if k not in ("label", "category", "weight", "mode")]
        if missing or extra:
            raise ConfigurationError(
                f"The custom event type {key!r} of IndexConfig needs the keys 'label', "
                f"'category' and 'weight', and may have 'mode'. Missing: {missing}; "
                f"unexpected: {extra}."
            )
        if not isinstance(raw["label"], str) or not isinstance(raw["category"], str):
            raise _fail(f"custom_types[{key!r}]", "a label and category given as strings", spec)
        mode = raw.get("mode")
        if mode is not None and not isinstance(mode, str):
            raise _fail(f"custom_types[{key!r}].mode", "'verbal' or 'material'", mode)
        return EventTypeSpec(
            label=raw["label"],
            category=raw["category"],
            weight=_number(f"custom_types[{key!r}].weight", raw["weight"]),
            mode=mode,
        )

    def _category_mapping(
        self, name: str, categories: tuple[str, ...], *, minimum: float, strict: bool
    ) -> Mapping[str, float]:
        out: dict[str, float] = {}
        for key, value in _mapping(name, getattr(self, name)).items():
            if key not in categories:
                raise ConfigurationError(
                    f"The {name!r} parameter of IndexConfig names an unknown category {key!r}."
                    + did_you_mean(str(key), categories)
                    + f" The categories are: {', '.join(categories)}."
                )
            out[key] = _number(f"{name}[{key!r}]", value, minimum=minimum, strict=strict)
        return FrozenMapping(sorted(out.items()))

    # -- derived values -------------------------------------------------------

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def resolve(self, event_types: Iterable[str]) -> ResolvedTypes:
        """Weights, categories and multipliers in force for the given event types.

        Examples
        --------
        >>> IndexConfig(weights={"ramming": 11}).resolve(["ramming", "cameo:046"]).weight
        array([11., -7.])
        """
        return resolve_event_types(
            event_types,
            default_weights=self.default_weights,
            weights=self.weights,
            category_multipliers=self.category_multipliers,
            custom_types=self.custom_types,
        )

    def half_life_of(self, category: str) -> float:
        """The half-life in days used for ``category`` (exponential kernel)."""
        return self.category_half_lives.get(category, self.half_life)

    def kernel_of(self, category: str | None = None) -> KernelObject:
        """The kernel object for events of ``category`` (all categories: ``None``).

        Examples
        --------
        >>> IndexConfig(half_life=14, category_half_lives={"gray_zone": 60}).kernel_of("gray_zone")
        Exponential(half_life=60.0)
        >>> IndexConfig(kernel="window", window=30).kernel_of("gray_zone")
        Window(window=30)
        """
        half_life = self.half_life if category is None else self.half_life_of(category)
        return make_kernel(
            self.kernel, half_life=half_life, window=self.window, bound=self.bound
        )

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a plain, JSON-serialisable dict.

        Examples
        --------
        >>> IndexConfig(scale=5).to_dict()["scale"]
        5.0
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "custom_types":
                # mode only when set: configurations without it keep their fingerprints.
                value = {k: v.as_dict() for k, v in value.items()}
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexConfig:
        """Build a configuration from a dict such as :meth:`to_dict` returns.

        Unknown keys are an error, with suggestions for near misses.
        """
        if not isinstance(data, Mapping):
            raise ConfigurationError(
                f"A configuration must be a mapping of settings. Got {type(data).__name__} instead."
            )
        names = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in names:
                raise ConfigurationError(
                    f"Unknown configuration setting {key!r}."
                    + did_you_mean(str(key), names)
                    + f" The settings are: {', '.join(names)}."
                )
        return cls(**dict(data))

    @property
    def fingerprint(self) -> str:
        """A 16-hex-digit content hash of every setting that changes a number.

        Equal settings give equal fingerprints in any process and whatever the
        order of keys; ``name`` and ``description`` are not part of it, the
        shipped weight and alias tables and mapping rules are.  Entries that
        restate a default (a weight equal to the published one, a multiplier of
        1, a category half-life equal to ``half_life``) are left out, as in
        :func:`diff`, and so are the settings of the kernel not in use
        (``window`` under the exponential kernel, half-lives under the window).

        Examples
        --------
        >>> IndexConfig(half_life=30).fingerprint == IndexConfig().fingerprint
        True
        >>> IndexConfig(weights={"water_cannon": 7}).fingerprint == IndexConfig().fingerprint
        True
        """
        ignored = _METADATA_FIELDS + _WARNING_FIELDS + _DISPLAY_FIELDS + _LIMIT_FIELDS
        payload = {k: v for k, v in self.to_dict().items() if k not in ignored}
        # Settings added after fingerprints were first published are left out at
        # their defaults (so earlier fingerprints still hold), and when unused.
        unused = {
            "prior_events": self.aggregation != "kernel_mean" or self.prior_events == 1.0,
            "neutral": self.neutral == "zero",
            "neutral_days": self.neutral != "dyad" or self.neutral_days == 365,
            "min_information": self.min_information == 0.25,
            "dataset_confidence": not self.dataset_confidence,
            "imprecise_dates": self.imprecise_dates == "middle",
        }
        for key, drop in unused.items():
            if drop:
                payload.pop(key)
        keys = list(self.weights)
        published = resolve_event_types(
            keys, default_weights=self.default_weights, custom_types=self.custom_types
        ).weight
        payload["weights"] = {
            k: v for k, v, d in zip(keys, self.weights.values(), published, strict=True) if v != d
        }
        payload["category_multipliers"] = {
            k: v for k, v in self.category_multipliers.items() if v != 1.0
        }
        payload["category_half_lives"] = {
            k: v for k, v in self.category_half_lives.items() if v != self.half_life
        }
        # Settings of the kernels not in use change no number.
        in_use = KERNEL_CLASSES[self.kernel].settings
        for kind in KERNEL_CLASSES.values():
            for setting in kind.settings:
                if setting not in in_use:
                    payload.pop(setting, None)
        payload["_schema"] = _FINGERPRINT_SCHEMA
        payload["_tables"] = tables_digest()
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    # -- files -----------------------------------------------------------------

    def to_json(self, path: str | PathLike[str] | None = None) -> str:
        """Serialise to JSON (and write it to ``path`` if given)."""
        text = json.dumps(self.to_dict(), indent=2, sort_keys=False, allow_nan=False) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(
        cls, source: str | PathLike[str], *, max_bytes: int = MAX_CONFIG_BYTES
    ) -> IndexConfig:
        """Read a configuration from a JSON string or a ``.json`` file path.

        Text longer than ``max_bytes`` or nested deeper than
        :data:`MAX_CONFIG_DEPTH` is refused with a :class:`ConfigurationError`.
        """
        text, where = _text_of(source, ".json", max_bytes)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigurationError(
                f"Could not parse the configuration {where} as JSON: {exc.msg} at line "
                f"{exc.lineno}, column {exc.colno}."
            ) from None
        except RecursionError:
            raise _too_deep(where) from None
        _check_depth(data, where)
        return cls.from_dict(data)

    def to_toml(self, path: str | PathLike[str] | None = None) -> str:
        """Serialise to TOML (and write it to ``path`` if given).

        Examples
        --------
        >>> text = IndexConfig(weights={"cameo:0871": -9.5}).to_toml()
        >>> IndexConfig.from_toml(text) == IndexConfig(weights={"cameo:0871": -9.5})
        True
        """
        data = self.to_dict()
        lines = ["# tensionindex configuration", f"# fingerprint: {self.fingerprint}", ""]
        tables = {k: v for k, v in data.items() if isinstance(v, dict)}
        for key, value in data.items():
            if key not in tables:
                lines.append(f"{key} = {_toml_value(value)}")
        for key, table in tables.items():
            if key == "custom_types":
                for type_key, spec in table.items():
                    lines += ["", f"[custom_types.{_toml_key(type_key)}]"]
                    lines += [f"{k} = {_toml_value(v)}" for k, v in spec.items()]
            else:
                lines += ["", f"[{key}]"]
                lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
        text = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_toml(
        cls, source: str | PathLike[str], *, max_bytes: int = MAX_CONFIG_BYTES
    ) -> IndexConfig:
        """Read a configuration from a TOML string or a ``.toml`` file path.

        Text longer than ``max_bytes`` or nested deeper than
        :data:`MAX_CONFIG_DEPTH` is refused with a :class:`ConfigurationError`.
        """
        text, where = _text_of(source, ".toml", max_bytes)
        for number, line in enumerate(text.splitlines(), start=1):
            key = line.split("=", 1)[0] if not line.lstrip().startswith("[") else line
            if _QUOTED.sub("", key).count(".") >= MAX_CONFIG_DEPTH:
                raise _too_deep(where, number)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(
                f"Could not parse the configuration {where} as TOML: {exc}."
            ) from None
        except RecursionError:
            raise _too_deep(where) from None
        _check_depth(data, where)
        return cls.from_dict(data)

    def diff(self, other: IndexConfig) -> pd.DataFrame:
        """What differs between this configuration and ``other``; see :func:`diff`."""
        return diff(self, other)

    def _repr_html_(self) -> str:
        """The settings as an HTML table in a notebook (see ``display.config_html``)."""
        from tensionindex.display import config_html

        return config_html(self)


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {value!r} as a TOML value")  # pragma: no cover


def _too_deep(where: str, line: int | None = None) -> ConfigurationError:
    at = "" if line is None else f" (line {line})"
    return ConfigurationError(
        f"The configuration {where} nests deeper than MAX_CONFIG_DEPTH={MAX_CONFIG_DEPTH}"
        f"{at}: a configuration's tables nest three deep (custom_types.<type>.weight). "
        "Check the file for a runaway key or bracket."
    )


def _check_depth(data: object, where: str) -> None:
    """Refuse parsed data nested deeper than MAX_CONFIG_DEPTH (walked without recursion)."""
    pending: list[tuple[object, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_CONFIG_DEPTH:
                raise _too_deep(where)
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)


def _text_of(source: str | PathLike[str], suffix: str, max_bytes: int) -> tuple[str, str]:
    """Return (text, description) for a path or for literal text, at most ``max_bytes``."""
    if isinstance(source, PathLike) or (
        isinstance(source, str) and "\n" not in source and source.strip().endswith(suffix)
    ):
        path = Path(source)
        where = f"file {str(path)!r}"
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise ConfigurationError(
                    f"Configuration {where} is not a regular file (a pipe or a device): "
                    "give the path of a file."
                )
            if info.st_size > max_bytes:
                raise _too_long(where, info.st_size, max_bytes)
            with path.open("rb") as handle:  # the file may grow after the stat
                raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:
                raise _too_long(where, len(raw), max_bytes)
            return raw.decode("utf-8"), where
        except FileNotFoundError:
            raise ConfigurationError(f"Configuration file {str(path)!r} does not exist.") from None
        except UnicodeDecodeError:
            raise ConfigurationError(
                f"Configuration file {str(path)!r} is not UTF-8 text."
            ) from None
    text = str(source)
    if len(text) > max_bytes:
        raise _too_long("text", len(text), max_bytes)
    return text, "text"


def _too_long(where: str, size: int, max_bytes: int) -> ConfigurationError:
    return ConfigurationError(
        f"The configuration {where} is {size:,} bytes, more than max_bytes={max_bytes:,} "
        f"(MAX_CONFIG_BYTES): a configuration is a few KB. Pass max_bytes= to read a "
        "larger one on purpose."
    )


def load_config(path: str | PathLike[str], *, max_bytes: int = MAX_CONFIG_BYTES) -> IndexConfig:
    """Read a configuration file, TOML or JSON by its extension.

    Files larger than ``max_bytes``, nested deeper than
    :data:`MAX_CONFIG_DEPTH`, or not regular files (a named pipe, a device)
    are refused with a :class:`ConfigurationError` before they are parsed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.toml"
    >>> _ = IndexConfig(half_life=14).to_toml(path)
    >>> load_config(path).half_life
    14.0
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return IndexConfig.from_toml(Path(path), max_bytes=max_bytes)
    if suffix == ".json":
        return IndexConfig.from_json(Path(path), max_bytes=max_bytes)
    raise ConfigurationError(
        f"Cannot tell the format of configuration file {str(path)!r}: use a .toml or .json file."
    )


def profiles() -> list[str]:
    """Names of the built-in profiles.

    Examples
    --------
    >>> profiles()
    ['goldstein', 'plover']
    """
    folder = resources.files("tensionindex").joinpath("data", "profiles")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def load_profile(name: str) -> IndexConfig:
    """Load a built-in profile by name.

    Parameters
    ----------
    name : str
        ``"goldstein"`` (the default configuration) or ``"plover"``.

    Examples
    --------
    >>> load_profile("goldstein").fingerprint == IndexConfig().fingerprint
    True
    >>> load_profile("plover").default_weights
    'plover'
    """
    available = profiles()
    if name not in available:
        raise ConfigurationError(
            f"Unknown profile {name!r}."
            + did_you_mean(name, available)
            + f" The built-in profiles are: {', '.join(available)}."
        )
    text = (
        resources.files("tensionindex")
        .joinpath("data", "profiles", f"{name}.toml")
        .read_text(encoding="utf-8")
    )
    return IndexConfig.from_toml(text)


def diff(a: IndexConfig, b: IndexConfig) -> pd.DataFrame:
    """List the settings whose effective values differ between two configurations.

    Weights are compared as they are in force (an override equal to the
    default is no difference); a category without a multiplier has 1, and one
    without its own half-life has ``half_life``.

    Returns
    -------
    pandas.DataFrame
        Columns ``setting``, ``a``, ``b``; one row per difference, e.g.
        ``weights.water_cannon``.  Empty when the two produce the same numbers
        and carry the same metadata.

    Examples
    --------
    >>> from tensionindex import IndexConfig, diff
    >>> diff(IndexConfig(), IndexConfig(half_life=14, weights={"ramming": 12}))
             setting     a     b
    0      half_life  30.0  14.0
    1  weights.ramming   9.2  12.0
    """
    if not isinstance(a, IndexConfig) or not isinstance(b, IndexConfig):
        name, value = ("a", a) if not isinstance(a, IndexConfig) else ("b", b)
        raise InvalidParameterError(
            f"The {name!r} parameter of diff must be an IndexConfig (load one with "
            f"load_config, load_profile or IndexConfig(...)). Got {describe_value(value)} "
            "instead."
        )
    rows: list[tuple[str, object, object]] = []
    da, db = a.to_dict(), b.to_dict()
    flat = ("weights", "category_multipliers", "category_half_lives", "custom_types")
    for key in da:
        if key not in flat and da[key] != db[key]:
            rows.append((key, da[key], db[key]))
    for key in sorted(set(a.weights) | set(b.weights)):
        va, vb = _effective_weight(a, key), _effective_weight(b, key)
        if va != vb:
            rows.append((f"weights.{key}", va, vb))
    for cat in sorted(set(a.category_multipliers) | set(b.category_multipliers)):
        va, vb = a.category_multipliers.get(cat, 1.0), b.category_multipliers.get(cat, 1.0)
        if va != vb:
            rows.append((f"category_multipliers.{cat}", va, vb))
    for cat in sorted(set(a.category_half_lives) | set(b.category_half_lives)):
        va, vb = a.half_life_of(cat), b.half_life_of(cat)
        if va != vb:
            rows.append((f"category_half_lives.{cat}", va, vb))
    for key in sorted(set(a.custom_types) | set(b.custom_types)):
        sa, sb = da["custom_types"].get(key), db["custom_types"].get(key)
        if sa != sb:
            rows.append((f"custom_types.{key}", sa, sb))
    return pd.DataFrame(rows, columns=["setting", "a", "b"])


def _effective_weight(config: IndexConfig, key: str) -> float | None:
    if key not in config.custom_types and key not in builtin_event_types():
        return None
    return float(config.resolve([key]).weight[0])


def with_overrides(config: IndexConfig | None, overrides: Mapping[str, Any]) -> IndexConfig:
    """Apply keyword overrides (the configuration's own field names) to ``config``."""
    if config is None:
        config = IndexConfig()
    elif not isinstance(config, IndexConfig):
        raise TypeError(
            f"config must be an IndexConfig or None. Got {type(config).__name__} instead; "
            "load a file with tensionindex.load_config(path) or a profile with load_profile(name)."
        )
    if not overrides:
        return config
    names = [f.name for f in dataclasses.fields(IndexConfig)]
    for key in overrides:
        if key not in names:
            raise ConfigurationError(
                f"Unknown setting {key!r}."
                + did_you_mean(key, names)
                + f" Overrides are IndexConfig field names: {', '.join(names)}."
            )
    return dataclasses.replace(config, **overrides)
