import numpy as np
import pytest

from jacobian_checks.compare import (
    ATOL_FLOOR,
    RTOL,
    SAFETY,
    Reference,
    Tolerance,
    find_mismatch,
    format_mismatch,
    tolerance_for,
)
from jacobian_checks.layout import JacobianLayout

LAYOUT = JacobianLayout(batch=("B",), output=(1,), input=("D",))


def test_tolerance_comes_from_the_reference_error_and_the_answer_precision():
    reference = Reference(values=np.array([[[2.0, -4.0]]]), error=1e-9)
    float64 = tolerance_for(reference, np.dtype(np.float64))
    assert float64 == Tolerance(rtol=RTOL, atol=SAFETY * 1e-9 + ATOL_FLOOR * 4.0)
    float32 = tolerance_for(reference, np.dtype(np.float32))
    eps32 = float(np.finfo(np.float32).eps)
    assert float32.rtol == pytest.approx(RTOL + 4 * eps32)
    assert float32.atol == pytest.approx(float64.atol + 64 * eps32 * 4.0)


def test_a_true_zero_passes_against_a_finite_difference_rounding_residue():
    tolerance = Tolerance(rtol=1e-6, atol=4e-9)
    assert find_mismatch(np.zeros(3), np.array([1e-10, -2e-9, 0.0]), tolerance) is None


def test_comparison_is_relative_to_the_reference():
    tolerance = Tolerance(rtol=0.1, atol=0.0)
    # The same pair, either way round: 0.095 <= 0.1 * 1.0 passes, 0.095 > 0.1 * 0.905 fails.
    assert find_mismatch(np.array([0.905]), np.array([1.0]), tolerance) is None
    assert find_mismatch(np.array([1.0]), np.array([0.905]), tolerance) is not None


def test_mismatch_counts_and_orders_the_worst_entries():
    expected = np.arange(1.0, 11.0).reshape(2, 1, 5)
    yours = expected.copy()
    yours[0, 0, 1] += 0.5
    yours[1, 0, 3] -= 3.0
    mismatch = find_mismatch(yours, expected, Tolerance(rtol=1e-6, atol=1e-9))
    assert mismatch is not None
    assert (mismatch.count, mismatch.total) == (2, 10)
    assert [e.index for e in mismatch.worst] == [(1, 0, 3), (0, 0, 1)]
    assert mismatch.max_abs == 3.0
    assert mismatch.max_rel == pytest.approx(3.0 / 9.0)


def test_report_is_numpy_style_and_can_hide_expected_values():
    expected = np.array([[[1.0, -2.0]]])
    mismatch = find_mismatch(-expected, expected, Tolerance(rtol=1e-6, atol=2e-9))
    assert format_mismatch(mismatch, LAYOUT) == [
        "Not equal to the finite-difference Jacobian within rtol=1e-06, atol=2e-09.",
        "Mismatched entries: 2 / 2 (100%)",
        "Largest differences (batch | output | input):",
        "  batch (0,) | output (0,) | input (1,): yours 2 vs expected -2",
        "  batch (0,) | output (0,) | input (0,): yours -1 vs expected 1",
        "Max absolute difference: 4",
        "Max relative difference: 2",
    ]
    hidden = format_mismatch(mismatch, LAYOUT, reveal_expected=False)
    assert "  batch (0,) | output (0,) | input (1,): yours 2" in hidden
    assert not any("expected -2" in line for line in hidden)


def test_relative_difference_is_nan_when_every_expected_entry_is_zero():
    mismatch = find_mismatch(np.ones(2), np.zeros(2), Tolerance(rtol=1e-6, atol=1e-9))
    assert np.isnan(mismatch.max_rel)


def test_shapes_must_match_exactly_no_broadcasting():
    with pytest.raises(ValueError, match="shapes differ"):
        find_mismatch(np.zeros(()), np.zeros((3, 2)), Tolerance(rtol=1e-6, atol=1e-9))
