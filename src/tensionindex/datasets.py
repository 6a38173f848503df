"""Example data shipped with the package."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from tensionindex.events import validate_events
from tensionindex.exceptions import EventValidationError, did_you_mean

__all__ = ["examples", "load_example"]


def examples() -> list[str]:
    """Names of the bundled example datasets.

    Examples
    --------
    >>> examples()
    ['us-china-2024']
    """
    folder = resources.files("tensionindex").joinpath("data", "examples")
    return sorted(p.name.removesuffix(".csv") for p in folder.iterdir() if p.name.endswith(".csv"))


def load_example(name: str = "us-china-2024") -> pd.DataFrame:
    """Load a bundled example as validated events.

    ``"us-china-2024"`` encodes the events of a 2024 news report on US-China
    defence contacts and China-Philippines incidents at Second Thomas Shoal
    (2018-2024), one row per event with a description in our own words and a
    note where a relative date was resolved (see the README beside the file).

    Examples
    --------
    >>> events = load_example("us-china-2024")
    >>> sorted(set(events["actor1"].astype(str)) | set(events["actor2"].astype(str)))[:3]
    ['CHN', 'PHL', 'TWN']
    """
    available = examples()
    if name not in available:
        raise EventValidationError(
            f"Unknown example {name!r}."
            + did_you_mean(name, available)
            + f" The examples are: {', '.join(available)}."
        )
    with (
        resources.files("tensionindex")
        .joinpath("data", "examples", f"{name}.csv")
        .open("r", encoding="utf-8") as handle
    ):
        raw = pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""])
    return validate_events(raw)
