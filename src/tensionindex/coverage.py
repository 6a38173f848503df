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

from tensionindex.exceptions import EventValidationError
from tensionindex.params import day_of

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
            raise EventValidationError(
                "coverage must be indexed by dates (a Series of record counts by day, as "
                "ReadReport.coverage gives) or be a collection of dates."
            ) from None
        counts = [float(c) for c in pd.to_numeric(coverage, errors="coerce")]
        bad = [not (math.isfinite(c) and c >= 0) for c in counts]
        if any(bad):
            position = bad.index(True)
            raise EventValidationError(
                f"coverage holds record counts by day; the count for {dates[position]:%Y-%m-%d} "
                f"is {counts[position]!r}. Expected a number >= 0."
            )
        days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
        table = pd.Series(counts, dtype=float).groupby(days).sum()
        table = table[table > 0]  # a day with no records is unmonitored
        return Coverage(table.index.to_numpy(np.int64), table.to_numpy(float))
    if isinstance(coverage, str) or not hasattr(coverage, "__iter__"):
        raise EventValidationError(
            f"coverage must be a collection of dates or a Series of record counts by date. "
            f"Got {type(coverage).__name__} instead."
        )
    days = np.unique(
        np.array([day_of(value, "coverage", "score") for value in coverage], dtype=np.int64)
    )
    return Coverage(days, None)
