"""Coverage: the days a source was collecting, and how many records it had on each.

A day without records is unmonitored, not calm: the index marks it
(``covered``), and record counts are the denominators of
``aggregation="share"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tensionindex.exceptions import InvalidParameterError
from tensionindex.params import describe_value, parse_day

__all__ = ["Coverage", "parse_coverage"]


@dataclass(frozen=True)
class Coverage:
    """The days a source was collecting, and how many records it had on each."""

    days: np.ndarray  # int64 days since 1970-01-01, sorted, unique
    records: np.ndarray | None  # records per day, aligned with ``days``; None if unknown


def parse_coverage(coverage: object) -> Coverage | None:
    """Read ``coverage=``: a Series of record counts by date, or a collection of dates."""
    if coverage is None:
        return None
    if isinstance(coverage, pd.Series):
        try:
            dates = pd.to_datetime(coverage.index)
        except (ValueError, TypeError):
            raise InvalidParameterError(
                "The 'coverage' parameter must be indexed by dates (a Series of record counts "
                "by day, as ReadReport.coverage gives) or be a collection of dates."
            ) from None
        counts = [float(c) for c in pd.to_numeric(coverage, errors="coerce")]
        bad = [not (math.isfinite(c) and c >= 0) for c in counts]
        if any(bad):
            position = bad.index(True)
            raise InvalidParameterError(
                "The 'coverage' parameter holds record counts by day; the count for "
                f"{dates[position]:%Y-%m-%d} is {counts[position]!r}. Expected a number >= 0."
            )
        days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
        table = pd.Series(counts, dtype=float).groupby(days).sum()
        table = table[table > 0]  # a day with no records is unmonitored
        return Coverage(table.index.to_numpy(np.int64), table.to_numpy(float))
    if isinstance(coverage, str) or not hasattr(coverage, "__iter__"):
        raise InvalidParameterError(
            "The 'coverage' parameter must be a collection of dates or a Series"
            f" of record counts by date. Got {type(coverage).__name__} instead."
        )
    values = list(coverage)
    found = [parse_day(value) for value in values]
    for position, (value, day) in enumerate(zip(values, found, strict=True)):
        if day is None:
            raise InvalidParameterError(
                f"The 'coverage' parameter must be a collection of dates; item {position} is "
                f"{describe_value(value)}, not a date such as '2024-04-16' (from 1678-01-01 to "
                "2261-12-31)."
            )
    return Coverage(np.unique(np.array(found, dtype=np.int64)), None)
