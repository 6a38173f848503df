"""Event types: the analyst catalogue, CAMEO codes and PLOVER types, and their weights.

Three families of event type are built in:

* **analyst types** such as ``dialogue_resumed`` or ``water_cannon``: a curated
  catalogue (``data/event_types.csv``), each tied to the CAMEO code and PLOVER
  type/mode that describe it;
* **CAMEO codes**, written ``cameo:NNN`` (``cameo:0871``, ``cameo:19``), so that
  GDELT and ICEWS records score without a mapping step;
* **PLOVER types and modes**, written ``plover:TYPE`` or ``plover:TYPE/mode``
  (``plover:COERCE``, ``plover:CONSULT/phone``), for POLECAT records.

A *tension weight* is positive when the event raises tension and negative when
it lowers it.  Every type also has a *quad class*, one of the four classic
event-data classes (verbal cooperation, material cooperation, verbal conflict,
material conflict; :data:`QUAD_CLASSES`): from its CAMEO root code as GDELT's
``QuadClass`` field gives it, from the PLOVER manual's "quad category" of its
PLOVER type, from the ``quad_class`` column of the analyst table, or, for a
custom type, from its category and the sign of its weight
(:func:`quad_classes`).

The default weight depends on the profile (``default_weights``):

* ``"goldstein"`` (the default): an analyst type takes the weight of the
  analyst table.  That is minus the Goldstein (1992) value of the type's CAMEO
  code, as GDELT's lookup table publishes it, unless the table gives the type a
  weight of its own because that single code misleads (a street blockade
  scoring more than water cannon, an offer to talk more than the talks); each
  revision has a one-line reason.  A ``cameo:`` code takes minus its own
  Goldstein value, a ``plover:`` key minus its PLOVER score.
* ``"plover"``: every type takes minus the PLOVER conflict-cooperation score
  of its PLOVER type/mode, unrevised, except a type counted in units other than
  events (``adiz_incursion``, per aircraft), which keeps its table weight:
  PLOVER scores an event, not one aircraft of it.

Every analyst type also carries a plausible range of its weight, ``(low,
high)`` in tension points, for uncertainty analysis.  See
``docs/methodology.md`` for the sources, the revisions and the few corrections
applied to the published values.

This module is data and the rules that read it: it imports nothing of the
configuration, which is built on it.  The public table of types under a
configuration, :func:`tensionindex.taxonomy`, is in
:mod:`tensionindex.event_types`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np

from tensionindex._types import DEFAULT_WEIGHTS, DefaultWeights
from tensionindex.exceptions import (
    ConfigurationError,
    EventValidationError,
    InvalidParameterError,
    did_you_mean,
)

__all__ = [
    "CATEGORIES",
    "CUSTOM_MODES",
    "QUAD_CLASSES",
    "SIDES",
    "Entry",
    "EventTypeSpec",
    "ResolvedTypes",
    "custom_quad_class",
    "entries",
    "normalize_event_type",
    "quad_classes",
    "resolve_event_types",
    "sides",
]

#: The built-in categories, from the most cooperative to the most violent.
CATEGORIES: tuple[str, ...] = (
    "dialogue",
    "agreement",
    "cooperation",
    "statement",
    "diplomatic_friction",
    "economic_coercion",
    "military_posture",
    "gray_zone",
    "violence",
)

#: The four classic event-data classes, in the order of GDELT's ``QuadClass``
#: codes 1 to 4 (Duval and Thompson 1980; Schrodt 2012, the CAMEO manual).
QUAD_CLASSES: tuple[str, ...] = (
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)

#: The two sides of the tension: events that raise it and events that lower it.
SIDES: tuple[str, ...] = ("conflict", "cooperation")

Source = Literal["analyst", "cameo", "plover", "custom"]

# CAMEO root code -> category, for codes that no analyst type uses.  Finer rules
# (longest matching prefix wins) keep sanctions, military threats and maritime
# coercion out of the generic buckets of their roots.
_CAMEO_PREFIX_CATEGORY: dict[str, str] = {
    "01": "statement",
    "02": "statement",
    "03": "agreement",
    "036": "dialogue",
    "04": "dialogue",
    "05": "cooperation",
    "057": "agreement",
    "06": "cooperation",
    "07": "cooperation",
    "08": "agreement",
    "09": "statement",
    "10": "diplomatic_friction",
    "11": "statement",
    "12": "diplomatic_friction",
    "13": "diplomatic_friction",
    "1312": "economic_coercion",
    "138": "military_posture",
    "139": "military_posture",
    "14": "diplomatic_friction",
    "144": "gray_zone",
    "15": "military_posture",
    "16": "diplomatic_friction",
    "162": "economic_coercion",
    "163": "economic_coercion",
    "164": "dialogue",
    "17": "gray_zone",
    "172": "diplomatic_friction",
    "173": "diplomatic_friction",
    "174": "diplomatic_friction",
    "18": "violence",
    "19": "violence",
    "191": "gray_zone",
    "20": "violence",
}

_PLOVER_CATEGORY: dict[str, str] = {
    "AGREE": "agreement",
    "CONSULT": "dialogue",
    "SUPPORT": "statement",
    "CONCEDE": "agreement",
    "COOPERATE": "cooperation",
    "AID": "cooperation",
    "RETREAT": "agreement",
    "REQUEST": "statement",
    "ACCUSE": "statement",
    "REJECT": "diplomatic_friction",
    "THREATEN": "diplomatic_friction",
    "PROTEST": "diplomatic_friction",
    "SANCTION": "economic_coercion",
    "MOBILIZE": "military_posture",
    "COERCE": "gray_zone",
    "ASSAULT": "violence",
}

# CAMEO root code -> quad class, as GDELT fills its QuadClass field: roots 01-05
# verbal cooperation, 06-09 material cooperation, 10-14 verbal conflict, 15-20
# material conflict (checked against every GDELT record in tests/test_taxonomy.py).
# Other published conventions differ on roots 09 and 14 (docs/analysis.md).
_CAMEO_ROOT_QUAD: dict[str, str] = {
    f"{root:02d}": QUAD_CLASSES[(root > 5) + (root > 9) + (root > 14)] for root in range(1, 21)
}

# PLOVER type -> quad class: the "Quad category" of each type in the PLOVER manual.
_PLOVER_QUAD: dict[str, str] = {
    "AGREE": "verbal_cooperation",
    "CONSULT": "verbal_cooperation",
    "SUPPORT": "verbal_cooperation",
    "CONCEDE": "verbal_cooperation",
    "COOPERATE": "material_cooperation",
    "AID": "material_cooperation",
    "RETREAT": "material_cooperation",
    "REQUEST": "verbal_conflict",
    "ACCUSE": "verbal_conflict",
    "REJECT": "verbal_conflict",
    "THREATEN": "verbal_conflict",
    "PROTEST": "material_conflict",
    "SANCTION": "material_conflict",
    "MOBILIZE": "material_conflict",
    "COERCE": "material_conflict",
    "ASSAULT": "material_conflict",
}

# Category -> (verbal or material, the side of a zero weight), for custom types:
# their quad class is the category's mode with the side of their weight's sign.
# A category of the user's own is "material" (custom types are mostly acts such
# as port calls or patrols) with zero weights on the cooperation side (GDELT
# counts neutral statements, Goldstein 0, as verbal cooperation).
_CATEGORY_QUAD: dict[str, tuple[str, str]] = {
    "dialogue": ("verbal", "cooperation"),
    "agreement": ("verbal", "cooperation"),
    "cooperation": ("material", "cooperation"),
    "statement": ("verbal", "cooperation"),
    "diplomatic_friction": ("verbal", "conflict"),
    "economic_coercion": ("material", "conflict"),
    "military_posture": ("material", "conflict"),
    "gray_zone": ("material", "conflict"),
    "violence": ("material", "conflict"),
}
_NEW_CATEGORY_QUAD = ("material", "cooperation")

#: What a custom event type's ``mode`` may be: words or deeds.
CUSTOM_MODES: tuple[str, ...] = ("verbal", "material")

# The PLOVER manual prints the base score of ACCUSE as +3 while every ACCUSE
# mode is negative (-2 to -3.5) and the manual's older table gives -2: a sign
# typo.  We use -2 (docs/methodology.md, "Corrections").
_PLOVER_CORRECTIONS: dict[tuple[str, str], float] = {("ACCUSE", ""): -2.0}

_CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, kw_only=True)
class EventTypeSpec:
    """An event type defined by the user in the configuration.

    Parameters
    ----------
    label : str
        A one-line description shown by :func:`taxonomy` and :func:`explain`.
    category : str
        One of :data:`CATEGORIES`, or a new category name (lower-case letters,
        digits and underscores) that then accepts multipliers and half-lives.
    weight : float
        Tension weight: positive raises tension, negative lowers it.
    mode : {"verbal", "material"}, optional
        Whether the type is words or deeds, for its quad class
        (:func:`custom_quad_class`); by default its category's (material for
        a category of the user's own).

    Examples
    --------
    >>> EventTypeSpec(label="Joint coast-guard patrol", category="cooperation", weight=-3.0)
    EventTypeSpec(label='Joint coast-guard patrol', category='cooperation', weight=-3.0, mode=None)
    """

    label: str
    category: str
    weight: float
    mode: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The spec as configuration files write it (``mode`` only when set).

        Examples
        --------
        >>> EventTypeSpec(label="Navy warns", category="naval", weight=2.0).as_dict()
        {'label': 'Navy warns', 'category': 'naval', 'weight': 2.0}
        >>> EventTypeSpec(label="Navy warns", category="naval", weight=2.0, mode="verbal").as_dict()
        {'label': 'Navy warns', 'category': 'naval', 'weight': 2.0, 'mode': 'verbal'}
        """
        out: dict[str, Any] = {
            "label": self.label,
            "category": self.category,
            "weight": self.weight,
        }
        if self.mode is not None:
            out["mode"] = self.mode
        return out


