import numpy as np
import pytest

from jacobian_checks.compare import (
    ATOL_FLOOR,
    ATOL_SCALE,
    RTOL,
    SAFETY,
    Reference,
    Tolerance,
    distinct_digits,
    excess,
    find_mismatch,
    format_mismatch,
    tolerance_for,
    too_coarse,
)
from jacobian_checks.layout import JacobianLayout

LAYOUT = JacobianLayout(batch=("B",), output=(1,), input=("D",))


def test_one_band_from_the_reference_error_and_scale_whatever_the_answers_dtype():
    reference = Reference(values=np.array([[[2.0, -4.0]]]), error=1e-9)
    assert tolerance_for(reference) == Tolerance(
        rtol=RTOL, atol=SAFETY * 1e-9 + ATOL_SCALE * 4.0 + ATOL_FLOOR * 4.0)


@pytest.mark.parametrize(("dtype", "coarse"), [
    (np.float16, True), (np.float32, False), (np.float64, False), (np.longdouble, False),
    (np.int64, False), (np.bool_, False)])
def test_only_a_float_type_coarser_than_the_band_is_too_coarse(dtype, coarse):
    assert too_coarse(np.dtype(dtype)) is coarse


def test_the_band_sits_between_float32_rounding_and_a_factor_1_plus_1e_3():
    values = np.linspace(-3.0, 3.0, 50).reshape(1, 5, 10)
    tolerance = tolerance_for(Reference(values=values, error=1e-9))
    float32_rounded = values.astype(np.float32).astype(np.float64)
    assert find_mismatch(float32_rounded, values, tolerance) is None
    for factor in (1 + 1e-3, 1 - 1e-3, 256 / 255):
        assert find_mismatch(values * factor, values, tolerance) is not None
    assert excess(values * (1 + 1e-3), values, tolerance) > 5
    assert excess(values, values, tolerance) == 0.0


def test_reports_show_enough_digits_to_tell_the_numbers_apart():
    assert distinct_digits(0.0425472001, 0.0425471999) == ("0.0425472001", "0.0425471999")
    assert distinct_digits(1.5, -2.0) == ("1.5", "-2")
    assert distinct_digits(0.25, 0.25) == ("0.25", "0.25")


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
        "Max absolute difference among mismatched entries: 4",
        "Max relative difference among mismatched entries: 2",
    ]
    hidden = format_mismatch(mismatch, LAYOUT, reveal_expected=False)
    assert "  batch (0,) | output (0,) | input (1,): yours 2" in hidden
    assert not any("expected -2" in line for line in hidden)


def test_relative_difference_is_nan_when_every_expected_entry_is_zero():
    mismatch = find_mismatch(np.ones(2), np.zeros(2), Tolerance(rtol=1e-6, atol=1e-9))
    assert np.isnan(mismatch.max_rel)


def test_the_differences_reported_are_those_of_the_mismatched_entries_only():
    """Entries off the diagonal wrong, the diagonal right: the report must not print the
    diagonal's tiny relative difference as if it were the failure's."""
    expected = np.array([[[0.25, 0.0], [0.0, 0.2]]])
    yours = np.array([[[0.25 * (1 + 1e-12), 0.5], [0.5, 0.2]]])
    mismatch = find_mismatch(yours, expected, Tolerance(rtol=1e-6, atol=1e-9))
    assert (mismatch.count, mismatch.max_abs) == (2, 0.5)
    assert np.isnan(mismatch.max_rel)
    assert format_mismatch(mismatch, JacobianLayout(("B",), ("D",), ("D",)))[-2:] == [
        "Max absolute difference among mismatched entries: 0.5",
        "Max relative difference among mismatched entries: none, all are expected to be "
        "about 0"]


def test_shapes_must_match_exactly_no_broadcasting():
    with pytest.raises(ValueError, match="shapes differ"):
        find_mismatch(np.zeros(()), np.zeros((3, 2)), Tolerance(rtol=1e-6, atol=1e-9))
