"""How sure is the index: Monte Carlo bands and exact weight influence.

The tension of dyad d on day t is exactly linear in the event-type weights,

    T_d(t) = sum_k w_k U_k,d(t),

where U_k,d(t) is the tension that type k's events would give with weight 1
(their category multipliers, intensities, confidences, aggregation factors and
decay included).  :meth:`ScoredEvents.grouped` computes every U_k once, so
that a thousand sets of weights cost one matrix product rather than a
thousand runs of the index, and the partial derivative dT/dw_k is U_k itself,
exactly.

The events themselves are uncertain too: a source misses some, records some
twice, codes some as the wrong type and dates some a few days off, and each
carries a confidence.  :func:`sensitivity` draws such alternative sets of
events as per-event multiplicities (0, 1 or 2), types and day shifts, and
recomputes each draw's tension with the index's kernel on the per-event
signals, many draws at once (each draw's dyads are extra rows of one grid).
Under ``neutral="dyad"`` or ``"source"`` an event's baseline is made of the
other events of its draw, so each draw's events are rebuilt (a row per count,
recoded, moved) and scored again as the index scores events: their raw
signals, baselines and daily aggregation, then the same kernel pass.
The random numbers of event i in draw j depend only on the seed, i and j
(a counter-based generator), so that the bands are the same whatever the
blocks the work is cut into and whichever dyads are asked for.  Both analyses
take scored events (:func:`tensionindex.score`), so the events are validated
and prepared once, whatever else is asked of them.  docs/uncertainty.md
states the model, the defaults and their limits.
"""

from __future__ import annotations

import functools
import hashlib
import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from tensionindex.catalogue import entries, normalize_event_type, unknown_type_message
from tensionindex.config import IndexConfig
from tensionindex.engine import (
    Grid,
    aggregation_factor,
    baseline_signal,
    empty_frame,
    grid_frame,
    intensity_transform,
    stability_from_tension,
    stamp,
)
from tensionindex.exceptions import InvalidParameterError
from tensionindex.kernels import Kernel
from tensionindex.params import (
    Constraint,
    DateLike,
    Dates,
    Dyads,
    Instance,
    Interval,
    day_of,
    describe_value,
    invalid,
    validate_params,
)
from tensionindex.scored import (
    RANGE,
    GroupedTension,
    ScoredEvents,
    as_scored,
    dataset_codes,
    dataset_reliability,
)

__all__ = [
    "DEFAULT_WEIGHT_RANGES",
    "INFLUENCE_COLUMNS",
    "INFLUENCE_PARAMETERS",
    "MAX_DRAWS",
    "MAX_SHIFT_DAYS",
    "SENSITIVITY_PARAMETERS",
    "SOURCES",
    "sensitivity",
    "weight_influence",
]

#: Largest number of draws of :func:`sensitivity`: 100,000 draws already pin
#: a 0.1 % quantile to a few hundredths of its spread.
MAX_DRAWS: Final[int] = 100_000

#: Largest ``shift_days`` of :func:`sensitivity`: a date off by more than a
#: year is not a dating error but another event.
MAX_SHIFT_DAYS: Final[int] = 365

#: Largest block of draws x cells (and of draws x events) held in memory at
#: once: 4,194,304 float64, 32 MiB.  :func:`sensitivity` never holds more
#: than a few such blocks, whatever the number of events, dyads, days or draws.
_BLOCK_FLOATS = 1 << 22

#: Values per array of one block of draws of the events (8 MiB of float64): small
#: enough that the dozen arrays a block makes stay in cache, and that the
#: memory they take is given back and taken again quickly.
_WORKING_FLOATS = 1 << 18

#: The plausible range of the weight of each event type, ``(low, high)`` in
#: tension points, used where ``weight_ranges`` is not given: the
#: ``weight_low`` and ``weight_high`` columns of the analyst table
#: (:func:`tensionindex.taxonomy`, reasons in docs/methodology.md).  Types
#: without a published range (``cameo:`` and ``plover:`` keys) vary by
#: ``spread``, and so does a type whose weight in force lies outside its range
#: (a weight the configuration or the profile changed).
DEFAULT_WEIGHT_RANGES: Final[Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        name: (entry.weight_low, entry.weight_high)
        for name, entry in entries().items()
        if math.isfinite(entry.weight_low) and math.isfinite(entry.weight_high)
    }
)

#: The sources of uncertainty :func:`sensitivity` can draw, as its provenance names them.
SOURCES: Final[tuple[str, ...]] = (
    "weights",
    "omission",
    "duplication",
    "recoding",
    "date_shift",
    "confidence",
    "half_life",
    "scale",
)

INFLUENCE_COLUMNS: tuple[str, ...] = (
    "event_type",
    "label",
    "category",
    "weight",
    "d_tension",
    "d_stability",
    "elasticity",
    "rank",
)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _finite(value: object) -> bool:
    return _is_real(value) and math.isfinite(float(value))  # type: ignore[arg-type]


def _quantile_name(q: float) -> str:
    """Column suffix of a quantile: 0.05 -> 'q05', 0.5 -> 'q50', 0.025 -> 'q02_5', 1 -> 'q100'."""
    percent = round(q * 100, 10)
    whole = math.floor(percent)
    rest = f"{percent - whole:.10f}".rstrip("0").rstrip(".").removeprefix("0.")
    return f"q{whole:02d}" + (f"_{rest}" if rest and rest != "0" else "")


@dataclass(frozen=True)
class Quantiles(Constraint):
    """A non-empty sequence of distinct quantiles, each from 0 to 1.

    Distinct means distinct column names: 0.05 and 0.0500000000001 would both
    be ``q05``.

    Examples
    --------
    >>> Quantiles().accepts((0.05, 0.95)), Quantiles().accepts((0.1, 0.1))
    (True, False)
    """

    def accepts(self, value: object) -> bool:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            return False
        values = list(value)
        if not values or not all(_is_real(q) and 0 <= float(q) <= 1 for q in values):
            return False
        names = [_quantile_name(float(q)) for q in values]
        return len(set(names)) == len(names)

    def describe(self) -> str:
        return "a non-empty sequence of distinct numbers from 0 to 1"

    def invalid_example(self) -> object:
        return (0.5, 1.5)


@dataclass(frozen=True)
class Period(Constraint):
    """A ``(start, end)`` pair of dates (a tuple or a list of two)."""

    def accepts(self, value: object) -> bool:
        return (
            isinstance(value, tuple | list)
            and len(value) == 2
            and all(Dates(optional=False).accepts(v) for v in value)
        )

    def describe(self) -> str:
        return "a (start, end) pair of dates"

    def invalid_example(self) -> object:
        return ("2024-03-01", "2024-03-02", "2024-03-03")


