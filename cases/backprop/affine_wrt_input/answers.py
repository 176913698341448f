"""Assignment `backprop`, case 3, `affine_wrt_input`: ``dz_dx(W, b, x)`` with z_b = W x_b + b.

W (n, m), b (n,), x (B, m). The Jacobian has shape (B, n, m) and J[b, i, j] = W[i, j]: the
same matrix for every example, whatever x and b are. The notebook's and every hidden run's
sizes have n != m, so ``W.T`` always has the wrong shape, and no wrong answer can be a pure
transpose of the right values.
"""

# The answers are written as students write them: lambdas assigned to names.
# ruff: noqa: E731

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "transposed_axes",
        "extra_unit_axis",
        "unexpected_batch_axis",
        "jacobian_wrt_other_argument",
        "sign_flipped",
        "scaled",
        "reshaped_not_transposed",
        "function_instead_of_derivative",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "hardcoded_sizes",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 11, "output_dim": 3, "input_dim": 7},
    {"B": 6, "output_dim": 12, "input_dim": 25},
)


# --- right answers for dz_dx ---------------------------------------------------------------------


@right
def notebook_einsum(W, b, x):
    B = x.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), W)


@right
def einsum_with_eye(W, b, x):
    # chain: z = W x, dx/dx = I, so dz/dx = W @ I for each example
    B, m = x.shape
    return np.einsum("b,ik,kj->bij", np.ones(B), W, np.eye(m))


@right
def einsum_ones_like_x(W, b, x):
    return np.einsum("bk,ij->bij", np.ones_like(x[:, :1]), W)


@right
def broadcast_to(W, b, x):
    return np.broadcast_to(W, (x.shape[0],) + W.shape)


@right
def tile(W, b, x):
    return np.tile(W, (len(x), 1, 1))


@right
def repeat_newaxis(W, b, x):
    return np.repeat(W[np.newaxis, :, :], x.shape[0], axis=0)


@right
def ones_times_w(W, b, x):
    return np.ones((x.shape[0], 1, 1)) * W


@right
def zeros_plus_w(W, b, x):
    n, m = W.shape
    J = np.zeros((len(x), n, m))
    J += W            # broadcast over the batch axis
    return J


@right
def stack_copies(W, b, x):
    return np.stack([W.copy() for _ in x])


@right
def python_loops(W, b, x):
    B, input_dim = x.shape
    output_dim = len(b)
    J = np.zeros((B, output_dim, input_dim))
    for k in range(B):
        for i in range(output_dim):
            for j in range(input_dim):
                J[k, i, j] = W[i, j]     # dz_i / dx_j = W_ij
    return J


@right
def nested_list(W, b, x):
    rows = W.tolist()
    return [[list(row) for row in rows] for _ in range(len(x))]


@right
def kron(W, b, x):
    return np.kron(np.ones((x.shape[0], 1, 1)), W)


@right
def apply_along_axis(W, b, x):
    return np.apply_along_axis(lambda x_b: W, 1, x)   # one W per example


@right
def transpose_of_transposed(W, b, x):
    per_example_T = np.einsum("b,ji->bji", np.ones(len(x)), W.T)   # (B, m, n)
    return per_example_T.transpose(0, 2, 1)


@right
def moveaxis_from_batch_last(W, b, x):
    J = np.repeat(W[:, :, None], x.shape[0], axis=2)   # (n, m, B)
    return np.moveaxis(J, 2, 0)


@right
def float32(W, b, x):
    W32 = W.astype(np.float32)
    return np.einsum("b,ij->bij", np.ones(x.shape[0], dtype=np.float32), W32)


@right
def unit_step_differences(W, b, x):
    # z is affine in x: a difference quotient with any step is exact (up to rounding)
    W, b, x = (np.asarray(v, dtype=np.float64) for v in (W, b, x))
    z = lambda v: v @ W.T + b
    m = x.shape[1]
    columns = [(z(x + np.eye(m)[j]) - z(x - np.eye(m)[j])) / 2 for j in range(m)]
    return np.stack(columns, axis=-1)     # (B, n, m)


lambda_assignment = right(lambda W, b, x: np.broadcast_to(W[None], (len(x), *W.shape)).copy())


# --- wrong answers for dz_dx ---------------------------------------------------------------------


@wrong("transposed_axes")
def w_transposed_per_example(W, b, x):
    return np.einsum("b,ij->bji", np.ones(len(x)), W)   # (B, m, n)


@wrong("missing_batch_axis")
def w_alone(W, b, x):
    return np.array(W)     # (n, m): the same for every example, so no batch axis


@wrong("missing_batch_axis", undiagnosed=(
    "two mistakes at once, no batch axis and W transposed: (input_dim, output_dim) is no single "
    "rule's shape, and output_dim != input_dim at every size"))
def w_transposed_alone(W, b, x):
    return np.array(W).T   # "the gradient of W x is W^T"


@wrong("other")
def bias_included(W, b, x):
    return np.einsum("b,ij->bij", np.ones(len(x)), W + b[:, None])


