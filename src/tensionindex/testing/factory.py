"""Plain event records for tests and examples: one factory instead of a helper per file.

Unlike the hypothesis strategies beside it, this needs nothing beyond the library.
"""

from __future__ import annotations

from typing import Any

__all__ = ["event", "events_between"]


def event(
    date: str,
    event_type: str = "water_cannon",
    actor1: str = "CHN",
    actor2: str = "PHL",
    **extra: Any,
) -> dict[str, Any]:
    """One event record, as :func:`tensionindex.validate_events` reads it.

    The defaults are a Chinese coast-guard water cannon against the
    Philippines (weight 7 under the default Goldstein profile); ``extra``
    adds columns (``intensity``, ``confidence``, ``event_id``, ``reported``, ...).

    Examples
    --------
    >>> event("2024-03-05")
    {'date': '2024-03-05', 'actor1': 'CHN', 'actor2': 'PHL', 'event_type': 'water_cannon'}
    >>> event("2024-03-06", "protest_lodged", "PHL", "CHN", event_id="b")["event_id"]
    'b'
    """
    return {"date": date, "actor1": actor1, "actor2": actor2, "event_type": event_type, **extra}


def events_between(
    actor1: str, actor2: str, *dated_types: tuple[str, str], **extra: Any
) -> list[dict[str, Any]]:
    """Records of one pair of actors from ``(date, event_type)`` pairs.

    Examples
    --------
    >>> [e["event_type"] for e in events_between("USA", "CHN", ("2024-01-01", "leader_call"),
    ...                                           ("2024-02-01", "sanctions_imposed"))]
    ['leader_call', 'sanctions_imposed']
    """
    return [event(date, kind, actor1, actor2, **extra) for date, kind in dated_types]
