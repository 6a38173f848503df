"""tensionindex: dated events between two countries in, a bilateral stability index out.

Events are weighted by a published scale (Goldstein 1992 via CAMEO, or PLOVER),
decayed over time and summed per dyad into a daily *tension*; a logistic maps
tension to a *stability* index between 0 and 100 (50 = neutral).  Every weight
is a tunable, fingerprinted setting, and every value can be explained event by
event.
"""

from __future__ import annotations

#: The version of tensionindex, as a string.
__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tensionindex.analysis.agreement import SourceAgreement, source_agreement
    from tensionindex.analysis.alerts import alerts
    from tensionindex.analysis.asymmetry import asymmetry
    from tensionindex.analysis.calibration import CalibrationReport, calibrate
    from tensionindex.analysis.changepoints import changepoints
    from tensionindex.analysis.parts import tension_parts
    from tensionindex.analysis.ranking import compare_dyads, grade
    from tensionindex.analysis.uncertainty import sensitivity, weight_influence
    from tensionindex.analysis.validation import series_agreement, turning_point_hits
    from tensionindex.catalogue import CATEGORIES, EventTypeSpec
    from tensionindex.config import IndexConfig, diff, load_config, load_profile, profiles
    from tensionindex.countries import country_codes
    from tensionindex.datasets import example_spans, examples, load_example
    from tensionindex.dedup import deduplicate, deduplicate_across_datasets, event_families
    from tensionindex.display import show, wide
    from tensionindex.event_types import taxonomy
    from tensionindex.events import CANONICAL_COLUMNS, actor_aliases, validate_events
    from tensionindex.exceptions import (
        CalibrationWarning,
        ConfigurationError,
        EventInputTypeError,
        EventValidationError,
        InvalidParameterError,
        LineTooLong,
        MissingDependencyError,
        SaturationWarning,
        TensionIndexError,
    )
    from tensionindex.index import contributions, explain, stability_index, vintages
    from tensionindex.io import (
        ReadLimits,
        ReadReport,
        iter_gdelt,
        iter_icews,
        iter_polecat,
        read_events,
        read_gdelt,
        read_icews,
        read_polecat,
        read_report,
        write_table,
    )
    from tensionindex.plot import plot_index, plot_parts
    from tensionindex.scored import ScoredEvents, score
    from tensionindex.service import error_payload, score_records, update_records
    from tensionindex.state import IndexState