@wrong("other")
def x_as_jacobian(W, b, x):
    # dz_i/dW_ij = x_j, confused with dz_i/dx_j
    return np.einsum("i,bj->bij", np.ones(W.shape[0]), x)


@wrong("other")
def w_times_x(W, b, x):
    return np.einsum("ij,bj->bij", W, x)    # the terms of the sum, not their derivative


@wrong("function_instead_of_derivative", expect="fails_shape")
def function_value(W, b, x):
    return np.einsum("ij,bj->bi", W, x) + b    # z itself, (B, n)


@wrong("identity", undiagnosed=(
    "checked by hand: output_dim != input_dim, so the Jacobian has no diagonal (output index = "
    "input index) and the identity rule only knows all ones; np.eye(n, m) is neither"))
def rectangular_identity(W, b, x):
    n, m = W.shape
    return np.broadcast_to(np.eye(n, m), (len(x), n, m))   # "dx/dx = I"


@wrong("all_zeros")
def zeros(W, b, x):
    # W and b are constants, so their derivative is zero
    return np.zeros((x.shape[0],) + W.shape)


@wrong("sign_flipped")
def backward_difference_quotient(W, b, x):
    x = np.asarray(x, dtype=np.float64)
    m = x.shape[1]
    z = lambda v: v @ W.T + b
    columns = [z(x) - z(x + np.eye(m)[j]) for j in range(m)]   # z(x) - z(x + e_j)
    return np.stack(columns, axis=-1)


@wrong("scaled")
def divided_by_batch(W, b, x):
    B = x.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), W) / B    # an average where none belongs


@wrong("reshaped_not_transposed")
def reshaped_from_w_transposed(W, b, x):
    n, m = W.shape
    J = np.einsum("b,ji->bji", np.ones(len(x)), W.T)   # (B, m, n)
    return J.reshape(len(x), n, m)                      # reshaped, not transposed


@wrong("some_examples_wrong")
def loop_misses_last_example(W, b, x):
    B = len(x)
    J = np.zeros((B,) + W.shape)
    for k in range(B - 1):
        J[k] = W
    return J


@wrong("unexpected_batch_axis", undiagnosed=(
    "(B, output_dim, B, input_dim) at the notebook's sizes is over the checks' size limit: "
    "refused as too large before any diagnosis, with the expected shape"))
def full_batched_jacobian(W, b, x):
    B = x.shape[0]
    return np.einsum("bc,ij->bicj", np.eye(B), W)   # z (B, n) w.r.t. x (B, m)


@wrong("batch_axis_misplaced")
def batch_last(W, b, x):
    return np.repeat(W[:, :, None], x.shape[0], axis=2)   # (n, m, B)


@wrong("extra_unit_axis")
def extra_unit_axis(W, b, x):
    return np.einsum("bk,ij->bkij", np.ones((len(x), 1)), W)   # (B, 1, n, m)


@wrong("hardcoded_sizes")
def hardcoded_batch(W, b, x):
    return np.tile(W, (256, 1, 1))


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_reshape(W, b, x):
    B = len(x)
    return np.tile(W, (B, 1)).reshape(B, 10, 20)   # the notebook's sizes typed in


# Written with the diagnosis of a derivative taken with respect to another argument.
@wrong("jacobian_wrt_other_argument")
def jacobian_wrt_weights(W, b, x):
    # dz_i / dW_jk = delta_ij x_k: the weights' Jacobian, not the input's
    return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)


@wrong("jacobian_wrt_other_argument")
def jacobian_wrt_bias(W, b, x):
    return np.broadcast_to(np.eye(len(b)), (len(x), len(b), len(b)))


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, output_dim, input_dim):
    return (B, output_dim, input_dim)


@right_prediction
def predicted_list(B, output_dim, input_dim):
    return [B, output_dim, input_dim]


@right_prediction
def predicted_from_parts(B, output_dim, input_dim):
    z_shape = (output_dim,)   # one example's output
    x_shape = (input_dim,)    # one example's input
    return (B,) + z_shape + x_shape


@right_prediction
def predicted_like_w_per_example(B, output_dim, input_dim):
    W_shape = (output_dim, input_dim)
    return (B, *W_shape)


@wrong_prediction("transposed_axes")
def predicted_transposed(B, output_dim, input_dim):
    return (B, input_dim, output_dim)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, output_dim, input_dim):
    return (output_dim, input_dim)


@wrong_prediction("function_instead_of_derivative")
def predicted_output_shape(B, output_dim, input_dim):
    return (B, output_dim)


@wrong_prediction("unexpected_batch_axis")
def predicted_full_batched(B, output_dim, input_dim):
    return (B, output_dim, B, input_dim)


@wrong_prediction("extra_unit_axis")
def predicted_unit_axis(B, output_dim, input_dim):
    return (B, 1, output_dim, input_dim)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, output_dim, input_dim):
    return (B, 10, 20)


@wrong_prediction("jacobian_wrt_other_argument")
def predicted_like_dz_dW(B, output_dim, input_dim):
    return (B, output_dim, output_dim, input_dim)
