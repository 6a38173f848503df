"""The table of event types: the catalogue with the weights a configuration gives them.

The catalogue itself (the analyst types, CAMEO and PLOVER, their categories
and published weights) is data, in :mod:`tensionindex.catalogue`, below the
configuration; this table reads both, so it sits above them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tensionindex.catalogue import Source, custom_quad_class, entries
from tensionindex.config import IndexConfig
from tensionindex.params import Instance, Options, validate_params

__all__ = ["taxonomy"]


@validate_params(
    {
        "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
        "source": [Options(("analyst", "cameo", "plover", "custom")), Instance((None,), "None")],
    }
)
def taxonomy(config: IndexConfig | None = None, *, source: Source | None = None) -> pd.DataFrame:
    """Return the catalogue of event types with their effective weights.

    Parameters
    ----------
    config : IndexConfig, optional
        Configuration whose weights, multipliers and custom types to apply.
        Defaults to ``IndexConfig()`` (the ``goldstein`` profile).
    source : {"analyst", "cameo", "plover", "custom"}, optional
        Keep only one family of types.  By default all are returned.

    Returns
    -------
    pandas.DataFrame
        One row per event type with columns ``event_type``, ``label``,
        ``category``, ``weight`` (the tension weight in force),
        ``category_multiplier``, ``quad_class`` (verbal or material
        cooperation or conflict, see below), ``source``, ``cameo``,
        ``plover``, ``goldstein_weight`` and ``plover_weight`` (the weight
        the ``goldstein`` and ``plover`` profiles give the type when it is
        not overridden), ``weight_low`` and ``weight_high`` (the plausible
        range of an analyst type's weight, in tension points; NaN for the
        other families), ``unit`` (what one unit of intensity counts:
        ``"event"``, or ``"aircraft"`` for ``adiz_incursion``) and
        ``reason`` (why an analyst type's weight is what it is; empty for
        the other families).

    Notes
    -----
    ``quad_class`` is one of the four classic event-data classes
    (``verbal_cooperation``, ``material_cooperation``, ``verbal_conflict``,
    ``material_conflict``): for ``cameo:`` codes the class of the CAMEO root
    as GDELT's ``QuadClass`` field gives it (roots 01-05, 06-09, 10-14,
    15-20); for ``plover:`` keys the "quad category" of the PLOVER type in the
    PLOVER manual; for analyst types the catalogue's own column; for custom
    types the category's mode (verbal or material) with the side of the
    type's weight (see :func:`tensionindex.catalogue.custom_quad_class`).  It
    describes the act and does not follow weight overrides; which side of the
    tension an event counts on follows the weight in force
    (:func:`tensionindex.tension_parts`).

    For analyst types, ``goldstein_weight`` is the analyst table's weight:
    minus the Goldstein value of the CAMEO code shown, unless the table
    revises it (``reason`` then says why, and the ``cameo:`` row of the same
    code keeps the published value).  ``plover_weight`` is minus the PLOVER
    score of the type/mode shown, unrevised.  The range describes the
    analyst table's weight whatever the configuration; an analysis that draws
    weights under another profile or an override decides how to use it.

    See Also
    --------
    IndexConfig : where weights are tuned.

    Examples
    --------
    >>> import tensionindex as ti
    >>> table = ti.taxonomy(source="analyst")
    >>> table.set_index("event_type").loc[["dialogue_resumed", "water_cannon"], "weight"]
    event_type
    dialogue_resumed   -7.0
    water_cannon        7.0
    Name: weight, dtype: float64
    >>> table.set_index("event_type").loc[["leader_call", "water_cannon"], "quad_class"].tolist()
    ['verbal_cooperation', 'material_conflict']
    >>> table.set_index("event_type").loc["passage_obstructed", ["weight", "weight_low",
    ...                                                          "weight_high"]].astype(float)
    weight         5.0
    weight_low     3.5
    weight_high    6.5
    Name: passage_obstructed, dtype: float64
    """
    cfg = config if config is not None else IndexConfig()
    table_of = entries()
    rows: list[dict[str, object]] = []
    for key, entry in table_of.items():
        rows.append(
            {
                "event_type": key,
                "label": entry.label,
                "category": entry.category,
                "source": entry.source,
                "cameo": entry.cameo,
                "plover": entry.plover,
                "goldstein_weight": entry.goldstein_weight,
                "plover_weight": entry.plover_weight,
                "quad_class": entry.quad_class,
                "weight_low": entry.weight_low,
                "weight_high": entry.weight_high,
                "unit": entry.unit,
                "reason": entry.reason,
            }
        )
    for key, spec in cfg.custom_types.items():
        rows.append(
            {
                "event_type": key,
                "label": spec.label,
                "category": spec.category,
                "source": "custom",
                "cameo": "",
                "plover": "",
                "goldstein_weight": np.nan,
                "plover_weight": np.nan,
                "quad_class": custom_quad_class(spec),
                "weight_low": np.nan,
                "weight_high": np.nan,
                "unit": "event",
                "reason": "",
            }
        )
    table = pd.DataFrame(rows)
    resolved = cfg.resolve(table["event_type"].tolist())
    table.insert(3, "weight", resolved.weight)
    table.insert(4, "category_multiplier", resolved.multiplier)
    table.insert(5, "quad_class", table.pop("quad_class"))
    if source is not None:
        table = table[table["source"] == source]
    return table.reset_index(drop=True)
