"""Exact attribution: which events make up one value of the index."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tensionindex import __version__
from tensionindex.config import IndexConfig
from tensionindex.events import PASS_THROUGH_COLUMNS
from tensionindex.index import (
    DateLike,
    _day_of,
    _select_dyads,
    half_life_per_event,
    parse_dyad,
    prepare,
    stability_from_tension,
)
from tensionindex.kernels import decay

__all__ = ["explain"]

EXPLAIN_COLUMNS: tuple[str, ...] = (
    "date",
    "actor1",
    "actor2",
    "event_type",
    "label",
    "category",
    "weight",
    "category_multiplier",
    "intensity",
    "confidence",
    "signal",
    "aggregation",
    "age_days",
    "decay",
    "contribution",
)


def explain(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    dyad: str,
    date: DateLike,
    config: IndexConfig | None = None,
    *,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """The events behind the tension of one dyad on one day, and how much each adds.

    The tension is T = sum_i s_i * g_i * K(date - t_i) over the dyad's events on
    or before ``date`` (g_i is the daily aggregation factor: 1 under the
    default ``aggregation="sum"``); each row is one term of that sum.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events`.
    dyad : str
        "CHN-USA" (undirected; order and country names such as "China" are
        accepted) or "USA->CHN" when ``directed=True``.
    date : date-like
        The day whose tension to explain.
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` by default.
    coverage : pandas.Series or collection of dates, optional
        Records of the source per day, the denominators of
        ``aggregation="share"``, as in :func:`stability_index`.
    **overrides
        Configuration fields to change for this call, as in :func:`stability_index`.

    Returns
    -------
    pandas.DataFrame
        One row per contributing event, sorted by absolute contribution
        (largest first), with columns ``date``, ``actor1``, ``actor2``,
        ``event_type``, ``label``, ``category``, ``weight``,
        ``category_multiplier``, ``intensity``, ``confidence``, ``signal``
        (s_i), ``aggregation`` (g_i), ``age_days``, ``decay`` (K),
        ``contribution`` (s_i * g_i * K), then
        the pass-through columns present (``event_id``, ``source``, ``url``,
        ``description``).  The contributions sum to the tension;
        ``result.attrs["tensionindex"]`` holds ``dyad``, ``date``,
        ``tension``, ``stability``, the configuration as a dict, its
        fingerprint and the library version.

    Examples
    --------
    >>> import tensionindex as ti
    >>> events = [
    ...     {"date": "2024-03-01", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon",
    ...      "event_id": "a"},
    ...     {"date": "2024-03-31", "actor1": "PHL", "actor2": "CHN", "event_type": "protest_lodged",
    ...      "event_id": "b"},
    ... ]
    >>> why = ti.explain(events, "PHL-CHN", "2024-03-31")
    >>> why[["event_id", "event_type", "signal", "decay", "contribution"]]
      event_id      event_type  signal  decay  contribution
    0        a    water_cannon     7.0    0.5           3.5
    1        b  protest_lodged     2.0    1.0           2.0
    >>> why.attrs["tensionindex"]["tension"]
    5.5
    """
    prepared = prepare(events, config, overrides, coverage)
    cfg = prepared.config
    label = parse_dyad(dyad, directed=cfg.directed)
    day = _day_of(date, "date")
    if label not in prepared.labels:
        _select_dyads(prepared, [dyad])  # raises the error stability_index gives
    code = prepared.labels.get_loc(label)
    age = day - prepared.day
    rows = (prepared.dyad == code) & (age >= 0)
    if cfg.kernel == "window":
        rows &= age < cfg.window
    picked = np.flatnonzero(rows)
    frame = prepared.events.iloc[picked]
    # Look each event type up once, not once per event.
    types = frame["event_type"].cat
    by_type = cfg.resolve(types.categories)
    codes = types.codes.to_numpy()
    half_lives = half_life_per_event(prepared.category[picked], cfg)
    factor = (
        np.exp2(-age[picked] / half_lives)
        if cfg.kernel == "exponential"
        else decay(age[picked], kernel="window", half_life=cfg.half_life, window=cfg.window)
    )
    signal = prepared.raw_signal[picked]
    aggregation = prepared.factor[picked]
    out = pd.DataFrame(
        {
            "date": frame["date"].to_numpy(),
            "actor1": frame["actor1"].astype(str).to_numpy(),
            "actor2": frame["actor2"].astype(str).to_numpy(),
            "event_type": frame["event_type"].astype(str).to_numpy(),
            "label": np.array(by_type.label, dtype=object)[codes],
            "category": by_type.category[codes],
            "weight": by_type.weight[codes],
            "category_multiplier": by_type.multiplier[codes],
            "intensity": frame["intensity"].to_numpy(),
            "confidence": frame["confidence"].to_numpy(),
            "signal": signal,
            "aggregation": aggregation,
            "age_days": age[picked].astype(np.int64),
            "decay": factor,
            "contribution": prepared.signal[picked] * factor,
        }
    )
    for name in PASS_THROUGH_COLUMNS:
        if name in frame.columns:
            out[name] = frame[name].to_numpy()
    order = np.argsort(-np.abs(out["contribution"].to_numpy()), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    tension = math.fsum(out["contribution"])
    out.attrs["tensionindex"] = {
        "dyad": label,
        "date": str(np.datetime64(day, "D")),
        "tension": tension,
        "stability": float(stability_from_tension(np.array([tension]), cfg.scale)[0]),
        "config": cfg.to_dict(),
        "fingerprint": cfg.fingerprint,
        "version": __version__,
    }
    return out