@dataclass(frozen=True)
class Entry:
    """One built-in event type of the catalogue: its default weight under each profile and more.

    ``goldstein_weight`` and ``plover_weight`` are the weights the
    ``goldstein`` and ``plover`` profiles give the type when no override is
    set.  ``weight_low`` and ``weight_high`` are the plausible range of the
    analyst table's weight (NaN for ``cameo:`` and ``plover:`` keys), ``unit``
    what one unit of intensity counts (``"event"``, or ``"aircraft"`` for
    ``adiz_incursion``) and ``reason`` why the table's weight is what it is
    (empty for ``cameo:`` and ``plover:`` keys).
    """

    label: str
    category: str
    goldstein_weight: float
    plover_weight: float
    source: Source
    cameo: str
    plover: str
    quad_class: str
    weight_low: float = float("nan")
    weight_high: float = float("nan")
    unit: str = "event"
    reason: str = ""


@dataclass(frozen=True)
class ResolvedTypes:
    """Weights and categories for a list of event-type keys (arrays aligned with the keys)."""

    keys: tuple[str, ...]
    weight: np.ndarray
    category: np.ndarray  # object array of category names
    multiplier: np.ndarray
    label: tuple[str, ...]


def _read_table(name: str) -> list[dict[str, str]]:
    text = resources.files("tensionindex").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def tables_digest() -> str:
    """SHA-256 of everything shipped that decides a number of the index, part of every fingerprint.

    That is the weight tables, the actor alias table (it decides which dyad an
    event belongs to) and the mapping rules kept in code (categories of CAMEO
    codes and PLOVER types, corrections of published values).  The analyst
    table enters with its explicit weights, their ranges and units: a revised
    weight or range changes every fingerprint (the revisions of this release
    did, on purpose).  Its free text and its quad classes are left out
    (:data:`_DIGEST_IGNORES`): the ``label`` and ``reason`` columns explain
    and the ``quad_class`` column only decides how
    :func:`tensionindex.tension_parts` counts events by class, so none of them
    decides a tension, stability or contribution, and correcting them keeps
    the fingerprints and the saved ``IndexState`` files.
    """
    files = {
        name: resources.files("tensionindex").joinpath("data", name).read_bytes()
        for name in _DIGEST_FILES
    }
    return _digest(files)


