"""Kernel objects: their JSON form, and carries that stand for the past exactly.

The oracle is the naive sum T(t) = sum over events of s * K(t - day), one
loop over events and days.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tensionindex.kernels import (
    KERNELS,
    Carried,
    CarryOver,
    Exponential,
    Kernel,
    Window,
    decayed_cumsum,
    kernel_from_dict,
)

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
@pytest.mark.parametrize("kernel", [*KERNEL_CASES, CarryOver(6.0)], ids=repr)
def test_the_compressed_carry_gives_the_same_later_tension(
    kernel: Kernel, anchor: int, seed: int
) -> None:
    """Cells up to ``anchor``, compressed, give what they give themselves on a later grid."""
    dyad, day, signal = _cells(seed, last=0)
    past = day <= anchor
    carry = kernel.compress(dyad[past], day[past], signal[past], anchor)
    assert len(carry.day) <= past.sum() + 4  # at most one value per dyad besides the cells
    assert (carry.day <= anchor).all()
    # A later grid starting after the anchor.
    shift, later = anchor + 1, ~past
    got = kernel.resume(
        carry, dyad[later], day[later], signal[later], first_day=shift, n_dyads=4, n_days=40
    )
    expected = kernel.from_events(dyad, day - shift, signal, n_dyads=4, n_days=40)
    np.testing.assert_allclose(got, expected, atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("half_life", [0.04, 0.3, 2.0, 30.0, 1e4])
def test_a_carry_resumes_the_exponential_scan_bit_for_bit(half_life: float, seed: int) -> None:
    """Compressed at any anchors, then resumed: the bits of one scan over all the days.

    The scan's blocks start on fixed days (multiples of their length from
    1970-01-01) and the carry holds the value carried into the anchor's block
    and the cells since, so the resumed scan repeats the same operations.
    """
    rng = np.random.default_rng(seed)
    origin = int(rng.integers(-20_000, 20_000))
    dyad, day, signal = _cells(seed, n=200, first=origin, last=origin + 400)
    kernel = Exponential(half_life)
    first, last = int(day.min()), int(day.max())
    whole = kernel.from_events(
        dyad, day - first, signal, n_dyads=4, n_days=last - first + 1, first_day=first
    )
    anchors = sorted(int(a) for a in rng.choice(np.arange(first, last), 3, replace=False))
    carry, since = Carried(*(np.zeros(0, np.int64),) * 2, np.zeros(0), None), first - 1
    for anchor in anchors:
        new = (day > since) & (day <= anchor)
        carry = kernel.compress(
            np.concatenate([carry.dyad, dyad[new]]),
            np.concatenate([carry.day, day[new]]),
            np.concatenate([carry.value, signal[new]]),
            anchor,
            carry.start,
        )
        since = anchor
        later = day > anchor
        got = kernel.resume(
            carry,
            dyad[later],
            day[later],
            signal[later],
            first_day=anchor + 1,
            n_dyads=4,
            n_days=last - anchor,
        )
        np.testing.assert_array_equal(got, whole[:, anchor + 1 - first :])


def test_compress_is_as_small_as_the_kernel_allows() -> None:
    dyad = np.array([0, 0, 1, 1, 1])
    day = np.array([-9, -3, -8, -2, -1])
    signal = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    # Exponential: the value carried into the anchor's block (it starts on day 0,
    # a multiple of 64), one per dyad, dated the day before; no cells since.
    codes, days, values, start = Exponential(2.0).compress(dyad, day, signal, -1)
    assert codes.tolist() == [0, 1] and days.tolist() == [-1, -1] and start == 0
    np.testing.assert_allclose(values, [1 * 2**-4 + 2 * 2**-1, 3 * 2**-3.5 + 4 * 2**-0.5 + 5])
    # Mid-block: the value on the day before the block's start, and the cells since.
    codes, days, values, start = Exponential(2.0).compress(dyad, day + 70, signal, 69)
    assert start == 64 and days.tolist() == [63, 63, 67, 68, 69]
    np.testing.assert_allclose(values[:2], [1 * 2**-1, 3 * 2**-0.5])
    # Window: the cells still inside the window after the anchor.
    codes, days, values, start = Window(3).compress(dyad, day, signal, -1)
    assert (codes.tolist(), days.tolist(), values.tolist()) == ([0, 1, 1], [-3, -2, -1], [2, 4, 5])
    assert start is None
    # Nothing to carry.
    none = np.zeros(0, np.int64)
    for kernel in (Exponential(2.0), Window(3)):
        assert all(len(part) == 0 for part in kernel.compress(none, none, np.zeros(0), 5)[:3])


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


@pytest.mark.parametrize("first_day", [0, 7, -1000])
def test_the_scan_gives_the_same_bits_for_a_dyad_alone_or_among_many(first_day: int) -> None:
    # Many dyads over few blocks take the blocks one at a time, one dyad over many
    # blocks all blocks at once: the same operations on each value, so the same bits.
    x = np.random.default_rng(first_day + 1000).normal(0, 5, (300, 3000))
    together = decayed_cumsum(x.copy(), 5.0, first_day=first_day)
    alone = np.vstack([decayed_cumsum(row[None, :].copy(), 5.0, first_day=first_day) for row in x])
    np.testing.assert_array_equal(together, alone)
    # And the naive recursion, to rounding.
    a, expected = 2 ** (-1 / 5.0), x.copy()
    for t in range(1, x.shape[1]):
        expected[:, t] += a * expected[:, t - 1]
    np.testing.assert_allclose(together, expected, rtol=1e-12, atol=1e-12)
