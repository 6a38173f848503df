"""Kernel objects: their JSON form, and carries that stand for the past exactly.

The oracle is the naive sum T(t) = sum over events of s * K(t - day), one
loop over events and days.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tensionindex.kernels import KERNELS, Exponential, Kernel, Window, kernel_from_dict

KERNEL_CASES: list[Kernel] = [Exponential(1.0), Exponential(9.5), Window(1), Window(7)]


def _naive(
    kernel: Kernel, dyad: np.ndarray, day: np.ndarray, signal: np.ndarray, n_dyads: int, n_days: int
) -> np.ndarray:
    tension = np.zeros((n_dyads, n_days))
    for d, t, s in zip(dyad, day, signal, strict=True):
        for today in range(n_days):
            tension[d, today] += s * float(kernel.weight(np.array([today - t]))[0])
    return tension


def _cells(seed: int, n: int = 60, n_dyads: int = 4, first: int = -40, last: int = 20):
    rng = np.random.default_rng(seed)
    dyad = rng.integers(0, n_dyads, n)
    day = rng.integers(first, last, n)
    signal = rng.normal(0, 5, n).round(2)
    return dyad, day, signal


@pytest.mark.parametrize("kernel", KERNEL_CASES, ids=repr)
def test_to_dict_holds_the_name_and_settings_only_and_reads_back(kernel: Kernel) -> None:
    saved = kernel.to_dict()
    assert set(saved) == {"name", *(f for f in ("half_life", "window") if hasattr(kernel, f))}
    assert saved["name"] in KERNELS
    assert kernel_from_dict(json.loads(json.dumps(saved))) == kernel


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kernel", KERNEL_CASES, ids=repr)
def test_from_events_with_events_before_the_grid_equals_the_naive_sum(
    kernel: Kernel, seed: int
) -> None:
    dyad, day, signal = _cells(seed)
    got = kernel.from_events(dyad, day, signal, n_dyads=4, n_days=20)
    np.testing.assert_allclose(got, _naive(kernel, dyad, day, signal, 4, 20), atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("anchor", [-1, -5, -30])
@pytest.mark.parametrize("kernel", KERNEL_CASES, ids=repr)
def test_the_compressed_carry_gives_the_same_later_tension(
    kernel: Kernel, anchor: int, seed: int
) -> None:
    """Cells up to ``anchor``, compressed, give what they give themselves on a later grid."""
    dyad, day, signal = _cells(seed, last=0)
    past = day <= anchor
    carry = kernel.compress(dyad[past], day[past], signal[past], anchor)
    assert all(len(part) <= past.sum() for part in carry)
    assert (carry[1] <= anchor).all()
    # A later grid starting after the anchor (days relative to the grid's first day).
    shift = anchor + 1
    later = ~past
    both = [np.concatenate([c, x[later]]) for c, x in zip(carry, (dyad, day, signal), strict=True)]
    got = kernel.from_events(both[0], both[1] - shift, both[2], n_dyads=4, n_days=40)
    expected = kernel.from_events(dyad, day - shift, signal, n_dyads=4, n_days=40)
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_compress_is_as_small_as_the_kernel_allows() -> None:
    dyad = np.array([0, 0, 1, 1, 1])
    day = np.array([-9, -3, -8, -2, -1])
    signal = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    # Exponential: one value per dyad, dated on the anchor.
    codes, days, values = Exponential(2.0).compress(dyad, day, signal, -1)
    assert codes.tolist() == [0, 1] and days.tolist() == [-1, -1]
    np.testing.assert_allclose(values, [1 * 2**-4 + 2 * 2**-1, 3 * 2**-3.5 + 4 * 2**-0.5 + 5])
    # Window: the cells still inside the window after the anchor.
    codes, days, values = Window(3).compress(dyad, day, signal, -1)
    assert (codes.tolist(), days.tolist(), values.tolist()) == ([0, 1, 1], [-3, -2, -1], [2, 4, 5])
    # Nothing to carry.
    none = np.zeros(0, np.int64)
    for kernel in (Exponential(2.0), Window(3)):
        assert all(len(part) == 0 for part in kernel.compress(none, none, np.zeros(0), 5))


def test_decay_over_is_the_ratio_of_weights_for_every_age() -> None:
    # Without memory, K(D + span) / K(D) is one factor whatever the age D.
    kernel = Exponential(21.0)
    age = np.arange(0, 400, 7)
    for span in (1, 5, 60):
        factor = kernel.decay_over(np.array([span]))
        assert factor is not None
        np.testing.assert_allclose(
            kernel.weight(age + span) / kernel.weight(age), factor[0], rtol=1e-12
        )
    np.testing.assert_allclose(kernel.decay_over(np.array([0, 21, 42])), [1.0, 0.5, 0.25])


def test_a_kernel_with_memory_has_no_decay_factor() -> None:
    # A window weight stays 1, then drops to 0: the change depends on the age.
    assert Window(30).decay_over(np.array([1, 10])) is None
