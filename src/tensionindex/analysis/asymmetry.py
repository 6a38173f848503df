"""Asymmetry: which side of a dyad is driving its tension.

For the undirected dyad "A-B" (A the alphabetically first code) and a day,

    asymmetry = (T_A->B - T_B->A) / (|T_A->B| + |T_B->A|),   0 where both are 0,

with T_A->B the tension of what A does to B (the directed index).  It lies in
[-1, 1]: +1 when only A's actions carry tension, -1 when only B's, 0 when the
two sides weigh the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tensionindex.config import IndexConfig
from tensionindex.dyads import parse_dyad, unknown_dyad_error
from tensionindex.engine import empty_frame, stamp
from tensionindex.params import DateLike, Dates, Dyads, Instance, validate_params
from tensionindex.scored import ScoredEvents, as_scored

__all__ = ["ASYMMETRY_COLUMNS", "asymmetry"]

ASYMMETRY_COLUMNS: tuple[str, ...] = ("dyad", "date", "tension_ab", "tension_ba", "asymmetry")

#: The parameters of :func:`asymmetry` and what each accepts.
ASYMMETRY_PARAMETERS: dict[str, list[Any]] = {
    "config": [Instance((IndexConfig, None), "an IndexConfig or None")],
    "start": [Dates()],
    "end": [Dates()],
    "dyads": [Dyads()],
}


@validate_params(ASYMMETRY_PARAMETERS, name="asymmetry")
def asymmetry(
    scored: ScoredEvents | pd.DataFrame | Sequence[Mapping[str, Any]],
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
    scored : ScoredEvents, pandas.DataFrame or list of dict
        Events scored once with :func:`score`; raw events are scored here.
        They are always read directed (``directed=True`` is set here, whatever
        the configuration says), both directions on the same days, without
        validating them again.
    config : IndexConfig, optional
        Another configuration for this call (default: the scored events').
    start, end : date-like, optional
        First and last day, as in :meth:`ScoredEvents.index`.
    dyads : str or list of str, optional
        Only these undirected dyads ("CHN-PHL"; either order, country names
        accepted).
    coverage : pandas.Series or collection of dates, optional
        Only with raw events: as given to :func:`score`.  Events scored with
        a coverage give the ``covered`` column.
    **overrides
        Configuration fields to change for this call, as in :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row per undirected dyad "A-B" and day, sorted by dyad then date,
        where A is the alphabetically first code: ``dyad``, ``date``,
        ``tension_ab`` (T of A->B: what A does to B), ``tension_ba`` (T of
        B->A), and ``asymmetry`` =
        ``(tension_ab - tension_ba) / (|tension_ab| + |tension_ba|)``,
        0 where both are 0; then ``covered`` when the events were scored
        with a coverage.  A direction without events has tension 0.
        ``attrs["tensionindex"]`` holds the (directed) configuration.

    Raises
    ------
    EventValidationError
        For invalid raw events, or a dyad without events (with suggestions).
    InvalidParameterError
        For an invalid parameter or date.
    ConfigurationError
        For an invalid configuration or an unknown override.

    See Also
    --------
    ScoredEvents.index : the directed index (``directed=True``) behind it.

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
    >>> events = [
    ...     {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL",
    ...      "event_type": "water_cannon"},
    ...     {"date": "2024-03-06", "actor1": "PHL", "actor2": "CHN",
    ...      "event_type": "critical_statement"},
    ... ]
    >>> scored = ti.score(events, half_life=1)
    >>> ti.asymmetry(scored, start="2024-03-04", end="2024-03-07")
          dyad       date  tension_ab  tension_ba  asymmetry
    0  CHN-PHL 2024-03-04        0.00         0.0   0.000000
    1  CHN-PHL 2024-03-05        7.00         0.0   1.000000
    2  CHN-PHL 2024-03-06        3.50         2.0   0.272727
    3  CHN-PHL 2024-03-07        1.75         1.0   0.272727
    """
    data = as_scored(scored, config, overrides, coverage=coverage).with_config(directed=True)
    directed = [str(label) for label in data.labels]
    pairs = [label.split("->") for label in directed]
    present = sorted({"-".join(sorted(p)) for p in pairs})
    labels = present
    if dyads is not None:
        wanted = [dyads] if isinstance(dyads, str) else list(dyads)
        picked = [parse_dyad(d, directed=False) for d in wanted]
        for label in picked:
            if label not in present:
                raise unknown_dyad_error(label, present, directed=False)
        labels = sorted(set(picked))
    covered = data.coverage is not None
    columns = [*ASYMMETRY_COLUMNS[2:], *(["covered"] if covered else [])]
    grid = data.grid(start, end)
    if not labels or grid is None:
        return stamp(empty_frame(columns, labels), data.config)
    firsts, seconds = zip(*(label.split("-") for label in labels), strict=True)
    forward = [f"{a}->{b}" for a, b in zip(firsts, seconds, strict=True)]
    backward = [f"{b}->{a}" for a, b in zip(firsts, seconds, strict=True)]
    index = pd.Index(directed, dtype=object)
    wanted_rows = sorted({d for d in (*forward, *backward) if d in index})
    found = data.index_grid(start=start, end=end, dyads=wanted_rows, information=False)
    n_days = found.grid.n_days
    # Row of each direction in the grid; a direction without events is a row of zeros.
    padded = np.vstack([found.tension, np.zeros((1, n_days))])
    t_ab = padded[found.labels.get_indexer(pd.Index(forward, dtype=object))]
    t_ba = padded[found.labels.get_indexer(pd.Index(backward, dtype=object))]
    total = np.abs(t_ab) + np.abs(t_ba)
    ratio = np.divide(t_ab - t_ba, total, out=np.zeros_like(total), where=total > 0)
    out: dict[str, Any] = {
        "dyad": pd.Categorical.from_codes(
            np.repeat(np.arange(len(labels)), n_days), categories=pd.Index(labels, dtype=object)
        ),
        "date": np.tile(found.grid.dates, len(labels)),
        "tension_ab": t_ab.ravel(),
        "tension_ba": t_ba.ravel(),
        "asymmetry": ratio.ravel(),
    }
    if data.coverage is not None:
        days = found.grid.first_day + np.arange(n_days)
        out["covered"] = np.tile(np.isin(days, data.coverage.days), len(labels))
    return stamp(pd.DataFrame(out), data.config)
