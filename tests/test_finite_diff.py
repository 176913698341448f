"""Finite-difference Jacobians against analytic ones."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.finite_diff import numerical_jacobian, numerical_jacobian_per_example

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(in_shape=shapes, out_shape=shapes, seed=seeds)
def test_linear_map_has_its_matrix_as_jacobian(in_shape, out_shape, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal(out_shape + in_shape)
    x = rng.standard_normal(in_shape)
    axes = len(in_shape)

    result = numerical_jacobian(lambda v: np.tensordot(A, v, axes=axes), x)

    assert result.values.shape == out_shape + in_shape
    true_error = np.max(np.abs(result.values - A))
    assert true_error <= result.error, "the error estimate must bound the actual error"
    assert result.error < 1e-6 * max(1.0, np.max(np.abs(A)))


@settings(max_examples=40, deadline=None)
@given(batch=st.integers(1, 5), in_shape=shapes, out_shape=shapes, seed=seeds)
def test_random_einsum_contraction_per_example(batch, in_shape, out_shape, seed):
    """f(x)_b = A . x_b (a contraction over the input axes), so J[b] = A for every b."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal(out_shape + in_shape)
    x = rng.standard_normal((batch,) + in_shape)
    letters = "ijklmn"
    out_sub, in_sub = letters[:len(out_shape)], letters[3:3 + len(in_shape)]
    subscripts = f"{out_sub}{in_sub},b{in_sub}->b{out_sub}"

    result = numerical_jacobian_per_example(lambda v: np.einsum(subscripts, A, v), x)

    expected = np.broadcast_to(A, (batch,) + A.shape)
    np.testing.assert_allclose(result.values, expected, rtol=0, atol=4 * result.error + 1e-12)


@settings(max_examples=30, deadline=None)
@given(batch=st.integers(1, 6), width=st.integers(1, 6), seed=seeds)
def test_elementwise_function_has_a_diagonal_jacobian(batch, width, seed):
    rng = np.random.default_rng(seed)
    h = 3 * rng.standard_normal((batch, width))

    result = numerical_jacobian_per_example(np.tanh, h)

    expected = np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(width))
    true_error = np.max(np.abs(result.values - expected))
    assert true_error <= result.error, "the error estimate must bound the actual error"
    assert result.error < 1e-8


def test_quadratic_with_large_inputs_uses_a_relative_step():
    x = np.array([1e6, -3e5, 2.0])
    result = numerical_jacobian(lambda v: np.array([0.5 * v @ v]), x)
    np.testing.assert_allclose(result.values, x[None, :], rtol=1e-9)


def test_scalar_output_gives_input_shaped_jacobian():
    x = np.arange(6.0).reshape(2, 3)
    result = numerical_jacobian(lambda v: np.sum(v**2), x)
    assert result.values.shape == (2, 3)
    np.testing.assert_allclose(result.values, 2 * x, atol=1e-8)


def test_callers_arrays_are_never_modified_and_integers_are_fine():
    x = np.arange(4)
    before = x.copy()
    seen = []

    def f(v):
        seen.append(v.dtype)
        return v * 3

    result = numerical_jacobian(f, x)
    np.testing.assert_array_equal(x, before)
    assert x.dtype == before.dtype
    assert set(seen) == {np.dtype(np.float64)}
    np.testing.assert_allclose(result.values, 3 * np.eye(4), atol=1e-8)


def test_a_function_returning_a_view_of_its_input_is_handled():
    x = np.array([1.0, 2.0])
    result = numerical_jacobian(lambda v: v, x)
    np.testing.assert_allclose(result.values, np.eye(2), atol=1e-9)


def test_per_example_costs_two_evaluations_per_input_coordinate_and_step():
    calls = []

    def f(v):
        calls.append(v.shape)
        return 2 * v

    numerical_jacobian_per_example(f, np.ones((100, 3)))
    # 2 evaluations x 3 coordinates x 2 step sizes, plus 1 for the rounding scale;
    # not proportional to the batch size.
    assert len(calls) == 2 * 3 * 2 + 1


def test_per_example_requires_the_batch_axis_to_be_kept():
    with pytest.raises(ValueError, match="keep the batch axis"):
        numerical_jacobian_per_example(lambda v: v.sum(axis=0, keepdims=True), np.ones((4, 2)))


def test_empty_input_is_an_error():
    with pytest.raises(ValueError, match="empty input"):
        numerical_jacobian(lambda v: v, np.ones(0))
