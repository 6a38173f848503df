"""What an :class:`~tensionindex.IndexState` holds, and its JSON form.

The incremental algorithm lives in :mod:`tensionindex.state`; this module
holds its data and the plain-JSON dict that :meth:`IndexState.to_dict` writes
and :meth:`IndexState.from_dict` reads:

* :class:`Carry`: for each kernel of the configuration (:func:`kernels_of`),
  the kernel's own compressed past on the state's *anchor* day, as
  :meth:`Kernel.compress <tensionindex.kernels.Kernel.compress>` gives it (for
  the exponential kernel the value its scan carries into the block of the
  anchor, one per dyad, the cells since and the block's first day as
  ``start``; the cells of the last ``window`` days for the window kernel);
* :class:`Cells`: with ``late="correct"``, the *history* of the days after
  the anchor, one row per dyad, day and kernel with events: the event count
  and the summed signals before daily aggregation;
* :class:`Snapshot`: both, with the dyads, their first days and the last
  emitted day.

Schema 2 (this version) saves each kernel as :meth:`Kernel.to_dict
<tensionindex.kernels.Kernel.to_dict>` next to its carry.  Schema 1
(tensionindex 0.1, one carry per half-life) is converted on reading: its
carries and history become those of the kernels with the same half-lives, so
a service's saved states go on without rebuilding.  A schema-2 carry without
``start`` (saved before the exponential carry held its block) is read as
values to enter as events, as it was written: correct to rounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from tensionindex._sums import exact_bincount
from tensionindex.catalogue import known_categories
from tensionindex.config import IndexConfig
from tensionindex.exceptions import ConfigurationError
from tensionindex.kernels import KERNELS, SCAN_BLOCK_DAYS, Carried, Kernel, kernel_from_dict
from tensionindex.params import Constraint, Interval, Options, check

__all__ = [
    "KIND",
    "LATE",
    "MAX_LOOKBACK",
    "PARAMS",
    "SCHEMA",
    "Carry",
    "Cells",
    "Late",
    "Snapshot",
    "anchor_of",
    "combine",
    "decode",
    "encode",
    "iso",
    "kernels_of",
    "open_days",
]

Late: TypeAlias = Literal["reject", "correct"]
LATE: tuple[Late, ...] = ("reject", "correct")

#: Most days of history a state keeps for corrections (about 270 years).
MAX_LOOKBACK = 100_000

#: The constraints of IndexState's parameters (also checked on reading a saved state).
PARAMS: dict[str, list[Constraint]] = {
    "late": [Options(LATE)],
    "lookback": [Interval(int, 1, MAX_LOOKBACK)],
}

KIND = "tensionindex.IndexState"
#: The schema :func:`encode` writes; :func:`decode` also reads (converts) schema 1.
SCHEMA = 2


def iso(day: int) -> str:
    """The ISO date of a day number (days since 1970-01-01)."""
    return str(np.datetime64(int(day), "D"))


def kernels_of(config: IndexConfig) -> tuple[Kernel, ...]:
    """The distinct kernels of a configuration: the default one, then by category.

    A state keeps one carry per kernel.

    Examples
    --------
    >>> kernels_of(IndexConfig(half_life=20, category_half_lives={"gray_zone": 5}))
    (Exponential(half_life=20.0), Exponential(half_life=5.0))
    >>> kernels_of(IndexConfig(kernel="window", category_half_lives={"gray_zone": 5}))
    (Window(window=90),)
    """
    categories = known_categories(config.custom_types)
    every = [config.kernel_of(), *(config.kernel_of(str(c)) for c in categories)]
    return tuple(dict.fromkeys(every))


def open_days(late: Late, lookback: int) -> int:
    """Emitted days still open to late events: ``lookback`` ("correct") or none."""
    return lookback if late == "correct" else 0


def anchor_of(last: int | None, late: Late, lookback: int) -> int | None:
    """The day of the carry: the last emitted day, or ``lookback`` days before it ("correct")."""
    return None if last is None else last - open_days(late, lookback)


@dataclass(frozen=True)
class Cells:
    """Sparse history: one row per dyad, day and kernel with at least one event.

    ``value`` is the summed signal before daily aggregation (s_i without g_i)
    of the row's events, all of them of kernel ``kernel``.
    """

    dyad: np.ndarray  # int64 code into the state's dyad labels
    day: np.ndarray  # int64 days since 1970-01-01
    kernel: np.ndarray  # int64 position in kernels_of(config)
    count: np.ndarray  # int64 events
    value: np.ndarray  # float

    @staticmethod
    def empty() -> Cells:
        """No cells."""
        none = np.zeros(0, np.int64)
        return Cells(none, none, none, none, np.zeros(0))

    def __len__(self) -> int:
        return len(self.day)

    def take(self, keep: np.ndarray) -> Cells:
        """The cells where ``keep`` holds."""
        return Cells(
            self.dyad[keep], self.day[keep], self.kernel[keep], self.count[keep], self.value[keep]
        )

    def recode(self, mapping: np.ndarray) -> Cells:
        """The cells with dyad code ``c`` renumbered ``mapping[c]``."""
        return Cells(mapping[self.dyad], self.day, self.kernel, self.count, self.value)


def combine(parts: Sequence[Cells]) -> Cells:
    """Sum cells with the same dyad, day and kernel; sorted by dyad, day, then kernel."""
    dyad = np.concatenate([p.dyad for p in parts])
    if len(dyad) == 0:
        return Cells.empty()
    day = np.concatenate([p.day for p in parts])
    kernel = np.concatenate([p.kernel for p in parts])
    first = int(day.min())
    width = int(day.max()) - first + 1
    n_kernels = int(kernel.max()) + 1
    key = (dyad * width + (day - first)) * n_kernels + kernel
    keys, which = np.unique(key, return_inverse=True)
    which = which.ravel()
    count = np.concatenate([p.count for p in parts])
    value = np.concatenate([p.value for p in parts])
    summed = exact_bincount(which, value, len(keys))
    counts = np.bincount(which, weights=count, minlength=len(keys)).astype(np.int64)
    cell, kernels = np.divmod(keys, n_kernels)
    codes, offsets = np.divmod(cell, width)
    return Cells(codes.astype(np.int64), offsets + first, kernels, counts, summed)


@dataclass(frozen=True)
class Carry:
    """One kernel's past on the anchor day (:class:`~tensionindex.kernels.Carried`).

    ``(dyad, day, value)`` are entries the kernel reads back with
    :meth:`Kernel.resume <tensionindex.kernels.Kernel.resume>`; ``start`` is
    None, or the first day of the exponential scan's block (its entries on
    ``start - 1`` are the value carried into it).
    """

    dyad: np.ndarray  # int64
    day: np.ndarray  # int64, on or before the anchor
    value: np.ndarray  # float: daily signals (after aggregation), compressed by the kernel
    start: int | None = None

    @staticmethod
    def empty() -> Carry:
        """No past."""
        none = np.zeros(0, np.int64)
        return Carry(none, none, np.zeros(0))

    def __len__(self) -> int:
        return len(self.day)

    def recode(self, mapping: np.ndarray) -> Carry:
        """The carry with dyad code ``c`` renumbered ``mapping[c]``."""
        return Carry(mapping[self.dyad], self.day, self.value, self.start)

    def carried(self) -> Carried:
        """As the kernels take it."""
        return Carried(self.dyad, self.day, self.value, self.start)


@dataclass(frozen=True)
class Snapshot:
    """What a state knows besides its settings; replaced whole by each update."""

    labels: tuple[str, ...]  # the dyads seen, sorted
    first: np.ndarray  # int64 first event day per dyad
    last: int | None  # the last emitted day
    carries: tuple[Carry, ...]  # one per kernel of kernels_of(config)
    history: Cells  # "correct" only: the dyad-days after the anchor

    @staticmethod
    def empty(n_kernels: int) -> Snapshot:
        """The state before any event."""
        return Snapshot(
            (), np.zeros(0, np.int64), None, (Carry.empty(),) * n_kernels, Cells.empty()
        )


# -- writing -------------------------------------------------------------------


def encode(config: IndexConfig, late: Late, lookback: int, snapshot: Snapshot) -> dict[str, Any]:
    """The state as a plain, JSON-serialisable dict (schema 2); see :meth:`IndexState.to_dict`."""
    from tensionindex import __version__

    history = snapshot.history
    return {
        "kind": KIND,
        "schema": SCHEMA,
        "version": __version__,
        "config": config.to_dict(),
        "fingerprint": config.fingerprint,
        "late": late,
        "lookback": lookback,
        "last_day": None if snapshot.last is None else iso(snapshot.last),
        "dyads": list(snapshot.labels),
        "first_day": [iso(d) for d in snapshot.first.tolist()],
        "kernels": [
            {
                "kernel": kernel.to_dict(),
                "carry": {
                    "dyad": carry.dyad.tolist(),
                    "day": [iso(d) for d in carry.day.tolist()],
                    "value": carry.value.tolist(),
                    **({} if carry.start is None else {"start": iso(carry.start)}),
                },
            }
            for kernel, carry in zip(kernels_of(config), snapshot.carries, strict=True)
        ],
        "history": {
            "dyad": history.dyad.tolist(),
            "day": [iso(d) for d in history.day.tolist()],
            "kernel": history.kernel.tolist(),
            "events": history.count.tolist(),
            "raw": history.value.tolist(),
        },
    }


# -- reading -------------------------------------------------------------------


def decode(data: object) -> tuple[IndexConfig, Late, int, Snapshot]:
    """Configuration, ``late``, ``lookback`` and snapshot of a saved state, checked.

    Raises :class:`ConfigurationError` for anything but an intact saved
    state of schema 1 or 2 whose configuration still has its fingerprint.
    """
    if not isinstance(data, Mapping) or data.get("kind") != KIND:
        raise ConfigurationError(
            "Not a saved IndexState: expected the dict that IndexState.to_dict() returns "
            f"(with kind={KIND!r}). Got {_describe(data)} instead."
        )
    schema = data.get("schema")
    if schema not in (1, SCHEMA) or isinstance(schema, bool):
        raise ConfigurationError(
            f"The saved IndexState has schema {schema!r}; this version of tensionindex reads "
            f"schema {SCHEMA} (and converts schema 1). Rebuild the state from the events."
        )
    try:
        return _load(data, upgrade=schema == 1)
    except ConfigurationError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
        problem = f"missing key {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
        raise ConfigurationError(
            f"The saved IndexState is damaged: {problem}. Save it again with "
            "IndexState.to_dict(), or rebuild it from the events."
        ) from None


def _load(data: Mapping[str, Any], *, upgrade: bool) -> tuple[IndexConfig, Late, int, Snapshot]:
    config = IndexConfig.from_dict(data["config"])
    saved = data["fingerprint"]
    if config.fingerprint != saved:
        raise ConfigurationError(
            f"The saved IndexState was made with configuration fingerprint {saved!r}, but "
            f"its configuration now has fingerprint {config.fingerprint!r} (saved with "
            f"tensionindex {data.get('version')!r}): the configuration or the shipped "
            "weight tables changed, so its carry no longer matches. Rebuild the state by "
            "scoring the events again."
        )
    late, lookback = data["late"], data["lookback"]
    for name, value in (("late", late), ("lookback", lookback)):
        check("IndexState", name, value, PARAMS[name])
    labels = [str(label) for label in data["dyads"]]
    if labels != sorted(set(labels)):
        raise ValueError("its dyads are not sorted and unique")
    n_dyads = len(labels)
    first = _days(data["first_day"])
    if len(first) != n_dyads:
        raise ValueError("'first_day' does not have one date per dyad")
    last = None if data["last_day"] is None else int(_days([data["last_day"]])[0])
    if (last is None) != (n_dyads == 0):
        raise ValueError("it has dyads but no last day, or a last day but no dyads")
    anchor = anchor_of(last, late, lookback)
    kernels = kernels_of(config)
    parts = _from_schema_1(data, config, kernels, anchor) if upgrade else data
    saved_kernels = parts["kernels"]
    if not isinstance(saved_kernels, list) or len(saved_kernels) != len(kernels):
        raise ValueError("its kernels do not match its configuration")
    carries = []
    for kernel, entry in zip(kernels, saved_kernels, strict=True):
        if _kernel(entry["kernel"]) != kernel:
            raise ValueError("its kernels do not match its configuration")
        carries.append(_carry(entry["carry"], n_dyads, anchor))
    history = _history(parts["history"], n_dyads, len(kernels), anchor, last)
    return config, late, lookback, Snapshot(tuple(labels), first, last, tuple(carries), history)


def _kernel(data: object) -> Kernel:
    if not isinstance(data, Mapping) or data.get("name") not in KERNELS:
        raise ValueError(f"a kernel is not one of {sorted(KERNELS)}: {data!r}")
    return kernel_from_dict(data)


def _carry(data: Mapping[str, Any], n_dyads: int, anchor: int | None) -> Carry:
    dyad, day, value = _ints(data["dyad"]), _days(data["day"]), _floats(data["value"])
    if not (len(dyad) == len(day) == len(value)):
        raise ValueError("its carry has lists of different lengths")
    if len(dyad) and (dyad.min() < 0 or dyad.max() >= n_dyads):
        raise ValueError("a carry names an unknown dyad")
    if len(day) and (anchor is None or day.max() > anchor):
        raise ValueError("a carry is dated after the state's anchor day")
    start = data.get("start")
    if start is None:
        return Carry(dyad, day, value)
    begin = int(_days([start])[0])
    # A block's start: at most a block before the day after the anchor, no entry
    # before the day before it (else a hostile state could ask for any grid).
    if anchor is None or not anchor + 1 - SCAN_BLOCK_DAYS < begin <= anchor + 1:
        raise ValueError("a carry's start is not within a block of the state's anchor day")
    if len(day) and day.min() < begin - 1:
        raise ValueError("a carry has entries before its start")
    return Carry(dyad, day, value, begin)


def _history(
    data: Mapping[str, Any], n_dyads: int, n_kernels: int, anchor: int | None, last: int | None
) -> Cells:
    dyad, kernel, count = _ints(data["dyad"]), _ints(data["kernel"]), _ints(data["events"])
    day, value = _days(data["day"]), _floats(data["raw"])
    if not (len(dyad) == len(day) == len(kernel) == len(count) == len(value)):
        raise ValueError("its history has lists of different lengths")
    if len(dyad) and (dyad.min() < 0 or dyad.max() >= n_dyads or count.min() < 1):
        raise ValueError("a history cell names an unknown dyad or counts no events")
    if len(kernel) and (kernel.min() < 0 or kernel.max() >= n_kernels):
        raise ValueError("a history cell names an unknown kernel")
    if len(day) and (anchor is None or last is None or day.min() <= anchor or day.max() > last):
        raise ValueError("a history cell is dated outside the days the state keeps open")
    return Cells(dyad, day, kernel, count, value)


def _from_schema_1(
    data: Mapping[str, Any], config: IndexConfig, kernels: tuple[Kernel, ...], anchor: int | None
) -> dict[str, Any]:
    """The ``kernels`` and ``history`` of schema 2 from a schema-1 state.

    Schema 1 kept one carry per half-life (a single one under the window
    kernel) and, per dyad-day, the count and the summed signal per half-life.
    The events of a half-life are those of the kernel with that half-life.
    """
    where = {config.half_life: kernels.index(config.kernel_of())}
    for category in known_categories(config.custom_types):
        where[config.half_life_of(str(category))] = kernels.index(config.kernel_of(str(category)))
    half_lives = [float(h) for h in data["half_lives"]]
    if len(set(half_lives)) != len(half_lives) or any(h not in where for h in half_lives):
        raise ValueError("its half-lives do not match its configuration")
    group = [where[h] for h in half_lives]
    n_dyads = len(data["dyads"])
    day = None if anchor is None else iso(anchor)
    carries: list[dict[str, Any]] = [{"dyad": [], "day": [], "value": []} for _ in kernels]
    if data["window"] is not None:  # one group: the window kernel's cells
        window = data["window"]
        carries[group[0]] = {
            "dyad": window["dyad"],
            "day": window["day"],
            "value": window["signal"][0],
        }
    elif n_dyads:
        carry = _floats(data["carry"]).reshape(len(group), n_dyads)
        for g, k in enumerate(group):
            carries[k] = {
                "dyad": list(range(n_dyads)),
                "day": [day] * n_dyads,
                "value": carry[g].tolist(),
            }
    saved = data["history"]
    raw = _floats(saved["raw"]).reshape(len(group), -1)
    counts = _ints(saved["events"])
    history: dict[str, list[Any]] = {k: [] for k in ("dyad", "day", "kernel", "events", "raw")}
    for c, (dyad, cell_day, count) in enumerate(
        zip(saved["dyad"], saved["day"], counts.tolist(), strict=True)
    ):
        # Schema 1 kept one count per dyad-day: one event to each half-life with a
        # signal, the rest to the first (the factors of "mean" and "share" read the total).
        with_signal = [g for g in range(len(group)) if raw[g, c] != 0] or [0]
        for rank, g in enumerate(with_signal):
            history["dyad"].append(dyad)
            history["day"].append(cell_day)
            history["kernel"].append(group[g])
            history["events"].append(count - len(with_signal) + 1 if rank == 0 else 1)
            history["raw"].append(float(raw[g, c]))
    return {
        "kernels": [
            {"kernel": k.to_dict(), "carry": c} for k, c in zip(kernels, carries, strict=True)
        ],
        "history": history,
    }


def _describe(value: object) -> str:
    if isinstance(value, Mapping):
        return f"a dict with kind={value.get('kind')!r}"
    return f"a {type(value).__name__}"


def _days(values: object) -> np.ndarray:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("dates must be a list of ISO dates such as '2024-03-01'")
    return np.array(values, dtype="datetime64[D]").astype(np.int64)


def _floats(values: object) -> np.ndarray:
    array = np.array(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError("it holds a number that is not finite")
    return array


def _ints(values: object) -> np.ndarray:
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise ValueError("counts and codes must be lists of integers")
    return np.array(values, dtype=np.int64)