def _pair(value: object, *, positive: bool) -> bool:
    """Whether ``value`` is a ``(low, high)`` pair of finite numbers, low <= high (> 0)."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        return False
    if not all(_finite(v) for v in value):
        return False
    low, high = float(value[0]), float(value[1])
    return low <= high and (low > 0 or not positive)


@dataclass(frozen=True)
class PositiveRange(Constraint):
    """None, or a ``(low, high)`` pair of numbers with ``0 < low <= high``.

    Examples
    --------
    >>> PositiveRange().accepts((15, 60)), PositiveRange().accepts((60, 15))
    (True, False)
    """

    def accepts(self, value: object) -> bool:
        return value is None or _pair(value, positive=True)

    def describe(self) -> str:
        return "a (low, high) pair of finite numbers with 0 < low <= high, or None"

    def invalid_example(self) -> object:
        return (2.0, 1.0)


@dataclass(frozen=True)
class WeightRanges(Constraint):
    """None, or a mapping of event type to a ``(low, high)`` pair of weights, low <= high.

    Examples
    --------
    >>> WeightRanges().accepts({"water_cannon": (5, 9)})
    True
    >>> WeightRanges().hint({"water_cannon": (9, 5)})
    " The range of 'water_cannon', (9, 5), is not a (low, high) pair with low <= high."
    """

    def accepts(self, value: object) -> bool:
        if value is None:
            return True
        if not isinstance(value, Mapping):
            return False
        return all(isinstance(k, str) and _pair(v, positive=False) for k, v in value.items())

    def describe(self) -> str:
        return (
            "a mapping of event type to a (low, high) pair of finite weights with "
            "low <= high, or None"
        )

    def invalid_example(self) -> object:
        return {"water_cannon": (9.0, 5.0)}

    def hint(self, value: object) -> str:
        if not isinstance(value, Mapping):
            return ""
        for key, pair in value.items():
            if not isinstance(key, str):
                return f" The key {describe_value(key)} is not an event type name."
            if not _pair(pair, positive=False):
                return (
                    f" The range of {key!r}, {describe_value(pair)}, is not a (low, high) "
                    "pair with low <= high."
                )
        return ""


_CONFIG: list[Constraint] = [Instance((IndexConfig, None), "an IndexConfig or None")]
_SHARE: list[Constraint] = [Interval(float, 0, 1)]
_FLAG: list[Constraint] = [Instance((bool, np.bool_), "True or False")]

#: The parameters of :func:`sensitivity` and what each accepts.
SENSITIVITY_PARAMETERS: dict[str, list[Constraint]] = {
    "config": _CONFIG,
    "spread": [Interval(float, 0, 1)],
    "draws": [Interval(int, 1, MAX_DRAWS)],
    "seed": [
        Interval(int, 0, None),
        Instance((np.random.Generator, None), "a numpy Generator or None"),
    ],
    "quantiles": [Quantiles()],
    "event_noise": _FLAG,
    "omission": _SHARE,
    "duplication": _SHARE,
    "recoding": _SHARE,
    "date_shift": _SHARE,
    "shift_days": [Interval(int, 1, MAX_SHIFT_DAYS)],
    "confidence_draws": _FLAG,
    "weight_ranges": [WeightRanges()],
    "half_life_range": [PositiveRange()],
    "scale_range": [PositiveRange()],
    **RANGE,
}

#: The parameters of :func:`weight_influence` and what each accepts.
INFLUENCE_PARAMETERS: dict[str, list[Constraint]] = {
    "dyad": [Dyads(optional=False, several=False)],
    "date": [Dates(optional=False), Period()],
    "config": _CONFIG,
}


# -- the plan of a call: every setting in force, checked against the data -----------------


@dataclass(frozen=True)
class _Plan:
    """What :func:`sensitivity` draws, once checked against the scored events."""

    spread: float
    ranges: dict[str, tuple[float, float]]  # weights drawn from a range of their own
    omission: float
    duplication: float
    recoding: float
    date_shift: float
    shift_days: int
    confidence: bool  # whether each event is kept with probability = its confidence
    half_life: tuple[float, float] | None
    scale: tuple[float, float] | None

    @property
    def events_vary(self) -> bool:
        """Whether any event-level source draws anything."""
        rates = (self.omission, self.duplication, self.recoding, self.date_shift)
        return any(r > 0 for r in rates) or self.confidence

    def includes(self) -> list[str]:
        """The sources of uncertainty these draws vary, as :data:`SOURCES` names them."""
        found = {
            "weights": self.spread > 0 or any(lo < hi for lo, hi in self.ranges.values()),
            "omission": self.omission > 0,
            "duplication": self.duplication > 0,
            "recoding": self.recoding > 0,
            "date_shift": self.date_shift > 0,
            "confidence": self.confidence,
            "half_life": self.half_life is not None,
            "scale": self.scale is not None,
        }
        return [name for name in SOURCES if found[name]]


def _weight_ranges(
    given: Mapping[str, Sequence[float]] | None, config: IndexConfig
) -> tuple[dict[str, tuple[float, float]], bool]:
    """The ranges by canonical type name, and whether they were given (else the default table)."""
    explicit = given is not None
    table = DEFAULT_WEIGHT_RANGES if given is None else given
    ranges: dict[str, tuple[float, float]] = {}
    for key, (low, high) in table.items():
        name = normalize_event_type(key)
        if name not in config.custom_types and name not in entries():
            raise InvalidParameterError(
                "The 'weight_ranges' parameter of sensitivity must name event types: "
                + unknown_type_message(name, config.custom_types)
            )
        ranges[name] = (float(low), float(high))
    return ranges, explicit


def _check_range(name: str, pair: tuple[float, float], value: float, what: str) -> None:
    low, high = pair
    if not low <= value <= high:
        raise InvalidParameterError(
            f"The {name!r} parameter of sensitivity is {describe_value(tuple(pair))}, which does "
            f"not contain the {what} in force, {value:g}: the bands would not describe this "
            f"index. Give a range that contains {value:g}."
        )


def _plan(
    data: ScoredEvents,
    *,
    spread: float,
    event_noise: bool,
    omission: float,
    duplication: float,
    recoding: float,
    date_shift: float,
    shift_days: int,
    confidence_draws: bool,
    weight_ranges: Mapping[str, Sequence[float]] | None,
    half_life_range: Sequence[float] | None,
    scale_range: Sequence[float] | None,
) -> _Plan:
    """Check the settings that depend on each other or on the data, and fix what is drawn."""
    cfg = data.config
    if omission + duplication > 1:
        raise invalid(
            "sensitivity",
            "duplication",
            f"at most 1 - omission = {1 - omission:g} (an event is either missed, counted "
            "twice or counted once)",
            duplication,
        )
    ranges, explicit = _weight_ranges(weight_ranges, cfg)
    if ranges:
        names = list(ranges)
        in_force = dict(zip(names, cfg.resolve(names).weight.tolist(), strict=True))
        if explicit:
            for name in names:
                _check_range("weight_ranges", ranges[name], in_force[name], f"weight of {name!r}")
        else:  # a weight the configuration changed has left the table's range: spread instead
            ranges = {n: r for n, r in ranges.items() if r[0] <= in_force[n] <= r[1]}
    half_life = (
        None if half_life_range is None else (float(half_life_range[0]), float(half_life_range[1]))
    )
    if half_life is not None:
        if cfg.kernel != "exponential":
            raise InvalidParameterError(
                "The 'half_life_range' parameter of sensitivity varies the half-life of the "
                f"exponential kernel, and kernel={cfg.kernel!r} has none. Leave "
                "half_life_range=None with this kernel."
            )
        _check_range("half_life_range", half_life, cfg.half_life, "half-life")
    scale = None if scale_range is None else (float(scale_range[0]), float(scale_range[1]))
    if scale is not None:
        _check_range("scale_range", scale, data.scale, "scale")
    if not event_noise:
        omission = duplication = recoding = date_shift = 0.0
    # Drawing confidences changes nothing when the index does not weigh by them
    # (every event counts in full either way) or when every confidence is 1.
    confidence = bool(
        event_noise
        and confidence_draws
        and cfg.use_confidence
        and (data.events["confidence"].to_numpy() < 1).any()
    )
    return _Plan(
        float(spread),
        ranges,
        float(omission),
        float(duplication),
        float(recoding),
        float(date_shift),
        int(shift_days),
        confidence,
        half_life,
        scale,
    )


# -- counter-based random numbers ---------------------------------------------------------

_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_LOW_32 = np.uint64(0xFFFFFFFF)
# Streams of random numbers, one per use: the top 7 bits of the counter.
_EVENTS, _WEIGHTS, _HALF_LIFE, _SCALE = range(4)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place on uint64 (numpy's arithmetic wraps)."""
    shifted = np.empty_like(z)
    for shift, factor in ((30, _MIX_1), (27, _MIX_2), (31, None)):
        np.right_shift(z, np.uint64(shift), out=shifted)
        z ^= shifted
        if factor is not None:
            z *= factor
    return z


def _random_bits(key: int, stream: int, draws: np.ndarray, items: np.ndarray) -> np.ndarray:
    """64 random bits for every (draw, item): SplitMix64's sequence read at one position.

    SplitMix64's n-th output is ``mix(key + n * golden)``; here n is the
    counter ``stream << 57 | draw << 40 | item`` (draws < 2**17, items
    < 2**40), distinct for every triple, so that the bits of an event in a
    draw depend on nothing else: no block or subset of the work changes them.
    """
    # (stream << 57 | draw << 40 | item) * golden + key, as one broadcast sum: the
    # bits do not overlap, so | is +, and the product distributes (mod 2**64).
    row = (np.uint64(stream) << np.uint64(57)) | (draws.astype(np.uint64) << np.uint64(40))
    row *= _GOLDEN
    row += np.uint64(key)
    column = items.astype(np.uint64) * _GOLDEN
    return _mix(row[:, None] + column)


def _threshold(probability: float | np.ndarray) -> np.ndarray:
    """What a 16-bit random field x must fall below for an event of ``probability``.

    ``ceil(p * 2**16)``: p = 0 never happens, p = 1 always, and any other p
    to within 2**-16.
    """
    return np.ceil(np.asarray(probability, dtype=float) * 65536.0).astype(np.int64)


def _fields(bits: np.ndarray) -> np.ndarray:
    """The four 16-bit fields of each 64-bit word, ``bits.shape + (4,)``, lowest first.

    Read as little-endian whatever the machine, so that a seed gives the same
    draws everywhere.
    """
    return bits.astype("<u8", copy=False).view("<u2").reshape(*bits.shape, 4)


def _uniform(bits: np.ndarray) -> np.ndarray:
    """Uniforms on (0, 1) from the high 32 of ``bits``."""
    out = (bits >> np.uint64(32)).astype(float)
    out += 0.5
    out *= 2.0**-32
    return out


def _log_uniform(key: int, stream: int, draws: np.ndarray, pair: tuple[float, float]) -> np.ndarray:
    """One value per draw, uniform on the log scale over ``pair`` (a half-life or a scale)."""
    u = _uniform(_random_bits(key, stream, draws, np.zeros(1, np.uint64))[:, 0])
    low, high = pair
    return np.asarray(low * (high / low) ** u, dtype=float)


@functools.cache
def _type_item(name: str) -> int:
    """A 40-bit number fixed by an event type's name: its weight draws' counter."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=5).digest(), "big")


# -- the event types a draw can use ----------------------------------------------------------


def _family(name: str, config: IndexConfig) -> str:
    """Which kind of type ``name`` is: 'custom', 'analyst', 'cameo' or 'plover'."""
    return "custom" if name in config.custom_types else entries()[name].source


@functools.cache
def _builtin_peers() -> dict[tuple[str, str], tuple[str, ...]]:
    """The built-in types by (family, category), sorted."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, entry in entries().items():
        groups.setdefault((entry.source, entry.category), []).append(name)
    return {key: tuple(sorted(names)) for key, names in groups.items()}


def _peers(name: str, category: str, config: IndexConfig) -> tuple[str, ...]:
    """The other types of ``name``'s family and category: what a coder could confuse it with."""
    family = _family(name, config)
    if family == "custom":
        same = sorted(k for k, s in config.custom_types.items() if s.category == category)
    else:
        same = list(_builtin_peers().get((family, category), ()))
    return tuple(n for n in same if n != name)


@dataclass(frozen=True)
class _Types:
    """The event types a draw can give an event: those of the events, then their peers."""

    names: tuple[str, ...]
    weight: np.ndarray  # in force
    multiplier: np.ndarray  # of each type's category
    low: np.ndarray  # the range each weight is drawn from
    high: np.ndarray
    items: np.ndarray  # uint64: each type's counter for its weight draws
    peer_start: np.ndarray  # type t's peers are peer_ids[peer_start[t]:peer_start[t] + n_peers[t]]
    n_peers: np.ndarray
    peer_ids: np.ndarray
    kernel: np.ndarray  # each type's kernel, an index into ``kernels``
    kernels: tuple[Kernel, ...]
    half_lives: np.ndarray  # of each kernel, under the exponential kernel (else NaN)