# Public names and the module each comes from.  They are imported on first use
# (PEP 562), so that ``import tensionindex`` stays cheap for the command line and
# for services that need only part of the library.
_LAZY: dict[str, str] = {
    "alerts": "tensionindex.analysis.alerts",
    "asymmetry": "tensionindex.analysis.asymmetry",
    "CalibrationReport": "tensionindex.analysis.calibration",
    "calibrate": "tensionindex.analysis.calibration",
    "changepoints": "tensionindex.analysis.changepoints",
    "tension_parts": "tensionindex.analysis.parts",
    "compare_dyads": "tensionindex.analysis.ranking",
    "series_agreement": "tensionindex.analysis.validation",
    "turning_point_hits": "tensionindex.analysis.validation",
    "grade": "tensionindex.analysis.ranking",
    "IndexConfig": "tensionindex.config",
    "diff": "tensionindex.config",
    "load_config": "tensionindex.config",
    "load_profile": "tensionindex.config",
    "profiles": "tensionindex.config",
    "example_spans": "tensionindex.datasets",
    "examples": "tensionindex.datasets",
    "load_example": "tensionindex.datasets",
    "deduplicate": "tensionindex.dedup",
    "deduplicate_across_datasets": "tensionindex.dedup",
    "event_families": "tensionindex.dedup",
    "source_agreement": "tensionindex.analysis.agreement",
    "SourceAgreement": "tensionindex.analysis.agreement",
    "country_codes": "tensionindex.countries",
    "CANONICAL_COLUMNS": "tensionindex.events",
    "actor_aliases": "tensionindex.events",
    "validate_events": "tensionindex.events",
    "ConfigurationError": "tensionindex.exceptions",
    "EventInputTypeError": "tensionindex.exceptions",
    "EventValidationError": "tensionindex.exceptions",
    "InvalidParameterError": "tensionindex.exceptions",
    "LineTooLong": "tensionindex.exceptions",
    "MissingDependencyError": "tensionindex.exceptions",
    "SaturationWarning": "tensionindex.exceptions",
    "CalibrationWarning": "tensionindex.exceptions",
    "TensionIndexError": "tensionindex.exceptions",
    "explain": "tensionindex.index",
    "contributions": "tensionindex.index",
    "stability_index": "tensionindex.index",
    "vintages": "tensionindex.index",
    "ReadLimits": "tensionindex.io",
    "ReadReport": "tensionindex.io",
    "iter_gdelt": "tensionindex.io",
    "iter_icews": "tensionindex.io",
    "iter_polecat": "tensionindex.io",
    "read_events": "tensionindex.io",
    "read_gdelt": "tensionindex.io",
    "read_icews": "tensionindex.io",
    "read_polecat": "tensionindex.io",
    "read_report": "tensionindex.io",
    "write_table": "tensionindex.io",
    "plot_index": "tensionindex.plot",
    "show": "tensionindex.display",
    "wide": "tensionindex.display",
    "plot_parts": "tensionindex.plot",
    "error_payload": "tensionindex.service",
    "score_records": "tensionindex.service",
    "update_records": "tensionindex.service",
    "IndexState": "tensionindex.state",
    "ScoredEvents": "tensionindex.scored",
    "score": "tensionindex.scored",
    "CATEGORIES": "tensionindex.catalogue",
    "EventTypeSpec": "tensionindex.catalogue",
    "taxonomy": "tensionindex.event_types",
    "sensitivity": "tensionindex.analysis.uncertainty",
    "weight_influence": "tensionindex.analysis.uncertainty",
}


def __getattr__(name: str) -> Any:
    import importlib
    import importlib.util

    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
        value = importlib.import_module(f"{__name__}.{name}")  # a submodule: ti.io, ti.kernels
    else:
        raise AttributeError(f"module 'tensionindex' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return list(__all__)


__all__ = [  # noqa: RUF022 - grouped by topic, as in xarray
    # Configuration
    "IndexConfig",
    "EventTypeSpec",
    "diff",
    "load_config",
    "load_profile",
    "profiles",
    # Events in
    "CANONICAL_COLUMNS",
    "actor_aliases",
    "country_codes",
    "read_events",
    "ReadLimits",
    "validate_events",
    # Coded event data
    "read_gdelt",
    "read_icews",
    "read_polecat",
    "iter_gdelt",
    "iter_icews",
    "iter_polecat",
    "ReadReport",
    "read_report",
    "deduplicate",
    "deduplicate_across_datasets",
    "event_families",
    # Taxonomy
    "CATEGORIES",
    "taxonomy",
    # The index
    "score",
    "ScoredEvents",
    "stability_index",
    "contributions",
    "explain",
    "vintages",
    # Analysis
    "sensitivity",
    "weight_influence",
    "calibrate",
    "CalibrationReport",
    "changepoints",
    "alerts",
    "asymmetry",
    "tension_parts",
    "compare_dyads",
    "grade",
    "source_agreement",
    "SourceAgreement",
    "turning_point_hits",
    "series_agreement",
    "plot_index",
    "plot_parts",
    "show",
    "wide",
    # Services
    "IndexState",
    "score_records",
    "update_records",
    "error_payload",
    # Example data and output
    "examples",
    "load_example",
    "example_spans",
    "write_table",
    # Errors
    "ConfigurationError",
    "EventInputTypeError",
    "EventValidationError",
    "InvalidParameterError",
    "LineTooLong",
    "MissingDependencyError",
    "SaturationWarning",
    "CalibrationWarning",
    "TensionIndexError",
    "__version__",
]
