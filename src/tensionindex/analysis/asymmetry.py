"""Asymmetry: which side of a dyad is driving its tension.

For the undirected dyad "A-B" (A the alphabetically first code) and a day,

    asymmetry = (T_A->B - T_B->A) / (|T_A->B| + |T_B->A|),   0 where both are 0,

with T_A->B the tension of what A does to B (the directed index).  It lies in
[-1, 1]: +1 when only A's actions carry tension, -1 when only B's, 0 when the
two sides weigh the same.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig, with_overrides
from tensionindex.dyads import parse_dyad
from tensionindex.exceptions import EventValidationError, did_you_mean
from tensionindex.index import stability_index
from tensionindex.params import DateLike

__all__ = ["asymmetry"]

ASYMMETRY_COLUMNS: tuple[str, ...] = ("dyad", "date", "tension_ab", "tension_ba", "asymmetry")


def _empty(labels: Sequence[str], covered: bool) -> pd.DataFrame:
    out: dict[str, Any] = {
        "dyad": pd.Categorical([], categories=pd.Index(list(labels), dtype=object)),
        "date": np.array([], dtype="datetime64[ns]"),
        "tension_ab": np.array([], dtype=float),
        "tension_ba": np.array([], dtype=float),
        "asymmetry": np.array([], dtype=float),
    }
    if covered:
        out["covered"] = np.array([], dtype=bool)
    return pd.DataFrame(out)


def asymmetry(
    events: pd.DataFrame | Sequence[Mapping[str, Any]],
    config: IndexConfig | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    dyads: Sequence[str] | str | None = None,
    coverage: pd.Series | Iterable[DateLike] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Who drives the tension of each dyad: the balance of its two directed tensions.

    Parameters
    ----------
    events : pandas.DataFrame or list of dict
        Events as accepted by :func:`validate_events`.
    config : IndexConfig, optional
        The configuration; ``IndexConfig()`` by default.  The events are
        always scored directed (``directed=True`` is set here, whatever the
        configuration says), both directions on the same days.
    start, end : date-like, optional
        First and last day, as in :func:`stability_index`.
    dyads : str or list of str, optional
        Only these undirected dyads ("CHN-PHL"; either order, country names
        accepted).
    coverage : pandas.Series or collection of dates, optional
        As in :func:`stability_index`; adds the ``covered`` column.
    **overrides
        Configuration fields to change for this call, as in
        :func:`stability_index`.

    Returns
    -------
    pandas.DataFrame
        One row per undirected dyad "A-B" and day, sorted by dyad then date,
        where A is the alphabetically first code: ``dyad``, ``date``,
        ``tension_ab`` (T of A->B: what A does to B), ``tension_ba`` (T of
        B->A), and ``asymmetry`` =
        ``(tension_ab - tension_ba) / (|tension_ab| + |tension_ba|)``,
        0 where both are 0; then ``covered`` when ``coverage``
        is given.  A direction without events has tension 0.
        ``attrs["tensionindex"]`` holds the (directed) configuration.

    Raises
    ------
    EventValidationError
        For invalid events or dates, or a dyad without events.
    ConfigurationError
        For an invalid configuration or an unknown override.

    See Also
    --------
    stability_index : the directed index (``directed=True``) behind it.

    Notes
    -----
    Asymmetry is a ratio: it says which side weighs more, not how much tension
    there is.  Read it with the two tensions.  When both decay at the same
    rate (one half-life), it stays where it was after the last event even as
    both tensions fade towards 0.  Positive means A's actions carry more
    tension (or less cooperation) than B's; with cooperative events the
    tensions are negative, so -1 can mean that only A is cooperating.

    Examples
    --------
    >>> import tensionindex as ti
    >>> from tensionindex.analysis.asymmetry import asymmetry
    >>> events = [
    ...     {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-06", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "protest_lodged"},
    ... ]
    >>> asymmetry(events, start="2024-03-04", end="2024-03-07", half_life=1)
          dyad       date  tension_ab  tension_ba  asymmetry
    0  CHN-PHL 2024-03-04        0.00         0.0   0.000000
    1  CHN-PHL 2024-03-05        7.00         0.0   1.000000
    2  CHN-PHL 2024-03-06        3.50         2.0   0.272727
    3  CHN-PHL 2024-03-07        1.75         1.0   0.272727
    """
    cfg = dataclasses.replace(with_overrides(config, overrides), directed=True)
    result = stability_index(events, cfg, start=start, end=end, coverage=coverage)
    covered = "covered" in result.columns
    directed = [str(c) for c in result["dyad"].cat.categories]
    pairs = [label.split("->") for label in directed]
    labels = sorted({"-".join(sorted(p)) for p in pairs})
    if dyads is not None:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        picked = [parse_dyad(d, directed=False) for d in wanted]
        for label in picked:
            if label not in labels:
                shown = ", ".join(labels[:20]) + (" ..." if len(labels) > 20 else "")
                raise EventValidationError(
                    f"No events for dyad {label!r}."
                    + did_you_mean(label, labels)
                    + (f" Dyads in the events: {shown}." if labels else " There are no events.")
                )
        labels = sorted(set(picked))
    if not labels:
        empty = _empty(labels, covered)
        empty.attrs = copy.deepcopy(result.attrs)
        return empty
    n_days = len(result) // len(directed)
    tension = result["tension"].to_numpy(dtype=float).reshape(len(directed), n_days)
    # Row of each direction in ``tension``; a direction without events is a row of zeros.
    padded = np.vstack([tension, np.zeros((1, n_days))])
    index = pd.Index(directed, dtype=object)
    firsts, seconds = zip(*(label.split("-") for label in labels), strict=True)
    ab = index.get_indexer(pd.Index([f"{a}->{b}" for a, b in zip(firsts, seconds, strict=True)]))
    ba = index.get_indexer(pd.Index([f"{b}->{a}" for a, b in zip(firsts, seconds, strict=True)]))
    t_ab, t_ba = padded[ab], padded[ba]  # -1 (absent) picks the row of zeros
    total = np.abs(t_ab) + np.abs(t_ba)
    ratio = np.divide(t_ab - t_ba, total, out=np.zeros_like(total), where=total > 0)
    dates = result["date"].to_numpy()[:n_days]
    out: dict[str, Any] = {
        "dyad": pd.Categorical.from_codes(
            np.repeat(np.arange(len(labels)), n_days), categories=pd.Index(labels, dtype=object)
        ),
        "date": np.tile(dates, len(labels)),
        "tension_ab": t_ab.ravel(),
        "tension_ba": t_ba.ravel(),
        "asymmetry": ratio.ravel(),
    }
    if covered:
        out["covered"] = np.tile(result["covered"].to_numpy()[:n_days], len(labels))
    frame = pd.DataFrame(out)
    frame.attrs = copy.deepcopy(result.attrs)
    return frame