def _types(chosen: ScoredEvents, plan: _Plan) -> _Types:
    cfg = chosen.config
    names = [str(c) for c in chosen.events["event_type"].cat.categories]
    present = np.bincount(chosen.type_code, minlength=len(names)) > 0
    peers: list[tuple[str, ...]] = [() for _ in names]
    if plan.recoding > 0:
        categories = cfg.resolve(names).category
        for t, name in enumerate(names):
            if present[t]:
                peers[t] = _peers(name, str(categories[t]), cfg)
        known = set(names)
        for group in peers:
            for peer in group:
                if peer not in known:
                    known.add(peer)
                    names.append(peer)
    resolved = cfg.resolve(names)
    weight = np.asarray(resolved.weight, dtype=float)
    step = plan.spread * np.abs(weight)
    low, high = weight - step, weight + step
    for t, name in enumerate(names):
        if name in plan.ranges:
            low[t], high[t] = plan.ranges[name]
    position = {name: t for t, name in enumerate(names)}
    n_peers = np.zeros(len(names), dtype=np.intp)
    n_peers[: len(peers)] = [len(p) for p in peers]
    peer_ids = np.array([position[p] for group in peers for p in group], dtype=np.intp)
    peer_start = np.zeros(len(names), dtype=np.intp)
    peer_start[1:] = np.cumsum(n_peers)[:-1]
    by_category = {str(c): cfg.kernel_of(str(c)) for c in set(resolved.category)}
    per_type = [by_category[str(c)] for c in resolved.category]
    kernels = tuple(dict.fromkeys(per_type)) or (cfg.kernel_of(),)
    kernel = np.array([kernels.index(k) for k in per_type], dtype=np.intp)
    half_lives = np.array([getattr(k, "half_life", math.nan) for k in kernels], dtype=float)
    items = np.array([_type_item(n) for n in names], dtype=np.uint64)
    return _Types(
        tuple(names),
        weight,
        np.asarray(resolved.multiplier, dtype=float),
        low,
        high,
        items,
        peer_start,
        n_peers,
        peer_ids,
        kernel,
        kernels,
        half_lives,
    )


def _weights(types: _Types, plan: _Plan, key: int, draws: np.ndarray) -> np.ndarray:
    """Each draw's weight of every type, ``(len(draws), n_types)``: uniform on its range."""
    if "weights" not in plan.includes():
        return np.broadcast_to(types.weight, (len(draws), len(types.weight)))
    u = _uniform(_random_bits(key, _WEIGHTS, draws, types.items))
    return np.asarray(types.low + (types.high - types.low) * u, dtype=float)


@dataclass(frozen=True)
class _Edits:
    """What draws do to events: ``(n_draws, n_events)`` arrays (views where nothing changes)."""

    count: np.ndarray  # how many times each event counts: 0, 1 or 2 (float)
    type_index: np.ndarray  # its type, an index into _Types.names
    shift: np.ndarray | None  # days added to its date (None: no date moves)
    recoded: bool  # whether types can change


def _count_table(omission: float, duplication: float) -> np.ndarray:
    """The count an event gets for each value of its 16-bit field: 0, then 2, then 1."""
    x = np.arange(65536)
    table = np.ones(65536)
    table[x < _threshold(omission + duplication)] = 2.0
    table[x < _threshold(omission)] = 0.0
    return table


def _pick(bits: np.ndarray, salt: int, choices: np.ndarray | int) -> np.ndarray:
    """One of ``choices`` (0 .. n - 1), each equally likely, from words already drawn.

    The words are mixed again with a salt of their own, so the pick is
    independent of the decisions their fields made; 32 of the new bits times
    n, over 2**32, is within n / 2**32 of uniform.
    """
    more = bits + np.uint64(salt * int(_GOLDEN) % 2**64)
    _mix(more)
    more >>= np.uint64(32)
    more *= np.asarray(choices).astype(np.uint64)
    return np.asarray(more >> np.uint64(32), dtype=np.int64)


def _edits(
    plan: _Plan,
    types: _Types,
    key: int,
    draws: np.ndarray,
    items: np.ndarray,
    type_code: np.ndarray,
    confidence: np.ndarray | None,
) -> _Edits:
    """The events of ``draws`` (``items``: their counters; ``type_code``: into ``types``).

    One 64-bit word per event and draw holds four 16-bit fields, one per
    decision.  The highest says whether the event is missed (probability
    ``omission``), counted twice (``duplication``) or counted once; the next
    whether its confidence keeps it (probability ``confidence``, when
    confidences are drawn); the next whether it is recoded (``recoding``),
    as one of its type's peers, each equally likely; the lowest whether its
    date moves (``date_shift``), 1 to ``shift_days`` days earlier or later,
    each equally likely (:func:`_pick`, from 32 more bits).  Probabilities
    hold to within 2**-16.
    """
    shape = (len(draws), len(items))
    # Category codes may be int8: peers beyond the 127th type need room.
    type_index = np.broadcast_to(type_code.astype(np.intp, copy=False), shape)
    if not plan.events_vary:
        return _Edits(np.ones(shape), type_index, None, False)
    bits = _random_bits(key, _EVENTS, draws, items)
    field = _fields(bits)
    if plan.omission > 0 or plan.duplication > 0:
        count = _count_table(plan.omission, plan.duplication)[field[..., 3]]
    else:
        count = np.ones(shape)
    if plan.confidence and confidence is not None:
        count *= field[..., 2] < _threshold(confidence)
    # Only the few events recoded or moved are looked at: flat positions, not masks.
    flat = bits.ravel()
    if plan.recoding > 0:
        recoded = np.flatnonzero(field[..., 1].ravel() < _threshold(plan.recoding))
        old = type_index[0][recoded % len(items)]  # rows of a broadcast: the events' types
        peers = types.n_peers[old]
        has = peers > 0
        recoded, old, peers = recoded[has], old[has], peers[has]
        new = types.peer_ids[types.peer_start[old] + _pick(flat[recoded], 1, peers)]
        type_index = type_index.copy()
        type_index.ravel()[recoded] = new
    shift = None
    if plan.date_shift > 0:
        moved = np.flatnonzero(field[..., 0].ravel() < _threshold(plan.date_shift))
        days = plan.shift_days
        step = _pick(flat[moved], 2, 2 * days)  # 0 .. 2D - 1 -> -D .. -1, 1 .. D
        shift = np.zeros(shape, dtype=np.int16)
        shift.ravel()[moved] = np.where(step < days, step - days, step - days + 1)
    return _Edits(count, type_index, shift, plan.recoding > 0)


# -- the bands ------------------------------------------------------------------------------


