"""Hypothesis strategies for testing code that uses tensionindex.

Needs the test extra: ``pip install "tensionindex[test]"``.

Examples
--------
>>> from hypothesis import given, settings
>>> import tensionindex as ti
>>> from tensionindex.testing import configs, events
>>> @settings(max_examples=10)
... @given(events(max_size=10), configs())
... def test_bounded(frame, config):
...     stability = ti.stability_index(frame, config)["stability"]
...     assert stability.between(0, 100).all()
>>> test_bounded()
"""

from __future__ import annotations

from tensionindex.exceptions import require

require("hypothesis", extra="test", feature="tensionindex.testing")

from tensionindex.testing.strategies import (  # noqa: E402 - after the dependency check
    ACTORS,
    configs,
    event_records,
    event_types,
    events,
)

__all__ = ["ACTORS", "configs", "event_records", "event_types", "events"]
