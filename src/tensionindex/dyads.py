"""Dyads: two actors, as text ("CHN-USA", "USA->CHN"), read and checked.

An undirected dyad joins the two actor codes in alphabetical order with "-";
a directed one is "ACTOR1->ACTOR2".  Country names and common spellings are
read through the actor aliases of :func:`tensionindex.actor_aliases`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tensionindex.events import alias_map_of
from tensionindex.exceptions import EventValidationError, did_you_mean

__all__ = ["parse_dyad", "unknown_dyad_error"]


def parse_dyad(dyad: str, *, directed: bool, aliases: Mapping[str, str] | None = None) -> str:
    """Canonical label of a dyad given as text ("USA-CHN", "China-US", "USA->CHN").

    Examples
    --------
    >>> parse_dyad("usa-china", directed=False)
    'CHN-USA'
    >>> parse_dyad("USA->CHN", directed=True)
    'USA->CHN'
    """
    if not isinstance(dyad, str):
        raise EventValidationError(f"A dyad is text such as 'CHN-USA'. Got {dyad!r} instead.")
    table = alias_map_of(aliases)
    sep = "->" if "->" in dyad else "-"
    parts = [p.strip().upper() for p in dyad.split(sep)]
    if len(parts) != 2 or not all(parts):
        raise EventValidationError(
            f"Could not read the dyad {dyad!r}: write two actor codes joined by '-' "
            "(undirected, e.g. 'CHN-USA') or '->' (directed, e.g. 'USA->CHN')."
        )
    a, b = (table.get(p, p) for p in parts)
    if directed:
        return f"{a}->{b}"
    return "-".join(sorted((a, b)))


def unknown_dyad_error(
    label: str, labels: Sequence[str] | pd.Index, *, directed: bool
) -> EventValidationError:
    """The error for a dyad without events: near misses, the other direction, the dyads present."""
    present = (
        f" Dyads in the events: {', '.join(str(x) for x in labels[:20])}"
        + (" ..." if len(labels) > 20 else ".")
        if len(labels)
        else " There are no events."
    )
    first, _, second = label.partition("->")
    reverse = f"{second}->{first}"
    hint = (
        f" Did you mean {reverse!r} (the other direction)?"
        if directed and reverse in labels
        else did_you_mean(label, [str(x) for x in labels])
    )
    return EventValidationError(f"No events for dyad {label!r}." + hint + present)