@validate_params(SENSITIVITY_PARAMETERS, name="sensitivity")
def sensitivity(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    spread: float = 0.25,
    draws: int = 1000,
    seed: int | np.random.Generator | None = 0,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    event_noise: bool = True,
    omission: float = 0.15,
    duplication: float = 0.15,
    recoding: float = 0.15,
    date_shift: float = 0.30,
    shift_days: int = 3,
    confidence_draws: bool = True,
    weight_ranges: Mapping[str, tuple[float, float]] | None = None,
    half_life_range: tuple[float, float] | None = None,
    scale_range: tuple[float, float] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Bands of tension and stability when the weights and the events are uncertain.

    Each draw is one alternative version of the index, shared by every dyad
    and day, that differs from the central one in

    * **the weights** (``spread``, ``weight_ranges``): the weight of every
      event type is drawn independently and uniformly from its range, by
      default its value ±25 % (a weight then never changes sign);
    * **the events** (``event_noise=True``, the default): each event is
      missed (``omission``), counted twice (``duplication``) or counted once;
      recoded as another type of its family and category (``recoding``);
      dated 1 to ``shift_days`` days earlier or later (``date_shift``); and
      kept with probability equal to its confidence (``confidence_draws``);
    * optionally **the half-life** and **the scale** (``half_life_range``,
      ``scale_range``), each drawn uniformly on the log scale.

    How the draws are computed (``method`` in the provenance):

    * ``"linear"``: only the weights (and the scale) vary, under
      ``neutral="zero"``.  The tension is linear in the weights, so the draws
      come from one computation of the per-unit tensions
      (:meth:`ScoredEvents.grouped`) and a matrix product, in mirrored pairs:
      the central value is exactly the median of the draws.
    * ``"recomputed"``: the events vary too (or the half-life, or the kernel
      is the bounded carry-over), under ``neutral="zero"``.  Every draw's
      events run through the index's kernel again from the per-event
      signals (a multiplicity of 2 doubles a signal rather than copying a
      row), many draws at once.
    * ``"rescored"``: ``neutral="dyad"`` or ``"source"`` (the command line's
      setting for coded data), whatever varies.  An event's baseline is the
      mean of other events of its draw, so a missed, doubled, recoded or
      moved event changes the signals of others: each draw's events are
      rebuilt (a row per count, with its type and date) and scored again as
      the index scores events (raw signals, baselines, daily aggregation),
      then run through the kernel like ``"recomputed"``.  Each draw is then
      the index of its own events, exactly.  It costs one pass over the
      draw's rows per draw on top of the kernel's: 0.5 ms per draw on the
      bundled example (0.3 under ``neutral="zero"`` with the same settings)
      and 6.4 ms on 3,500 GDELT events of 567 dyads over 273 days (4.7),
      about 1.4 runs of the index per draw there.

    Either way the work goes in blocks of about four million values
    (32 MiB), whatever the size of the data.  docs/uncertainty.md gives the
    formulas, the reasons for the defaults, the costs and the limits.

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`tensionindex.score`; raw events are
        scored here.
    config : IndexConfig, optional
        Another central configuration for this call (default: the scored
        events').
    spread : float, default 0.25
        Largest relative change of a weight without a range of its own, from 0
        (its weight is fixed) to 1.
    draws : int, default 1000
        Number of draws, from 1 to 100,000 (:data:`MAX_DRAWS`).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the random draws: the same seed gives the same bands.
        ``None`` draws fresh entropy.
    quantiles : sequence of float, default (0.05, 0.5, 0.95)
        Quantiles of the draws to report, each from 0 to 1.
    event_noise : bool, default True
        Whether the events vary (the next six settings).  ``False`` gives the
        bands of the weights alone (and of the half-life and scale ranges).
    omission : float, default 0.15
        Probability that a draw misses an event, from 0 to 1.
    duplication : float, default 0.15
        Probability that a draw counts an event twice, from 0 to
        ``1 - omission``.  Equal to ``omission``, every event counts once on
        average, so the draws centre on the index.
    recoding : float, default 0.15
        Probability that a draw gives an event another type of the same
        family (analyst, CAMEO, PLOVER or custom) and category, each such type
        equally likely; a type without such peers is never recoded.
    date_shift : float, default 0.30
        Probability that a draw moves an event's date.
    shift_days : int, default 3
        Largest move of a date, in days (1 to 365, :data:`MAX_SHIFT_DAYS`); a
        moved date goes 1 to ``shift_days`` days earlier or later, each
        equally likely.
    confidence_draws : bool, default True
        Whether a draw keeps each event with probability equal to its
        ``confidence`` (a kept event counts in full).  Only under
        ``use_confidence=True`` (the default), where the central index counts
        each event ``confidence`` times: the draws then average to it.
    weight_ranges : mapping of str to (float, float), optional
        ``{event_type: (low, high)}``: a type's weight is drawn uniformly from
        its own range, which must contain its weight in force.  Types not
        listed vary by ``spread``.  Default: :data:`DEFAULT_WEIGHT_RANGES`,
        the analyst table's published ranges (a type whose weight in force
        lies outside its range varies by ``spread`` instead).
    half_life_range : (float, float), optional
        ``(low, high)`` half-life in days, containing the configuration's,
        drawn uniformly on the log scale; per-category half-lives change in
        proportion.  Only with the exponential kernel.  Default: fixed.
    scale_range : (float, float), optional
        ``(low, high)`` logistic scale, containing the one in force, drawn
        uniformly on the log scale.  Default: fixed.
    start, end, dyads
        As in :meth:`ScoredEvents.index`.
    coverage : pandas.Series or collection of dates, optional
        Only with raw events, as in :func:`tensionindex.score` (the
        denominators of ``aggregation="share"``); scored events carry theirs.
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day, sorted by dyad then date, with columns
        ``dyad``, ``date``, ``tension`` and ``stability`` (the central
        configuration's values, equal to :meth:`ScoredEvents.index`'s up to
        rounding), then ``tension_qNN`` for each quantile (``tension_q05``,
        ``tension_q50``, ``tension_q95`` by default; ``q02_5`` for 0.025) and
        ``stability_qNN`` likewise.  Stability falls as tension rises, so with
        a fixed scale its q-quantile is the logistic of the tension's
        (1 - q)-quantile, exactly.  ``result.attrs["tensionindex"]
        ["sensitivity"]`` says what the bands include: ``includes`` (the
        sources that vary, as :data:`SOURCES` names them), the settings of
        each, ``method`` (``"linear"``, ``"recomputed"`` or ``"rescored"``,
        above) and ``method_reason`` (why), ``draws``, ``seed`` and
        ``quantiles``; the configuration and its fingerprint are beside it.

    Raises
    ------
    InvalidParameterError
        If a parameter is invalid: out of its range, a weight range that does
        not contain the weight in force or names an unknown type,
        ``omission + duplication > 1``, or ``half_life_range`` with another
        kernel than the exponential.
    ConfigurationError
        For an invalid configuration.
    EventValidationError
        For invalid raw events or a dyad without events.

    See Also
    --------
    weight_influence : which weights move one value most.
    ScoredEvents.index : the central values.

    Examples
    --------
    >>> import tensionindex as ti
    >>> scored = ti.score([
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-02", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "dialogue_resumed"},
    ... ], half_life=1)

    The weights alone, each drawn from the analyst table's range (a water
    cannon 6 to 8.5, a resumed dialogue -8.5 to -5):

    >>> bands = ti.sensitivity(scored, draws=200, quantiles=(0.05, 0.95), event_noise=False)
    >>> bands[["tension", "tension_q05", "tension_q95"]].round(2)
       tension  tension_q05  tension_q95
    0      7.0         6.08         8.42
    1     -3.5        -4.85        -1.40

    The events too (the default) give far wider bands: either event may be
    missed, counted twice, recoded or dated a few days off.

    >>> wide = ti.sensitivity(scored, draws=1000, quantiles=(0.05, 0.95))
    >>> width = wide["tension_q95"] - wide["tension_q05"]
    >>> bool((width > 2 * (bands["tension_q95"] - bands["tension_q05"])).all())
    True
    >>> wide.attrs["tensionindex"]["sensitivity"]["includes"]
    ['weights', 'omission', 'duplication', 'recoding', 'date_shift']

    Measured from each dyad's usual event (``neutral="dyad"``), the draws
    are rescored: here the resumed dialogue is the dyad's only other event,
    so missing the water cannon changes how unusual the dialogue is.

    >>> usual = ti.sensitivity(scored, draws=200, neutral="dyad")
    >>> usual.attrs["tensionindex"]["sensitivity"]["method"]
    'rescored'
    """
    levels = tuple(float(q) for q in quantiles)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    data = as_scored(scored, config, overrides, coverage=coverage)
    plan = _plan(
        data,
        spread=spread,
        event_noise=event_noise,
        omission=omission,
        duplication=duplication,
        recoding=recoding,
        date_shift=date_shift,
        shift_days=shift_days,
        confidence_draws=confidence_draws,
        weight_ranges=weight_ranges,
        half_life_range=half_life_range,
        scale_range=scale_range,
    )
    # Tension quantiles needed: q for the tension, 1 - q for the stability.
    needed = sorted({*levels, *(1.0 - q for q in levels)})
    grid = data.grid(start, end)
    method = _method(data, plan)
    linear = method == "linear"
    settings = _settings(
        plan, method, data.config.neutral, event_noise, spread, draws, seed, levels
    )
    bands = None  # no events, or none of the dyads asked for
    if linear:
        grouped = data.grouped(per_unit_weight=True, start=start, end=end, dyads=dyads)
        labels = grouped.dyads
        if grid is not None and len(labels):
            bands = _linear_bands(grouped, plan, rng, draws, needed)
    else:
        chosen = data.select(dyads)
        labels = chosen.labels
        if grid is not None and len(labels):
            key = int(rng.integers(0, 2**64, dtype=np.uint64))
            bands = _recomputed_bands(data, chosen, grid, plan, key, draws, needed)
    if bands is None or grid is None:
        names = [
            "tension",
            "stability",
            *(f"tension_{_quantile_name(q)}" for q in levels),
            *(f"stability_{_quantile_name(q)}" for q in levels),
        ]
        return stamp(empty_frame(names, labels), data.config, sensitivity=settings)
    scale = data.scale
    tension_q = {q: bands.tension[i] for i, q in enumerate(needed)}
    columns: dict[str, np.ndarray] = {
        "tension": bands.central,
        "stability": stability_from_tension(bands.central, scale),
    }
    for q in levels:
        columns[f"tension_{_quantile_name(q)}"] = tension_q[q]
    for q in levels:
        columns[f"stability_{_quantile_name(q)}"] = (
            stability_from_tension(tension_q[1.0 - q], scale)
            if bands.stability is None
            else bands.stability[needed.index(q)]
        )
    frame = grid_frame(labels, grid, columns)
    return stamp(frame, data.config, sensitivity=settings)


def _sums_events(data: ScoredEvents) -> bool:
    """Whether the tension is a sum of events through their kernels (not a bounded carry).

    Every category's kernel is of the configuration's kind (only its half-life
    may differ), so one kernel answers for all.
    """
    return data.config.kernel_of().linear


def _method(data: ScoredEvents, plan: _Plan) -> str:
    """How the draws are computed: "linear", "recomputed" or "rescored" (:func:`sensitivity`)."""
    if data.config.neutral != "zero":
        return "rescored"
    if not plan.events_vary and plan.half_life is None and _sums_events(data):
        return "linear"
    return "recomputed"


#: Why each method is the one used, as the provenance of the bands says.
_REASONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "linear": "only the weights (and the scale) vary, and the tension is linear in the "
        "weights: every draw from one computation of the tension per event type",
        "recomputed": "the events (or the half-life) vary, or the kernel is no sum of events: "
        "every draw through the kernel from each event's signal and count",
        "rescored": "neutral={neutral!r}: an event's baseline is made of the other events of "
        "its draw, so every draw's events are rebuilt and scored again, draw by draw",
    }
)


def _settings(
    plan: _Plan,
    method: str,
    neutral: str,
    event_noise: bool,
    spread: float,
    draws: int,
    seed: int | np.random.Generator | None,
    levels: tuple[float, ...],
) -> dict[str, Any]:
    """The provenance of the bands: what they include, every setting, the draws and seed."""
    linear = method == "linear"
    return {
        "includes": plan.includes(),
        "method": method,
        "method_reason": _REASONS[method].format(neutral=neutral),
        "distribution": "; ".join(
            [
                "weights uniform on their ranges (by default 1 ± spread times the weight)",
                "drawn in mirrored pairs" if linear else "every draw through the kernel",
                *(
                    ["events missed, doubled, recoded, moved and kept by confidence"]
                    if plan.events_vary
                    else []
                ),
                *(
                    ["half-life and scale log-uniform on their ranges"]
                    if plan.half_life or plan.scale
                    else []
                ),
            ]
        ),
        "spread": float(spread),
        "weight_ranges": {name: list(pair) for name, pair in plan.ranges.items()},
        "event_noise": bool(event_noise),
        "omission": plan.omission,
        "duplication": plan.duplication,
        "recoding": plan.recoding,
        "date_shift": plan.date_shift,
        "shift_days": plan.shift_days,
        "confidence_draws": plan.confidence,
        "half_life_range": None if plan.half_life is None else list(plan.half_life),
        "scale_range": None if plan.scale is None else list(plan.scale),
        "draws": int(draws),
        "seed": seed if seed is None or isinstance(seed, int) else repr(seed),
        "quantiles": list(levels),
    }


@dataclass(frozen=True)
class _Bands:
    """Central tension ``(n_dyads, n_days)`` and quantiles ``(len(needed), n_dyads, n_days)``."""

    central: np.ndarray
    tension: np.ndarray
    stability: np.ndarray | None  # quantiles of the stability when the scale is drawn


def _linear_bands(
    grouped: GroupedTension,
    plan: _Plan,
    rng: np.random.Generator,
    draws: int,
    needed: Sequence[float],
) -> _Bands:
    """Weights (and scale) only: T = sum_k w_k U_k, every draw from one matrix product.

    The weights of a pair of draws are ``mid ± half * u``, ``u`` uniform on
    [-1, 1]: their tensions are ``c ± d`` about the tension ``c`` of the
    middle weights (the central one unless a type has a range of its own).
    """
    n_types, n_dyads, n_days = grouped.values.shape
    u = rng.uniform(-1.0, 1.0, size=(draws // 2, n_types))
    ranged = np.array([name in plan.ranges for name in grouped.groups], dtype=bool)
    relative = np.where(ranged, 1.0, plan.spread)
    size = np.array(grouped.weights, dtype=float)
    middle = np.zeros(n_types)
    for k in np.flatnonzero(ranged):
        low, high = plan.ranges[grouped.groups[k]]
        size[k], middle[k] = (high - low) / 2, (high + low) / 2 - grouped.weights[k]
    # Change of each weight, per pair: (spread * u) * w, as before ranges existed.
    steps = (relative * u) * size
    basis = grouped.values.reshape(n_types, n_dyads * n_days)
    central = grouped.tension()
    middle_tension = central + (middle @ basis).reshape(central.shape) if ranged.any() else central
    deviation = _deviation_quantiles(basis, steps, draws, needed)
    tension = np.stack(
        [middle_tension + deviation[i].reshape(central.shape) for i in range(len(needed))]
    )
    stability = None
    if plan.scale is not None:
        key = int(rng.integers(0, 2**64, dtype=np.uint64))
        scales = _log_uniform(key, _SCALE, np.arange(draws), plan.scale)
        stability = _linear_stability(basis, steps, middle_tension.ravel(), scales, needed)
        stability = stability.reshape(len(needed), n_dyads, n_days)
    return _Bands(central, tension, stability)


def _linear_stability(
    basis: np.ndarray,
    steps: np.ndarray,
    middle: np.ndarray,
    scales: np.ndarray,
    needed: Sequence[float],
) -> np.ndarray:
    """Stability quantiles when each draw has its own scale: the draws in full, block by block.

    Draw k of a cell is ``middle + d_k``, ``middle - d_k`` or ``middle`` (the
    odd one), its stability ``S((middle ± d) / scale_k)`` with its own scale.
    """
    n_cells = basis.shape[1]
    draws = len(scales)
    pairs = steps.shape[0]
    out = np.empty((len(needed), n_cells))
    block = max(1, _BLOCK_FLOATS // draws)
    for first in range(0, n_cells, block):
        cells = slice(first, first + block)
        half = basis[:, cells].T @ steps.T  # (cells, pairs)
        tension = np.empty((half.shape[0], draws))
        tension[:, :pairs] = half
        tension[:, pairs : 2 * pairs] = -half
        tension[:, 2 * pairs :] = 0.0
        tension += middle[cells, None]
        tension /= scales
        out[:, cells] = _sorted_quantiles(stability_from_tension(tension, 1.0), needed)
    return out


def _positions(draws: int, needed: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """numpy's "linear" quantiles: the order statistics below and above each, and the weight.

    Position (n - 1) q among the n sorted draws; at q = 1 both are the last.
    """
    virtual = (draws - 1) * np.asarray(needed, dtype=float)
    below = np.floor(virtual).astype(np.intp)
    above = below + 1
    top = virtual >= draws - 1
    below[top] = above[top] = draws - 1
    gamma = virtual - np.where(top, -1, below)
    return below, above, gamma


def _lerp(low: np.ndarray | float, high: np.ndarray | float, t: float) -> np.ndarray:
    """numpy's _lerp: from the nearer end, so that t = 0 and t = 1 are exact."""
    diff = np.subtract(high, low)
    return np.asarray(high - diff * (1 - t) if t >= 0.5 else low + diff * t)


