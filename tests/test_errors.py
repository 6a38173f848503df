"""Errors reachable through the public API are the library's own, naming the value."""

from __future__ import annotations

import pytest

import tensionindex as ti
from tensionindex.exceptions import InvalidParameterError


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (ti.IndexConfig(), dict, r"The 'b' parameter of diff must be an IndexConfig"),
        ({"half_life": 3}, ti.IndexConfig(), r"The 'a' parameter of diff .* Got \{'half_life"),
    ],
)
def test_diff_names_the_argument_that_is_not_a_configuration(
    a: object, b: object, match: str
) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        ti.diff(a, b)  # type: ignore[arg-type]
