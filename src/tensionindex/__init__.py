"""tensionindex: dated events between two countries in, a bilateral stability index out.

Events are weighted by a published scale (Goldstein 1992 via CAMEO, or PLOVER),
decayed over time and summed per dyad into a daily *tension*; a logistic maps
tension to a *stability* index between 0 and 100 (50 = neutral).  Every weight
is a tunable, fingerprinted setting, and every value can be explained event by
event.
"""

from __future__ import annotations

__version__ = "0.1.0"

from tensionindex.alerts import alerts
from tensionindex.asymmetry import asymmetry
from tensionindex.calibration import CalibrationReport, calibrate
from tensionindex.changepoints import changepoints
from tensionindex.config import IndexConfig, diff, load_config, load_profile, profiles
from tensionindex.datasets import examples, load_example
from tensionindex.dedup import deduplicate
from tensionindex.events import CANONICAL_COLUMNS, actor_aliases, validate_events
from tensionindex.exceptions import (
    ConfigurationError,
    EventInputTypeError,
    EventValidationError,
    MissingDependencyError,
    TensionIndexError,
)
from tensionindex.explain import explain
from tensionindex.index import contributions, stability_index, vintages
from tensionindex.io import (
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
from tensionindex.plot import plot_index
from tensionindex.service import error_payload, score_records, update_records
from tensionindex.state import IndexState
from tensionindex.taxonomy import CATEGORIES, EventTypeSpec, taxonomy
from tensionindex.uncertainty import sensitivity, weight_influence

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
    "read_events",
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
    # Taxonomy
    "CATEGORIES",
    "taxonomy",
    # The index
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
    "plot_index",
    # Services
    "IndexState",
    "score_records",
    "update_records",
    "error_payload",
    # Example data and output
    "examples",
    "load_example",
    "write_table",
    # Errors
    "ConfigurationError",
    "EventInputTypeError",
    "EventValidationError",
    "MissingDependencyError",
    "TensionIndexError",
    "__version__",
]