def _sorted_quantiles(rows: np.ndarray, needed: Sequence[float]) -> np.ndarray:
    """Quantiles ``needed`` of each row of ``rows`` (sorted in place), ``(len(needed), n_rows)``.

    The same numbers as ``numpy.quantile(rows, needed, axis=1)``, bit for
    bit; one sort of contiguous rows is four times faster than numpy's
    partition around several positions.
    """
    rows.sort(axis=1)
    below, above, gamma = _positions(rows.shape[1], needed)
    out = np.empty((len(needed), rows.shape[0]))
    for i in range(len(needed)):
        out[i] = _lerp(rows[:, below[i]], rows[:, above[i]], float(gamma[i]))
    return out


def _deviation_quantiles(
    basis: np.ndarray, steps: np.ndarray, draws: int, needed: Sequence[float]
) -> np.ndarray:
    """Quantiles ``needed`` of each cell's deviations from the central tension, over the draws.

    ``basis`` is ``(n_types, n_cells)``, ``steps`` ``(pairs, n_types)``; the
    draws of a cell are ``d``, ``-d`` (``d = steps @ basis[:, cell]``) and a 0
    when ``draws`` is odd.  Such a set sorts as ``-a[::-1], (0), a`` for ``a``
    the sorted ``|d|``, so one sort of ``pairs`` values per cell gives every
    order statistic, and numpy's "linear" quantile is applied to them
    (exactly as :func:`numpy.quantile` would on the full set of draws).
    """
    n_cells = basis.shape[1]
    pairs = steps.shape[0]
    out = np.zeros((len(needed), n_cells))
    if pairs == 0 or n_cells == 0:
        return out  # one draw, the central one: no deviation
    odd = draws % 2
    below, above, gamma = _positions(draws, needed)

    def order_statistic(size: np.ndarray, position: int) -> np.ndarray | float:
        """The ``position``-th smallest draw, from the sorted ``|d|`` of each cell."""
        if position < pairs:
            return -size[:, pairs - 1 - position]
        if position < pairs + odd:
            return 0.0
        return size[:, position - pairs - odd]

    block = max(1, _BLOCK_FLOATS // pairs)
    for first in range(0, n_cells, block):
        cells = slice(first, first + block)
        # (cells, pairs), C-ordered: each cell's deviations are one contiguous row to sort.
        size = basis[:, cells].T @ steps.T
        np.abs(size, out=size)
        size.sort(axis=1)
        for i in range(len(needed)):
            low = order_statistic(size, int(below[i]))
            high = order_statistic(size, int(above[i]))
            out[i, cells] = _lerp(low, high, float(gamma[i]))
    return out


# -- draws of the events, recomputed through the kernel --------------------------------------


@dataclass(frozen=True)
class _Events:
    """The per-event arrays a draw reads, sorted by dyad (``bounds``: each dyad's slice)."""

    dyad: np.ndarray
    day: np.ndarray
    unit: np.ndarray  # signal per unit weight, without what the draws redo
    type_code: np.ndarray
    items: np.ndarray  # uint64: each event's counter, its position in the scored events
    confidence: np.ndarray | None  # when drawn
    spread: np.ndarray | None  # days each event is spread over
    bounds: np.ndarray


def _events(data: ScoredEvents, chosen: ScoredEvents, plan: _Plan) -> _Events:
    cfg = chosen.config
    unit = chosen.unit_signal()
    if cfg.aggregation == "mean":
        unit = unit / chosen.factor  # each draw divides by its own count of the day's events
    confidence = None
    if plan.confidence:
        confidence = chosen.events["confidence"].to_numpy(dtype=float)
        # A kept event counts in full: its confidence is drawn, no longer a factor.
        unit = np.divide(unit, confidence, out=np.zeros(len(unit)), where=confidence > 0)
    # The counter of an event is its position among all the scored events, so that
    # its draws are the same whichever dyads are asked for.
    if chosen is data:
        position = np.arange(len(data))
    else:
        codes = data.labels.get_indexer(chosen.labels)
        position = np.flatnonzero(np.isin(data.dyad, codes))
    order = np.argsort(chosen.dyad, kind="stable")
    counts = np.bincount(chosen.dyad, minlength=len(chosen.labels))
    return _Events(
        chosen.dyad[order],
        chosen.day[order],
        unit[order],
        chosen.type_code[order],
        position[order].astype(np.uint64),
        None if confidence is None else confidence[order],
        None if chosen.spread is None else chosen.spread[order],
        np.concatenate(([0], np.cumsum(counts))),
    )


@dataclass(frozen=True)
class _Tile:
    """Dyads ``first_dyad`` .. + ``n_dyads`` and ``n_days`` days from ``first_day``."""

    first_dyad: int
    n_dyads: int
    first_day: int
    n_days: int
    column: int  # the tile's first day, as a column of the output grid


def _tiles(n_dyads: int, grid: Grid, draws: int) -> Iterator[_Tile]:
    """Tiles of at most ``_BLOCK_FLOATS / draws`` cells: whole dyads, or one dyad's days."""
    cells = max(1, _BLOCK_FLOATS // draws)
    per_tile = max(1, cells // grid.n_days)
    days = grid.n_days if cells >= grid.n_days else cells
    for first in range(0, n_dyads, per_tile):
        rows = min(per_tile, n_dyads - first)
        for column in range(0, grid.n_days, days):
            width = min(days, grid.n_days - column)
            yield _Tile(first, rows, grid.first_day + column, width, column)


@dataclass(frozen=True)
class _Drawing:
    """What every tile and block of draws reads, prepared once per call."""

    events: _Events
    types: _Types
    plan: _Plan
    key: int
    config: IndexConfig
    half_life_factor: np.ndarray | None  # each draw's half-life over the configuration's
    rescoring: _Rescoring | None  # None under neutral="zero": per-event multiplicities

    def picked(self, tile: _Tile) -> np.ndarray:
        """The events that can reach ``tile``: its dyads', up to its last day (moved earlier)."""
        events = self.events
        inside = slice(
            events.bounds[tile.first_dyad], events.bounds[tile.first_dyad + tile.n_dyads]
        )
        reach = self.plan.shift_days if self.plan.date_shift > 0 else 0
        last = tile.first_day + tile.n_days - 1
        return np.arange(inside.start, inside.stop)[events.day[inside] - reach <= last]

    def block(self, tile: _Tile, picked: np.ndarray) -> int:
        """Draws computed at once on ``tile``: a few arrays of ``_WORKING_FLOATS`` values."""
        spread = self.events.spread
        pieces = len(picked) if spread is None else int(spread[picked].sum())
        if self.rescoring is not None:
            pieces *= 2  # a row per count: up to two per event
        return max(1, _WORKING_FLOATS // max(tile.n_dyads * tile.n_days, pieces, 1))

    def tension(self, tile: _Tile, picked: np.ndarray, which: np.ndarray) -> np.ndarray:
        """The tension of draws ``which`` on ``tile``, ``(len(which), cells)``."""
        factor = None if self.half_life_factor is None else self.half_life_factor[which]
        if self.rescoring is None:
            return _tile_draws(
                self.events,
                picked,
                which,
                tile,
                self.types,
                self.plan,
                self.key,
                factor,
                self.config,
            )
        return _rescored_draws(
            self.events,
            self.rescoring,
            picked,
            which,
            tile,
            self.types,
            self.plan,
            self.key,
            factor,
            self.config,
        )


def _drawing(
    data: ScoredEvents, chosen: ScoredEvents, plan: _Plan, key: int, draws: int
) -> _Drawing:
    cfg = chosen.config
    rescoring = None
    if cfg.neutral == "zero":
        types = _types(chosen, plan)
    else:
        # The types of every event scored: a source's baseline reads them all.
        types = _types(data, plan)
        parts = _parts(data, plan)
        means = None
        if cfg.neutral == "source":
            means = _source_means(data, parts, types, plan, key, draws)
        rescoring = _Rescoring(parts, means)
    factor = None
    if plan.half_life is not None:
        factor = _log_uniform(key, _HALF_LIFE, np.arange(draws), plan.half_life) / cfg.half_life
    return _Drawing(_events(data, chosen, plan), types, plan, key, cfg, factor, rescoring)


def _recomputed_bands(
    data: ScoredEvents,
    chosen: ScoredEvents,
    grid: Grid,
    plan: _Plan,
    key: int,
    draws: int,
    needed: Sequence[float],
) -> _Bands:
    """Every draw's events through the kernel, tile by tile of the grid, block by block of draws.

    Under ``neutral="zero"`` from per-event multiplicities (:func:`_tile_draws`);
    otherwise each draw's events rebuilt and scored again (:func:`_rescored_draws`).
    """
    # The index's own tension (its engine, its rounding): the central line.
    central = chosen._tension(grid)[2]
    drawing = _drawing(data, chosen, plan, key, draws)
    n_dyads = len(chosen.labels)
    all_draws = np.arange(draws)
    scales = None if plan.scale is None else _log_uniform(key, _SCALE, all_draws, plan.scale)
    tension = np.empty((len(needed), n_dyads, grid.n_days))
    stability = None if scales is None else np.empty_like(tension)
    for tile in _tiles(n_dyads, grid, draws):
        picked = drawing.picked(tile)
        drawn = np.empty((draws, tile.n_dyads * tile.n_days))
        block = drawing.block(tile, picked)
        for first in range(0, draws, block):
            which = all_draws[first : first + block]
            drawn[which] = drawing.tension(tile, picked, which)
        # (cells, draws): each cell's draws one contiguous row, to sort.
        values = np.ascontiguousarray(drawn.T)
        del drawn
        where = (
            slice(None),
            slice(tile.first_dyad, tile.first_dyad + tile.n_dyads),
            slice(tile.column, tile.column + tile.n_days),
        )
        shape = (len(needed), tile.n_dyads, tile.n_days)
        if stability is not None and scales is not None:
            found = stability_from_tension(values / scales, 1.0)
            stability[where] = _sorted_quantiles(found, needed).reshape(shape)
        tension[where] = _sorted_quantiles(values, needed).reshape(shape)
    return _Bands(central, tension, stability)


def _tile_draws(
    events: _Events,
    picked: np.ndarray,
    draws: np.ndarray,
    tile: _Tile,
    types: _Types,
    plan: _Plan,
    key: int,
    half_life_factor: np.ndarray | None,
    config: IndexConfig,
) -> np.ndarray:
    """The tension of ``draws`` on ``tile``, ``(len(draws), cells)``, from events ``picked``.

    Each (draw, dyad) is one row of a taller grid: one ``bincount`` makes the
    daily signal of every draw, and one pass of the kernel
    (:meth:`Kernel.from_daily`, as the index runs it) turns it into tension.
    An event counted twice enters once with twice its signal; a missed one
    with 0.
    """
    n_draws = len(draws)
    type_code = events.type_code[picked]
    edits = _edits(
        plan,
        types,
        key,
        draws,
        events.items[picked],
        type_code,
        None if events.confidence is None else events.confidence[picked],
    )
    weights = _weights(types, plan, key, draws)
    if edits.recoded:
        flat = edits.type_index + (np.arange(n_draws) * weights.shape[1])[:, None]
        weight = np.ascontiguousarray(weights).ravel()[flat]
    else:
        weight = weights[:, type_code]
    # (draw, event) arrays, flattened draw by draw; each (draw, dyad) is a row.
    value = weight * edits.count
    value *= events.unit[picked]
    value = value.ravel()
    count = edits.count.ravel()
    dyad = events.dyad[picked] - tile.first_dyad
    day = events.day[picked] - tile.first_day
    several = len(types.kernels) > 1
    kernel = types.kernel[edits.type_index].ravel() if several else None
    if config.aggregation != "mean" and events.spread is None:
        # Every entry kept (a missed event adds 0): cells by one broadcast sum.
        n_days = tile.n_days
        cell = (dyad * n_days + day) + (np.arange(n_draws) * (tile.n_dyads * n_days))[:, None]
        if edits.shift is None:
            day = np.broadcast_to(day, edits.count.shape).ravel()
        else:
            cell += edits.shift
            day = (day + edits.shift).ravel()
        cell = cell.ravel()

        def rows_of(where: np.ndarray) -> np.ndarray:
            draw, event = np.divmod(where, len(picked))
            return np.asarray(draw * tile.n_dyads + dyad[event])

        return _through_kernels(
            _Entries(cell, day, value, count, kernel, rows_of),
            n_draws,
            tile,
            types,
            half_life_factor,
            config,
        )
    row = (np.arange(n_draws)[:, None] * tile.n_dyads + dyad).ravel()
    if edits.shift is None:
        day = np.broadcast_to(day, edits.count.shape).ravel()
    else:
        day = (day + edits.shift).ravel()
    keep = np.flatnonzero(count)  # what the day's count and the pieces read
    row, day, value, count = row[keep], day[keep], value[keep], count[keep]
    kernel = None if kernel is None else kernel[keep]
    if config.aggregation == "mean":
        # The mean of the day's events as this draw has them: its own count.
        value *= aggregation_factor(row, day, "mean", None, count)
    spread = None
    if events.spread is not None:
        spread = np.broadcast_to(events.spread[picked], edits.count.shape).ravel()[keep]
    entries = _on_days(row, day, value, count, kernel, spread, tile.n_days)
    return _through_kernels(entries, n_draws, tile, types, half_life_factor, config)


@dataclass(frozen=True)
class _Entries:
    """What the kernel pass reads: per entry its cell of the tall grid and its values.

    ``day`` is relative to the tile (negative before it), ``cell`` is
    ``row * n_days + day`` for the days inside it, and ``rows_of`` gives the
    row of entries by position (the carry of the days before the tile).
    """

    cell: np.ndarray
    day: np.ndarray
    value: np.ndarray  # signal
    count: np.ndarray  # events it stands for (2 for an event counted twice, 1/n for a piece)
    kernel: np.ndarray | None  # index into _Types.kernels (None: one kernel)
    rows_of: Callable[[np.ndarray], np.ndarray]


def _on_days(
    row: np.ndarray,
    day: np.ndarray,
    value: np.ndarray,
    count: np.ndarray,
    kernel: np.ndarray | None,
    spread: np.ndarray | None,
    n_days: int,
) -> _Entries:
    """Entries of rows of the tall grid; a spread event is 1/n of itself on each of its n days."""
    if spread is not None:
        owner = np.repeat(np.arange(len(spread)), spread)
        offset = np.arange(len(owner)) - np.repeat(np.cumsum(spread) - spread, spread)
        value, count = (value / spread)[owner], (count / spread)[owner]
        row, day = row[owner], day[owner] + offset
        kernel = None if kernel is None else kernel[owner]
    cell = row * n_days + day

    def rows_of(where: np.ndarray) -> np.ndarray:
        return np.asarray(row[where])

    return _Entries(cell, day, value, count, kernel, rows_of)


def _through_kernels(
    entries: _Entries,
    n_draws: int,
    tile: _Tile,
    types: _Types,
    half_life_factor: np.ndarray | None,
    config: IndexConfig,
) -> np.ndarray:
    """The tension of the rows of entries, ``(n_draws, tile cells)``: the index's kernel pass.

    One ``bincount`` makes the daily signal of every (draw, dyad) row and
    one pass of each kernel (:meth:`Kernel.from_daily`, as the index runs
    it) turns it into tension, divided by the decayed count under
    ``kernel_mean``.  ``entries`` may be worked in.
    """
    n_rows, n_days = n_draws * tile.n_dyads, tile.n_days
    cell, day, value, count, kernel = (
        entries.cell,
        entries.day,
        entries.value,
        entries.count,
        entries.kernel,
    )
    # Days before the tile carry in through the kernel; days after it do not count.
    outside = np.flatnonzero(day.view(np.uint64) >= n_days)  # negative days wrap around
    before = outside[(day[outside] < 0) & (count[outside] > 0)]
    carried = (entries.rows_of(before), day[before], value[before], count[before])
    carried_kernel = None if kernel is None else kernel[before]
    if len(outside):
        cell[outside] = 0
        value[outside] = 0.0
        count[outside] = 0.0
    mean_of_kernel = config.aggregation == "kernel_mean"
    size = n_rows * n_days
    tensions, informations = [], []  # one part per kernel (category half-lives)
    for k, each in enumerate(types.kernels):
        mine = None if kernel is None else kernel == k
        signal = value if mine is None else np.where(mine, value, 0.0)
        theirs = slice(None) if carried_kernel is None else carried_kernel == k
        c_row, c_day, c_value, c_count = (c[theirs] for c in carried)
        # float even without entries (every event missed), where bincount gives integers
        daily = np.bincount(cell, signal, size).astype(float, copy=False).reshape(n_rows, n_days)
        counts = None
        if each.needs_counts or mean_of_kernel:
            counted = count if mine is None else np.where(mine, count, 0.0)
            counts = np.bincount(cell, counted, size).astype(float, copy=False)
            counts = counts.reshape(n_rows, n_days)
        if half_life_factor is not None:
            # Each draw its own half-life: one exponential recursion, a rate per row.
            rows_half_life = types.half_lives[k] * np.repeat(half_life_factor, tile.n_dyads)
            tensions.append(_decay_rows(daily, rows_half_life, c_row, c_day, c_value))
            if counts is not None and mean_of_kernel:
                informations.append(_decay_rows(counts, rows_half_life, c_row, c_day, c_count))
            continue
        on = len(c_day) > 0
        tensions.append(
            each.from_daily(daily, counts, (c_row, c_day, c_value) if on else None, overwrite=True)
        )
        if counts is not None and mean_of_kernel:
            # The decayed number of events: the kernel run on the counts.
            informations.append(
                each.from_daily(counts, counts, (c_row, c_day, c_count) if on else None)
            )
    tension = tensions[0]
    for part in tensions[1:]:
        tension += part
    if informations:
        information = informations[0]
        for part in informations[1:]:
            information += part
        tension /= information + config.prior_events
    return tension.reshape(n_draws, tile.n_dyads * n_days)


# -- draws rebuilt and scored again (neutral="dyad" or "source") ----------------------------


@dataclass(frozen=True)
class _Parts:
    """What the index multiplies each event's weight by, in the order of the scored events.

    The raw signal of an event is ``s = (w m)[k] * f(intensity) * c * r``
    (weight times category multiplier, then the intensity transform, the
    confidence and the dataset's reliability, in this order, as the index
    scores events), and a draw changes its type ``k`` and the weights.
    """

    intensity: np.ndarray  # f(intensity)
    confidence: np.ndarray | None  # c, when the index weighs by it and the draws do not decide it
    reliability: np.ndarray | None  # r, the dataset's confidence
    dataset: np.ndarray  # each event's source, for neutral="source"
    n_datasets: int
    share: np.ndarray | None  # g of the recorded day, under aggregation="share"


def _parts(data: ScoredEvents, plan: _Plan) -> _Parts:
    cfg, events = data.config, data.events
    intensity = intensity_transform(events["intensity"].to_numpy(), cfg.intensity_transform)
    confidence = reliability = None
    if cfg.use_confidence:
        if not plan.confidence:  # drawn: a kept event counts in full
            confidence = events["confidence"].to_numpy()
        reliability = dataset_reliability(events, cfg)
    codes = dataset_codes(events)
    dataset = np.zeros(len(data), np.intp) if codes is None else codes
    return _Parts(
        np.asarray(intensity, dtype=float),
        confidence,
        reliability,
        dataset,
        int(dataset.max(initial=-1)) + 1,
        data.factor if cfg.aggregation == "share" else None,
    )


@dataclass(frozen=True)
class _Rows:
    """The events of a block of draws, a row per count, draw by draw (``draw`` ascending)."""

    draw: np.ndarray  # index into the block's draws
    event: np.ndarray  # index into the events the rows were drawn from
    position: np.ndarray  # the event's position among the scored events
    type_index: np.ndarray  # into _Types.names
    day: np.ndarray  # after its move
    raw: np.ndarray  # the raw signal s, with this draw's weights and the row's type


def _rows(
    plan: _Plan,
    types: _Types,
    parts: _Parts,
    key: int,
    draws: np.ndarray,
    items: np.ndarray,
    type_code: np.ndarray,
    day: np.ndarray,
    confidence: np.ndarray | None,
) -> _Rows:
    """The events of ``draws`` written out, as a dataset of each draw would hold them.

    An event counted twice is two rows in a row, a missed one none; the rows
    keep the order of the events, so that every sum of the index adds them
    in the order it would add the rows of that dataset.
    """
    edits = _edits(plan, types, key, draws, items, type_code, confidence)
    n_events = len(items)
    flat = np.repeat(np.arange(len(draws) * n_events), edits.count.astype(np.intp).ravel())
    draw, event = np.divmod(flat, max(n_events, 1))
    if edits.recoded:
        type_index = edits.type_index.ravel()[flat]
    else:
        type_index = type_code.astype(np.intp, copy=False)[event]
    moved = day[event] if edits.shift is None else day[event] + edits.shift.ravel()[flat]
    position = items.astype(np.intp)[event]
    # s = (w m)[k] f c r, multiplied in the index's order so that the rounding is its own.
    per_type = _weights(types, plan, key, draws) * types.multiplier
    raw = per_type[draw, type_index]
    raw *= parts.intensity[position]
    if parts.confidence is not None:
        raw *= parts.confidence[position]
    if parts.reliability is not None:
        raw *= parts.reliability[position]
    return _Rows(draw, event, position, type_index, moved, raw)


def _source_means(
    data: ScoredEvents, parts: _Parts, types: _Types, plan: _Plan, key: int, draws: int
) -> np.ndarray:
    """The baseline of neutral="source" in every draw, ``(draws, n_datasets)``.

    The mean raw signal per event of each source, over every event scored
    (every dyad, asked for or not), as the draw has them.
    """
    n_events, n_sets = len(data), parts.n_datasets
    out = np.zeros((draws, n_sets))
    items = np.arange(n_events, dtype=np.uint64)
    confidence = data.events["confidence"].to_numpy(dtype=float) if plan.confidence else None
    block = max(1, _WORKING_FLOATS // max(2 * n_events, 1))
    for first in range(0, draws, block):
        which = np.arange(first, min(first + block, draws))
        rows = _rows(plan, types, parts, key, which, items, data.type_code, data.day, confidence)
        # One bin per (draw, source): bincount adds each bin's rows in their order.
        bins = rows.draw * n_sets + parts.dataset[rows.position]
        size = len(which) * n_sets
        totals = np.bincount(bins, rows.raw, size)
        counts = np.bincount(bins, minlength=size)
        means = np.divide(totals, counts, out=np.zeros(size), where=counts > 0)
        out[which] = means.reshape(len(which), n_sets)
    return out


@dataclass(frozen=True)
class _Rescoring:
    """What rescoring the draws needs beyond :class:`_Events`."""

    parts: _Parts
    source_means: np.ndarray | None  # (draws, n_datasets), under neutral="source"


def _rescored_draws(
    events: _Events,
    rescoring: _Rescoring,
    picked: np.ndarray,
    draws: np.ndarray,
    tile: _Tile,
    types: _Types,
    plan: _Plan,
    key: int,
    half_life_factor: np.ndarray | None,
    config: IndexConfig,
) -> np.ndarray:
    """The tension of ``draws`` on ``tile``, each draw's events rebuilt and scored again.

    As :func:`_tile_draws`, with the signals the index would give the rows
    of each draw's dataset (:func:`_rows`): their raw signals minus their
    baseline in that draw (the mean of the dyad's earlier rows under
    ``neutral="dyad"``, of the source's rows under ``"source"``), times the
    daily factor of that draw's rows under ``"mean"`` (of the recorded day
    under ``"share"``), then the same kernel pass.
    """
    parts = rescoring.parts
    rows = _rows(
        plan,
        types,
        parts,
        key,
        draws,
        events.items[picked],
        events.type_code[picked],
        events.day[picked],
        None if events.confidence is None else events.confidence[picked],
    )
    dyad = events.dyad[picked][rows.event] - tile.first_dyad
    if rescoring.source_means is not None:
        usual = rescoring.source_means[draws[rows.draw], parts.dataset[rows.position]]
    else:
        # Each draw alone, by the index's own function: its cumulative sums are the draw's.
        usual = np.empty(len(rows.raw))
        bounds = np.searchsorted(rows.draw, np.arange(len(draws) + 1))
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if hi > lo:
                part = slice(lo, hi)
                found = baseline_signal(
                    dyad[part], rows.day[part], rows.raw[part], "dyad", config.neutral_days
                )
                usual[part] = 0.0 if found is None else found
    signal = rows.raw - usual
    row = rows.draw * tile.n_dyads + dyad
    if config.aggregation == "mean":
        signal *= aggregation_factor(row, rows.day, "mean")
    elif parts.share is not None:
        signal *= parts.share[rows.position]
    kernel = types.kernel[rows.type_index] if len(types.kernels) > 1 else None
    spread = None if events.spread is None else events.spread[picked][rows.event]
    entries = _on_days(
        row,
        rows.day - tile.first_day,
        signal,
        np.ones(len(signal)),
        kernel,
        spread,
        tile.n_days,
    )
    return _through_kernels(entries, len(draws), tile, types, half_life_factor, config)


#: Longest block of days of :func:`_decay_rows`, as in :func:`kernels.decayed_cumsum`.
_DECAY_BLOCK_DAYS = 4096


def _decay_rows(
    x: np.ndarray,
    half_life: np.ndarray,
    carry_row: np.ndarray,
    carry_day: np.ndarray,
    carry_value: np.ndarray,
) -> np.ndarray:
    """T(t) = a_r T(t - 1) + x(t) along axis 1, in place, with a_r = 2 ** (-1 / half_life[r]).

    The exponential kernel when each row (each draw) has a half-life of its
    own: :func:`tensionindex.kernels.decayed_cumsum`'s blocked scaled sums
    with a rate per row.  Within a block of B days, T(b + k) = a^k (a T(b - 1)
    + sum_{j <= k} x(b + j) a^-j), B capped so that a^-B stays below 2**500;
    for half-lives under a few hours, a prefix scan.  Events before the grid
    (``carry_*``, days < 0) enter on day 0 decayed by their own row's rate.
    """
    n_rows, n_days = x.shape
    if len(carry_day):
        decayed = carry_value * np.exp2(carry_day / half_life[carry_row])
        x[:, 0] += np.bincount(carry_row, decayed, n_rows)
    rate = 1.0 / half_life[:, None]
    block = int(min(n_days, _DECAY_BLOCK_DAYS, 500 * float(half_life.min())))
    if block < 16:
        step = 1
        while step < n_days:
            x[:, step:] += np.exp2(-step * rate) * x[:, :-step]
            step *= 2
        return x
    ages = np.arange(block)
    up, down = np.exp2(ages * rate), np.exp2(-ages * rate)
    one_day = np.exp2(-rate[:, 0])
    last = np.zeros(n_rows)
    for first in range(0, n_days, block):
        part = x[:, first : first + block]
        width = part.shape[1]
        part *= up[:, :width]
        np.cumsum(part, axis=1, out=part)
        part += (last * one_day)[:, None]
        part *= down[:, :width]
        last = part[:, -1].copy()
    return x


def _period(date: DateLike | tuple[DateLike, DateLike]) -> tuple[int, int]:
    """(first, last) day of ``date``: one date, or a (start, end) pair (already checked)."""
    if isinstance(date, tuple | list):
        first = day_of(date[0], "date", "weight_influence")
        last = day_of(date[1], "date", "weight_influence")
        if last < first:
            raise invalid("weight_influence", "date", "a (start, end) pair with start <= end", date)
        return first, last
    day = day_of(date, "date", "weight_influence")
    return day, day


@validate_params(INFLUENCE_PARAMETERS, name="weight_influence")
def weight_influence(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
    dyad: str,
    date: DateLike | tuple[DateLike, DateLike],
    config: IndexConfig | None = None,
    *,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Which event-type weights move one dyad's index most: exact partial derivatives.

    Since ``T = sum_k w_k U_k``, the derivative of the tension with respect to
    the weight of type k is the tension its events give per unit weight,
    ``dT/dw_k = U_k``, exactly, and that of the stability follows by the
    chain rule, ``dS/dw_k = S'(T) U_k`` with
    ``S'(T) = -S (100 - S) / (100 * scale)``.  Over a period the tension and
    the stability are averaged over its days (both ends included), and so are
    their derivatives.  Only the dyad's events are read (unless ``config`` or
    ``overrides`` ask for the events to be scored again).

    Parameters
    ----------
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`tensionindex.score`; raw events are
        scored here.
    dyad : str
        "CHN-USA" (order and country names accepted) or "USA->CHN" when
        ``directed=True``.
    date : date-like or (date-like, date-like)
        The day, or a ``(start, end)`` period whose daily values are averaged.
        Events after it do not count (no look-ahead).
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    coverage : pandas.Series or collection of dates, optional
        Only with raw events, as in :func:`tensionindex.score` (the
        denominators of ``aggregation="share"``).
    **overrides
        Configuration fields to change for this call, e.g. ``half_life=14``.

    Returns
    -------
    pandas.DataFrame
        One row per event type whose events reach the dyad's tension on that
        day (or on some day of the period), ranked by the absolute effect of a
        change of its weight on the stability, with columns ``event_type``,
        ``label``, ``category``, ``weight`` (in force), ``d_tension`` (dT/dw,
        tension points per weight point), ``d_stability`` (dS/dw),
        ``elasticity`` (``weight * d_tension / tension``: the type's share of
        the tension, summing to 1 over the rows; NaN when the tension is 0) and
        ``rank`` (1 = largest ``|d_stability|``).  ``result.attrs
        ["tensionindex"]`` holds the dyad, the dates, the (mean) tension and
        stability, the configuration and its fingerprint.  Empty when no event
        of the dyad reaches the period.

    Raises
    ------
    InvalidParameterError
        For an invalid dyad, date or period (one that ends before it starts),
        or a configuration with ``neutral`` other than ``"zero"``.
    EventValidationError
        For invalid raw events or a dyad without events.
    ConfigurationError
        For an invalid configuration.

    See Also
    --------
    sensitivity : bands over random sets of weights.
    ScoredEvents.explain : the events behind one value.

    Examples
    --------
    >>> import tensionindex as ti
    >>> scored = ti.score([
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-31", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "warning"},
    ... ])
    >>> table = ti.weight_influence(scored, "CHN-PHL", "2024-03-31")
    >>> table[["event_type", "weight", "d_tension", "d_stability", "elasticity"]].round(3)
         event_type  weight  d_tension  d_stability  elasticity
    0       warning     4.4        1.0       -2.147       0.557
    1  water_cannon     7.0        0.5       -1.074       0.443
    """
    first, last = _period(date)
    data = as_scored(scored, config, overrides, coverage=coverage)
    if data.config.neutral != "zero":
        raise InvalidParameterError(
            f"weight_influence needs neutral='zero': with neutral={data.config.neutral!r} each "
            "event's signal is measured from a baseline made of the other events' weights, so "
            "the tension does not split into one part per event type. Score with "
            "neutral='zero' for this analysis; sensitivity takes any neutral."
        )
    grouped = data.grouped(
        per_unit_weight=True,
        start=np.datetime64(first, "D"),
        end=np.datetime64(last, "D"),
        dyads=dyad,
    )
    cfg = grouped.config
    label = str(grouped.dyads[0])
    unit = grouped.values[:, 0, :]  # (n_types, n_days): U_k(t)
    tension = grouped.tension()[0]
    stability = stability_from_tension(tension, grouped.scale)
    slope = -stability * (100.0 - stability) / (100.0 * grouped.scale)  # dS/dT, each day
    d_tension = unit.mean(axis=1)
    d_stability = (unit * slope).mean(axis=1)
    mean_tension = float(tension.mean())
    when: dict[str, str] = (
        {"date": str(np.datetime64(first, "D"))}
        if first == last
        else {"start": str(np.datetime64(first, "D")), "end": str(np.datetime64(last, "D"))}
    )
    info = {
        "dyad": label,
        **when,
        "tension": mean_tension,
        "stability": float(stability.mean()),
    }
    return stamp(_influence_table(grouped, d_tension, d_stability, mean_tension), cfg, **info)


def _influence_table(
    grouped: GroupedTension,
    d_tension: np.ndarray,
    d_stability: np.ndarray,
    tension: float,
) -> pd.DataFrame:
    reach = np.flatnonzero(np.any(grouped.values[:, 0, :] != 0, axis=1))
    names = [grouped.groups[k] for k in reach]
    resolved = grouped.config.resolve(names)
    weight = grouped.weights[reach]
    slope_t, slope_s = d_tension[reach], d_stability[reach]
    elasticity = weight * slope_t / tension if tension != 0 else np.full(len(reach), np.nan)
    # Largest |dS/dw| first; ties by |dT/dw|, then by name, so the order is stable.
    order = sorted(range(len(reach)), key=lambda i: (-abs(slope_s[i]), -abs(slope_t[i]), names[i]))
    frame = pd.DataFrame(
        {
            "event_type": pd.array([names[i] for i in order], dtype=object),
            "label": pd.array([resolved.label[i] for i in order], dtype=object),
            "category": pd.array([resolved.category[i] for i in order], dtype=object),
            "weight": weight[order],
            "d_tension": slope_t[order],
            "d_stability": slope_s[order],
            "elasticity": np.asarray(elasticity, dtype=float)[order],
            "rank": np.arange(1, len(order) + 1, dtype=np.int64),
        },
        columns=list(INFLUENCE_COLUMNS),
    )
    return frame