#: The shipped tables that decide a number of the index, in the order they are hashed.
_DIGEST_FILES = (
    "event_types.csv",
    "cameo_goldstein.csv",
    "plover_scores.csv",
    "cameo_plover.csv",
    "actor_aliases.csv",
)

#: Columns of a shipped table left out of the digest, by file: they decide no number.
_DIGEST_IGNORES: dict[str, tuple[str, ...]] = {
    "event_types.csv": ("quad_class", "label", "reason"),
}


def _digest(files: Mapping[str, bytes]) -> str:
    """The digest of :func:`tables_digest` over the given file contents (by name)."""
    digest = hashlib.sha256()
    for name in _DIGEST_FILES:
        data = files[name].replace(b"\r\n", b"\n")
        ignored = _DIGEST_IGNORES.get(name, ())
        if ignored:
            data = _without_columns(data, ignored)
        digest.update(name.encode() + b"\0" + data + b"\0")
    rules = (
        sorted(_CAMEO_PREFIX_CATEGORY.items()),
        sorted(_PLOVER_CATEGORY.items()),
        sorted(_PLOVER_CORRECTIONS.items()),
    )
    digest.update(repr(rules).encode())
    return digest.hexdigest()[:16]


def _without_columns(data: bytes, columns: Iterable[str]) -> bytes:
    """A CSV table (UTF-8, LF, minimal quoting) without ``columns``."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if not rows:
        return data
    keep = [k for k, name in enumerate(rows[0]) if name not in set(columns)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([row[k] for k in keep] for row in rows)
    return out.getvalue().encode("utf-8")


def _tension(score: float) -> float:
    """Tension weight of a published score: minus the score (0.0, never -0.0)."""
    return 0.0 - score


def _cameo_category(code: str, analyst: Mapping[str, str]) -> str:
    # A code that analyst types use takes the category of the first of them:
    # 173 stays diplomatic_friction (nationals_detained) although
    # fishermen_arrested, a gray_zone type, uses it too.
    if code in analyst:
        return analyst[code]
    for length in range(len(code), 1, -1):
        category = _CAMEO_PREFIX_CATEGORY.get(code[:length])
        if category is not None:
            return category
    return "statement"  # unreachable for the shipped table; every code has a root


def _plover_score(scores: Mapping[tuple[str, str], float], plover: str) -> float:
    ptype, _, mode = plover.partition("/")
    # Modes the score table does not list fall back to the type's base score.
    return scores.get((ptype, mode), scores[(ptype, "")])


@functools.cache
def entries() -> dict[str, Entry]:
    cameo_rows = _read_table("cameo_goldstein.csv")
    goldstein = {row["code"]: float(row["goldstein"]) for row in cameo_rows}
    scores = {(r["type"], r["mode"]): float(r["score"]) for r in _read_table("plover_scores.csv")}
    scores.update(_PLOVER_CORRECTIONS)
    cameo_plover = {
        r["cameo"]: r["plover_type"] + (f"/{r['plover_mode']}" if r["plover_mode"] else "")
        for r in _read_table("cameo_plover.csv")
    }
    analyst_rows = _read_table("event_types.csv")
    analyst_category: dict[str, str] = {}
    for r in analyst_rows:
        analyst_category.setdefault(r["cameo"], r["category"])

    entries: dict[str, Entry] = {}
    for row in analyst_rows:
        # An empty weight is minus the Goldstein value of the CAMEO code.
        weight = float(row["weight"]) if row["weight"] else _tension(goldstein[row["cameo"]])
        counted = row["unit"] != "event"
        entries[row["event_type"]] = Entry(
            label=row["label"],
            category=row["category"],
            goldstein_weight=weight,
            plover_weight=weight if counted else _tension(_plover_score(scores, row["plover"])),
            source="analyst",
            cameo=row["cameo"],
            plover=row["plover"],
            quad_class=row["quad_class"],
            weight_low=float(row["weight_low"]),
            weight_high=float(row["weight_high"]),
            unit=row["unit"],
            reason=row["reason"],
        )
    for row in cameo_rows:
        code = row["code"]
        # Codes without a PLOVER mapping take their parent's (1056 -> 105 -> 10).
        parent = next(
            (code[:n] for n in range(len(code), 1, -1) if code[:n] in cameo_plover), None
        )
        plover = cameo_plover[parent] if parent is not None else ""
        g_weight = _tension(goldstein[code])
        entries[f"cameo:{code}"] = Entry(
            label=row["description"],
            category=_cameo_category(code, analyst_category),
            goldstein_weight=g_weight,
            plover_weight=_tension(_plover_score(scores, plover)) if plover else g_weight,
            source="cameo",
            cameo=code,
            plover=plover,
            quad_class=_CAMEO_ROOT_QUAD[code[:2]],
        )
    for (ptype, mode), score in sorted(scores.items()):
        key = f"plover:{ptype}" + (f"/{mode}" if mode else "")
        entries[key] = Entry(
            label=f"PLOVER {ptype.lower()}" + (f", mode {mode}" if mode else ""),
            category=_PLOVER_CATEGORY[ptype],
            goldstein_weight=_tension(score),
            plover_weight=_tension(score),
            source="plover",
            cameo="",
            plover=key.removeprefix("plover:"),
            quad_class=_PLOVER_QUAD[ptype],
        )
    return entries


def builtin_event_types() -> frozenset[str]:
    """The keys of every built-in event type (analyst, ``cameo:``, ``plover:``)."""
    return frozenset(entries())


def normalize_event_type(value: str) -> str:
    """Return the canonical spelling of an event-type key.

    Analyst and custom keys are lower-case; ``cameo:`` codes keep their digits
    (and leading zeros); PLOVER types are upper-case and modes lower-case.

    Examples
    --------
    >>> normalize_event_type(" Water_Cannon ")
    'water_cannon'
    >>> normalize_event_type("PLOVER:consult/Phone")
    'plover:CONSULT/phone'
    >>> normalize_event_type("CAMEO:0871")
    'cameo:0871'
    """
    text = value.strip()
    prefix, sep, rest = text.partition(":")
    lowered = prefix.strip().lower()
    if sep and lowered == "cameo":
        return "cameo:" + rest.strip()
    if sep and lowered == "plover":
        ptype, slash, mode = rest.strip().partition("/")
        return "plover:" + ptype.strip().upper() + (slash + mode.strip().lower() if slash else "")
    return text.lower()


def known_categories(custom_types: Mapping[str, EventTypeSpec]) -> tuple[str, ...]:
    """Built-in categories followed by new ones introduced by custom types."""
    extra = sorted({spec.category for spec in custom_types.values()} - set(CATEGORIES))
    return CATEGORIES + tuple(extra)


def check_custom_types(custom_types: Mapping[str, EventTypeSpec]) -> None:
    """Raise :class:`ConfigurationError` for a malformed or clashing custom type."""
    builtin = entries()
    for key, spec in custom_types.items():
        if not _CUSTOM_KEY.match(key):
            raise ConfigurationError(
                f"The custom event type key {key!r} of IndexConfig must be lower-case letters, "
                "digits and underscores, starting with a letter (e.g. 'navy_band')."
            )
        if key in builtin:
            raise ConfigurationError(
                f"The custom event type {key!r} of IndexConfig is already built in; "
                f"change its weight with weights={{{key!r}: ...}} instead."
            )
        if not _CUSTOM_KEY.match(spec.category):
            raise ConfigurationError(
                f"The category of custom event type {key!r} must be lower-case letters, digits "
                f"and underscores. Got {spec.category!r} instead."
                + did_you_mean(spec.category, CATEGORIES)
            )
        if spec.mode not in (None, *CUSTOM_MODES):
            raise ConfigurationError(
                f"The mode of custom event type {key!r} must be 'verbal' (words: statements, "
                f"talks) or 'material' (deeds), or be left out to take its category's. "
                f"Got {spec.mode!r} instead."
            )


def custom_quad_class(spec: EventTypeSpec) -> str:
    """The quad class of a custom type: its category's mode, its weight's side.

    Verbal or material comes from the category (dialogue, agreement and
    statement are verbal; cooperation, economic_coercion, military_posture,
    gray_zone, violence and any category of the user's own are material;
    diplomatic_friction is verbal) unless the type sets its own ``mode``;
    cooperation or conflict from the sign of
    the type's own weight (negative: cooperation, positive: conflict; 0: the
    category's usual side, cooperation for a category of the user's own).

    Examples
    --------
    >>> custom_quad_class(EventTypeSpec(label="Joint patrol", category="cooperation", weight=-3))
    'material_cooperation'
    >>> custom_quad_class(EventTypeSpec(label="Drone overflight", category="naval", weight=3))
    'material_conflict'
    >>> custom_quad_class(EventTypeSpec(label="Envoy summoned", category="diplomatic_friction",
    ...                                 weight=2))
    'verbal_conflict'
    >>> custom_quad_class(EventTypeSpec(label="Navy spokesman warns", category="naval",
    ...                                 weight=2, mode="verbal"))
    'verbal_conflict'
    """
    mode, usual = _CATEGORY_QUAD.get(spec.category, _NEW_CATEGORY_QUAD)
    mode = spec.mode or mode
    side = usual if spec.weight == 0 else ("conflict" if spec.weight > 0 else "cooperation")
    return f"{mode}_{side}"


def quad_classes(
    event_types: Iterable[str], custom_types: Mapping[str, EventTypeSpec] | None = None
) -> tuple[str, ...]:
    """The quad class of each event type, one of :data:`QUAD_CLASSES`.

    Parameters
    ----------
    event_types : iterable of str
        Canonical event-type keys (as :func:`normalize_event_type` writes
        them, and as scored events hold them).
    custom_types : mapping of str to EventTypeSpec, optional
        The custom types of the configuration in force
        (``IndexConfig.custom_types``).

    Returns
    -------
    tuple of str
        Aligned with ``event_types``: ``"verbal_cooperation"``,
        ``"material_cooperation"``, ``"verbal_conflict"`` or
        ``"material_conflict"``.  A ``cameo:`` code takes the class of its
        root as GDELT's ``QuadClass`` gives it (01-05, 06-09, 10-14, 15-20); a
        ``plover:`` key the "quad category" of its PLOVER type in the PLOVER
        manual; an analyst type the ``quad_class`` column of the analyst
        table; a custom type its category's mode and its weight's side
        (:func:`custom_quad_class`).

    Raises
    ------
    EventValidationError
        If a key is not a known event type (with near misses).

    Examples
    --------
    >>> quad_classes(["cameo:046", "cameo:09", "plover:PROTEST/obstruct", "water_cannon"])
    ('verbal_cooperation', 'material_cooperation', 'material_conflict', 'material_conflict')
    """
    catalogue = entries()
    customs = custom_types or {}
    out: list[str] = []
    for key in event_types:
        if key in customs:
            out.append(custom_quad_class(customs[key]))
        elif key in catalogue:
            out.append(catalogue[key].quad_class)
        else:
            raise EventValidationError(unknown_type_message(key, customs))
    return tuple(out)


def sides(weights: Iterable[float], quad: Iterable[str]) -> np.ndarray:
    """Which side of the tension each event type is on: ``"conflict"`` or ``"cooperation"``.

    A type with a positive weight raises tension (conflict), one with a
    negative weight lowers it (cooperation); a type of weight 0 takes the
    side of its quad class (``quad``, aligned with ``weights``), so that
    every type is on exactly one side.

    Examples
    --------
    >>> sides([7.0, -2.0, 0.0, 0.0], ["material_conflict", "material_cooperation",
    ...                                "verbal_cooperation", "verbal_conflict"])
    array(['conflict', 'cooperation', 'cooperation', 'conflict'], dtype=object)
    """
    weight = np.asarray(list(weights), dtype=float)
    by_class = np.array([q.endswith("_conflict") for q in quad], dtype=bool)
    if len(by_class) != len(weight):
        raise InvalidParameterError(
            f"sides() needs one quad class per weight: got {len(weight)} weights and "
            f"{len(by_class)} quad classes."
        )
    conflict = np.where(weight == 0, by_class, weight > 0)
    return np.where(conflict, "conflict", "cooperation").astype(object)


def unknown_type_message(key: str, custom_types: Mapping[str, EventTypeSpec]) -> str:
    """Explain why ``key`` is not an event type, with near misses."""
    candidates = list(entries()) + list(custom_types)
    hint = did_you_mean(key, candidates)
    if not hint and key.startswith("cameo:"):
        hint = " CAMEO codes are strings with their leading zeros, e.g. 'cameo:046'."
    elif not hint and key.startswith("plover:"):
        hint = " PLOVER types look like 'plover:COERCE' or 'plover:CONSULT/phone'."
    return (
        f"Unknown event type {key!r}.{hint} See tensionindex.taxonomy() for the built-in "
        "types, or add your own with IndexConfig(custom_types=...)."
    )


def is_known(key: str, custom_types: Mapping[str, EventTypeSpec]) -> bool:
    """Whether ``key`` (already normalised) is a built-in or custom event type."""
    return key in custom_types or key in entries()


def resolve_event_types(
    keys: Iterable[str],
    *,
    default_weights: DefaultWeights = "goldstein",
    weights: Mapping[str, float] | None = None,
    category_multipliers: Mapping[str, float] | None = None,
    custom_types: Mapping[str, EventTypeSpec] | None = None,
) -> ResolvedTypes:
    """Look up the weight, category and category multiplier of each key.

    Raises
    ------
    EventValidationError
        If a key is not a known event type.
    """
    if default_weights not in DEFAULT_WEIGHTS:
        raise ConfigurationError(f"Unknown default_weights {default_weights!r}.")
    catalogue = entries()
    customs = custom_types or {}
    overrides = weights or {}
    multipliers = category_multipliers or {}
    keys = tuple(keys)
    weight = np.empty(len(keys))
    category = np.empty(len(keys), dtype=object)
    labels: list[str] = []
    for i, key in enumerate(keys):
        if key in customs:
            spec = customs[key]
            base, cat, label = spec.weight, spec.category, spec.label
        elif key in catalogue:
            entry = catalogue[key]
            base = entry.goldstein_weight if default_weights == "goldstein" else entry.plover_weight
            cat, label = entry.category, entry.label
        else:
            raise EventValidationError(unknown_type_message(key, customs))
        weight[i] = overrides.get(key, base)
        category[i] = cat
        labels.append(label)
    multiplier = np.array([multipliers.get(c, 1.0) for c in category], dtype=float)
    return ResolvedTypes(keys, weight, category, multiplier, tuple(labels))
