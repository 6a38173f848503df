"""Test helpers for code that uses tensionindex.

* :func:`event` and :func:`events_between`: plain event records (no extra dependency);
* :func:`events`, :func:`event_records`, :func:`event_types`, :func:`configs`:
  hypothesis strategies that generate realistic events and configurations
  (need the test extra: ``pip install "tensionindex[test]"``).

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

from typing import Any

from tensionindex.testing.factory import event, events_between

__all__ = ["ACTORS", "configs", "event", "event_records", "event_types", "events", "events_between"]

_STRATEGIES = ("ACTORS", "configs", "event_records", "event_types", "events")


def __getattr__(name: str) -> Any:
    # The strategies load hypothesis: only when asked for, with an install hint.
    if name in _STRATEGIES:
        from tensionindex.exceptions import require

        require("hypothesis", extra="test", feature="tensionindex.testing")
        from tensionindex.testing import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'tensionindex.testing' has no attribute {name!r}")
