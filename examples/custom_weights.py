"""Tuning the index: a custom event type, a category multiplier, a new half-life.

Starts from the default configuration (the ``goldstein`` profile), adds an
event type of our own, makes gray-zone incidents count more, shortens the
half-life with ``dataclasses.replace``, saves the result as TOML, reloads it,
lists what changed with ``ti.diff`` and compares the CHN-PHL index under both
configurations.  The events are scored once per configuration
(``ti.score``); a one-off change of settings re-scores them with
``with_config`` without validating them again.  Every result carries the
fingerprint of the configuration that produced it.

Run it from the repository root::

    python examples/custom_weights.py
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd

import tensionindex as ti


def main() -> None:
    base = ti.IndexConfig()

    # 1. An event type of our own, and a heavier weight for gray-zone incidents.
    #    In the bundled example the July 2024 provisional arrangement on
    #    resupply missions to Second Thomas Shoal (ex-051) is coded as
    #    `cooperation_pledged` (weight -3.0); the two sides describe its terms
    #    differently, so here it gets a type and a smaller weight of its own.
    tuned = ti.IndexConfig(
        custom_types={
            "provisional_arrangement": ti.EventTypeSpec(
                label="A provisional arrangement whose terms the two sides describe differently",
                category="agreement",
                weight=-1.5,
            )
        },
        category_multipliers={"gray_zone": 1.5},
        weights={"agreement_signed": -10.0},  # default: -8.0 (minus Goldstein of CAMEO 057)
    )

    # 2. Configurations are frozen values: change one setting with
    #    dataclasses.replace, which validates again.
    tuned = dataclasses.replace(
        tuned,
        half_life=14.0,
        name="gray-zone-heavy",
        description="Gray-zone incidents x1.5, half-life 14 days, a disputed-arrangement type.",
    )

    print("Weights in force for the types we touched:")
    table = ti.taxonomy(tuned).set_index("event_type")
    touched = [
        "provisional_arrangement",
        "cooperation_pledged",
        "water_cannon",
        "ramming",
        "agreement_signed",
    ]
    print(table.loc[touched, ["category", "weight", "category_multiplier"]].to_string())
    print()

    # 3. Typos never pass silently.
    try:
        ti.IndexConfig(weights={"water_canon": 9.0})
    except ti.ConfigurationError as error:
        print(f"A misspelt type is refused:\n  {error}\n")

    # 4. Save as TOML, read it back: same settings, same fingerprint.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gray-zone-heavy.toml"
        tuned.to_toml(path)
        print(f"Saved {path.name}:")
        print(path.read_text(encoding="utf-8"))
        reloaded = ti.load_config(path)
    print(
        f"Reloaded: equal to the original: {reloaded == tuned}; "
        f"fingerprint {reloaded.fingerprint} (original {tuned.fingerprint})\n"
    )

    # 5. What differs from the default?
    print("ti.diff(default, tuned), one line per setting (default -> tuned):")
    for row in ti.diff(base, tuned).itertuples():
        print(f"  {row.setting}: {row.a!r} -> {row.b!r}")
    print()

    # 6. Score the example under both configurations.  The custom type must be
    #    known to the configuration that validates the events, so the recoded
    #    events are scored with `tuned` only.
    events = ti.load_example("us-china-2024")
    recoded = events.astype({"event_type": str})
    recoded.loc[recoded["event_id"] == "ex-051", "event_type"] = "provisional_arrangement"

    scored = ti.score(events, base)
    before = scored.index(dyads="CHN-PHL")
    after = ti.score(recoded, tuned).index(dyads="CHN-PHL")
    print(
        f"CHN-PHL month-end stability, default (fingerprint "
        f"{before.attrs['tensionindex']['fingerprint']}) vs tuned "
        f"({after.attrs['tensionindex']['fingerprint']}):"
    )
    both = pd.DataFrame(
        {
            "default": before.set_index("date")["stability"],
            "tuned": after.set_index("date")["stability"],
        }
    )
    # Read CHN-PHL only over the span the example monitors it (2023-01 on).
    span = ti.example_spans("us-china-2024").set_index("dyad").loc["CHN-PHL"]
    both = both.loc[span["start"] : span["end"]]
    month_end = both.groupby(both.index.to_period("M")).last()
    print(month_end.round(1).to_string())
    print()

    # 7. The same change as one-off overrides of the scored events: weights and
    #    kernels are resolved again, the events are not validated again.
    quick = scored.with_config(half_life=14.0, category_multipliers={"gray_zone": 1.5}).index(
        dyads="CHN-PHL"
    )
    print(
        "Overrides give a configuration of their own: fingerprint "
        f"{quick.attrs['tensionindex']['fingerprint']}, lowest CHN-PHL stability "
        f"{quick['stability'].min():.1f} (default {before['stability'].min():.1f})."
    )


if __name__ == "__main__":
    main()
