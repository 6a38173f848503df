"""Example data shipped with the package."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from tensionindex.events import validate_events
from tensionindex.exceptions import EventValidationError, did_you_mean

__all__ = ["example_spans", "examples", "load_example"]

# Beside each example ``<name>.csv`` sits ``<name>.spans.csv``: the span each dyad is monitored.
_SPANS_SUFFIX = ".spans.csv"


def examples() -> list[str]:
    """Names of the bundled example datasets.

    Examples
    --------
    >>> examples()
    ['us-china-2024']
    """
    folder = resources.files("tensionindex").joinpath("data", "examples")
    return sorted(
        p.name.removesuffix(".csv")
        for p in folder.iterdir()
        if p.name.endswith(".csv") and not p.name.endswith(_SPANS_SUFFIX)
    )


def _checked(name: str) -> str:
    available = examples()
    if name not in available:
        raise EventValidationError(
            f"Unknown example {name!r}."
            + did_you_mean(name, available)
            + f" The examples are: {', '.join(available)}."
        )
    return name


def _read(filename: str) -> pd.DataFrame:
    with (
        resources.files("tensionindex")
        .joinpath("data", "examples", filename)
        .open("r", encoding="utf-8") as handle
    ):
        return pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])


def load_example(name: str = "us-china-2024") -> pd.DataFrame:
    """Load a bundled example as validated events.

    ``"us-china-2024"`` encodes the events of a 2024 news report on US-China
    defence contacts and China-Philippines incidents at Second Thomas Shoal,
    completed from the public record (2018-2024): one row per event with a
    description in our own words, the public source it was coded from
    (``url``) and a note where a relative date was resolved (see the README
    beside the file).  Each dyad is monitored over a declared span only
    (:func:`example_spans`); read and chart it within that span.

    Raises
    ------
    EventValidationError
        If ``name`` is not a bundled example (with near misses).

    See Also
    --------
    example_spans : the span each dyad of an example is monitored.

    Examples
    --------
    >>> events = load_example("us-china-2024")
    >>> sorted(set(events["actor1"].astype(str)) | set(events["actor2"].astype(str)))[:3]
    ['CHN', 'PHL', 'TWN']
    >>> bool(events["url"].notna().all())
    True
    """
    return validate_events(_read(f"{_checked(name)}.csv"))


def example_spans(name: str = "us-china-2024") -> pd.DataFrame:
    """The span over which each dyad of a bundled example is monitored.

    A bundled example is a sample, not a complete record: each dyad's events
    are coded systematically only between ``start`` and ``end``, and a few
    rows outside that span are landmarks kept for context.  Outside its span,
    a dyad's index drifts back to 50 for lack of coding, which is not calm
    (see "Coverage: unmonitored is not calm" in the methodology).  A dyad
    missing from the table (``TWN-USA`` in ``"us-china-2024"``) is not
    monitored at all: its rows only give context to other dyads.

    Parameters
    ----------
    name : str, default "us-china-2024"
        A name from :func:`examples`.

    Returns
    -------
    pandas.DataFrame
        One row per monitored dyad (undirected, as :func:`stability_index`
        names it): ``dyad``, ``start`` and ``end`` (the first and last day
        monitored, datetime64) and ``covers`` (what the rows of that span
        record).

    Raises
    ------
    EventValidationError
        If ``name`` is not a bundled example (with near misses).

    Examples
    --------
    >>> spans = example_spans("us-china-2024").set_index("dyad")
    >>> [f"{spans.loc['CHN-PHL', column]:%Y-%m-%d}" for column in ("start", "end")]
    ['2023-01-01', '2024-07-31']

    Chart a dyad only over its span:

    >>> import tensionindex as ti
    >>> span = spans.loc["CHN-PHL"]
    >>> index = ti.stability_index(load_example(), dyads="CHN-PHL", start=span["start"],
    ...                            end=span["end"])
    >>> index["date"].min().date(), index["date"].max().date()
    (datetime.date(2023, 1, 1), datetime.date(2024, 7, 31))
    """
    table = _read(f"{_checked(name)}{_SPANS_SUFFIX}")
    for column in ("start", "end"):
        table[column] = pd.to_datetime(table[column], format="%Y-%m-%d").astype("datetime64[ns]")
    return table
