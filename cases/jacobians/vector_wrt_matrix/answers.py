"""Case 3, `vector_wrt_matrix`: ``dyhat_dW(W, x)`` with W (n, m) and x (B, m), yhat_b = W x_b.

The Jacobian has shape (B, n, n, m) and J[b, i, j, k] = delta_ij * x[b, k].  It is symmetric in
its two output-sized axes (i, j), so swapping them is *not* a mistake.
"""

# The answers are written as students write them: names like l, variables assigned and never used.
# ruff: noqa: E741, F841

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "transposed_axes",
        "extra_unit_axis",
        "elementwise_instead_of_diagonal",
        "sign_flipped",
        "scaled",
        "function_instead_of_derivative",
        "diagonal_only",
        "off_diagonal_only",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "reshaped_not_transposed",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 13, "output_dim": 3, "input_dim": 7},
    {"B": 5, "output_dim": 8, "input_dim": 2},
)


# --- right answers for dyhat_dW ------------------------------------------------------------------


@right
def document_einsum(W, x):
    output_dim = W.shape[0]
    dyhat_dW = np.einsum(
      "ij,bk->bijk",
      np.eye(output_dim),
      x)  # Shape: (B, output_dim, output_dim, input_dim)
    return dyhat_dW


@right
def einsum_other_letters(W, x):
    return np.einsum("bq,op->bopq", x, np.eye(len(W)))


@right
def eye_broadcast_none(W, x):
    n = W.shape[0]
    return np.eye(n)[None, :, :, None] * x[:, None, None, :]


@right
def eye_broadcast_newaxis(W, x):
    I = np.eye(W.shape[0])
    return I[np.newaxis, :, :, np.newaxis] * x[:, np.newaxis, np.newaxis, :]


@right
def expand_dims(W, x):
    eye = np.expand_dims(np.eye(W.shape[0]), axis=(0, 3))   # (1, n, n, 1)
    xs = np.expand_dims(x, axis=(1, 2))                      # (B, 1, 1, m)
    return eye * xs


@right
def reshape(W, x):
    n, m = W.shape
    B = x.shape[0]
    return np.eye(n).reshape(1, n, n, 1) * x.reshape(B, 1, 1, m)


@right
def loops_every_index(W, x):
    B, input_dim = x.shape
    output_dim = W.shape[0]
    J = np.zeros((B, output_dim, output_dim, input_dim))
    for b in range(B):
        for i in range(output_dim):
            for j in range(output_dim):
                if i != j:
                    continue
                for k in range(input_dim):
                    J[b, i, j, k] = x[b, k]
    return J


@right
def loop_over_rows(W, x):
    n, m = W.shape
    J = np.zeros((x.shape[0], n, n, m))
    for i in range(n):
        J[:, i, i, :] = x   # yhat_i only depends on row i of W
    return J


@right
def kron_per_example(W, x):
    n, m = W.shape
    J = np.empty((x.shape[0], n, n, m))
    for b in range(x.shape[0]):
        J[b] = np.kron(np.eye(n), x[b]).reshape(n, n, m)
    return J


@right
def kron_batched(W, x):
    n, m = W.shape
    B = len(x)
    return np.kron(np.eye(n), x[:, None, :]).reshape(B, n, n, m)


@right
def multiply_outer_transpose(W, x):
    J = np.multiply.outer(x, np.eye(W.shape[0]))   # (B, m, n, n)
    return J.transpose(0, 2, 3, 1)                  # (B, n, n, m)


@right
def tensordot_moveaxis(W, x):
    J = np.tensordot(x, np.eye(W.shape[0]), axes=0)  # (B, m, n, n)
    return np.moveaxis(J, 1, -1)


@right
def stack_per_example(W, x):
    I = np.eye(W.shape[0])
    return np.stack([I[:, :, None] * xb[None, None, :] for xb in x])


@right
def einsum_diagonal_write(W, x):
    n, m = W.shape
    J = np.zeros((x.shape[0], n, n, m))
    np.einsum("biik->bik", J)[...] = x[:, None, :]
    return J


@right
def float32(W, x):
    x32 = x.astype(np.float32)
    I = np.eye(W.shape[0], dtype=np.float32)
    return np.einsum("ij,bk->bijk", I, x32)


@right
def nested_list(W, x):
    n, m = W.shape
    return [
        [[[xb[k] if i == j else 0.0 for k in range(m)] for j in range(n)] for i in range(n)]
        for xb in x.tolist()
    ]


@right
def index_calculus(W, x):
    # yhat_i = sum_j W_ij x_j  =>  d yhat_i / d W_pq = sum_j delta_ip delta_jq x_j
    n, m = W.shape
    return np.einsum("ip,jq,bj->bipq", np.eye(n), np.eye(m), x)


@right
def swapped_symmetric_axes(W, x):
    # axes 1 and 2 written the other way round: fine, delta_ij is symmetric
    return np.einsum("ij,bk->bjik", np.eye(W.shape[0]), x)


@right
def matmul_broadcast(W, x):
    I = np.eye(W.shape[0])[None, :, :, None]     # (1, n, n, 1)
    return I @ x[:, None, None, :]                # (B, n, n, m)


@right
def tile(W, x):
    n = W.shape[0]
    tiled = np.tile(x[:, None, None, :], (1, n, n, 1))
    return tiled * np.identity(n)[:, :, None]


@right
def debug_print(W, x):
    print("W", W.shape, "x", x.shape)
    J = np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
    print("J", J.shape)
    return J


# --- wrong answers for dyhat_dW ------------------------------------------------------------------


@wrong("hardcoded_sizes")
def document_hardcoded_output_dim(W, x):
    output_dim = 10
    dyhat_dW = np.einsum(
      "ij,bk->bijk",
      np.eye(output_dim),
      x)  # Shape: (B, output_dim, output_dim, input_dim)
    return dyhat_dW


OUTPUT_DIM = 10  # the notebook's output_dim, typed in once for every cell


@wrong("hardcoded_sizes")
def output_dim_as_a_constant(W, x):
    return np.einsum("ij,bk->bijk", np.eye(OUTPUT_DIM), x)


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_zeros(W, x):
    J = np.zeros((256, 10, 10, 20))
    for i in range(10):
        J[:, i, i, :] = x
    return J


@wrong("elementwise_instead_of_diagonal")
def dropped_delta_axis(W, x):
    # d yhat_i / d W_ik = x_k
    B, m = x.shape
    return np.broadcast_to(x[:, None, :], (B, W.shape[0], m))


@wrong("missing_batch_axis")
def averaged_over_batch(W, x):
    return np.einsum("ij,k->ijk", np.eye(W.shape[0]), x.mean(axis=0))


@wrong("missing_batch_axis")
def first_example_only(W, x):
    return np.einsum("ij,k->ijk", np.eye(W.shape[0]), x[0])


@wrong("transposed_axes")
def input_axes_swapped(W, x):
    return np.einsum("ij,bk->bikj", np.eye(W.shape[0]), x)  # (B, n, m, n)


@wrong("transposed_axes")
def multiply_outer_no_transpose(W, x):
    return np.multiply.outer(x, np.eye(W.shape[0]))  # (B, m, n, n)


@wrong("batch_axis_misplaced")
def batch_last(W, x):
    return np.einsum("ij,bk->ijkb", np.eye(W.shape[0]), x)


@wrong("extra_unit_axis")
def yhat_as_column(W, x):
    # yhat = W @ x is an (n, 1) column vector
    n = W.shape[0]
    return np.einsum("ij,bk->bijk", np.eye(n), x)[:, :, None, :, :]


@wrong("function_instead_of_derivative", expect="fails_shape")
def returned_yhat(W, x):
    return x @ W.T


@wrong("diagonal_only")
def ones_instead_of_eye(W, x):
    n = W.shape[0]
    return np.einsum("ij,bk->bijk", np.ones((n, n)), x)


@wrong("off_diagonal_only")
def diagonal_filled_with_x_i(W, x):
    n, m = W.shape
    J = np.zeros((x.shape[0], n, n, m))
    for i in range(n):
        J[:, i, i, :] = x[:, i:i + 1]
    return J


@wrong("identity")
def eye_without_x(W, x):
    n, m = W.shape
    return np.broadcast_to(np.eye(n)[None, :, :, None], (x.shape[0], n, n, m))


@wrong("all_zeros")
def zeros(W, x):
    n, m = W.shape
    return np.zeros((len(x), n, n, m))


@wrong("sign_flipped")
def negated(W, x):
    return -np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)


@wrong("scaled")
def divided_by_batch(W, x):
    return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x) / len(x)


@wrong("some_examples_wrong")
def first_example_broadcast(W, x):
    n, m = W.shape
    J0 = np.einsum("ij,k->ijk", np.eye(n), x[0])
    return np.broadcast_to(J0, (x.shape[0], n, n, m))


@wrong("batch_permuted")
def reversed_batch(W, x):
    return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x[::-1])


@wrong("off_diagonal_only")
def used_w_instead_of_x(W, x):
    n, m = W.shape
    J = np.einsum("ij,jk->ijk", np.eye(n), W)
    return np.broadcast_to(J, (x.shape[0], n, n, m))


@wrong("reshaped_not_transposed")
def reshape_instead_of_transpose(W, x):
    n, m = W.shape
    J = np.multiply.outer(x, np.eye(n))   # (B, m, n, n)
    return J.reshape(len(x), n, n, m)


@wrong("other", expect="fails_shape")
def forgot_return(W, x):
    dyhat_dW = np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)


@wrong("off_diagonal_only")
def loop_misses_last_row(W, x):
    n, m = W.shape
    J = np.zeros((len(x), n, n, m))
    for i in range(n - 1):
        J[:, i, i, :] = x
    return J


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, output_dim, input_dim):
    return (B, output_dim, output_dim, input_dim)


@right_prediction
def predicted_list(B, output_dim, input_dim):
    return [B, output_dim, output_dim, input_dim]


@right_prediction
def predicted_from_parts(B, output_dim, input_dim):
    yhat_shape = (output_dim,)
    W_shape = (output_dim, input_dim)
    return (B, *yhat_shape, *W_shape)


@right_prediction
def predicted_tuple_of_list(B, output_dim, input_dim):
    return tuple([B] + [output_dim] * 2 + [input_dim])


@wrong_prediction("elementwise_instead_of_diagonal")
def predicted_no_delta_axis(B, output_dim, input_dim):
    return (B, output_dim, input_dim)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, output_dim, input_dim):
    return (output_dim, output_dim, input_dim)


@wrong_prediction("transposed_axes")
def predicted_w_transposed(B, output_dim, input_dim):
    return (B, output_dim, input_dim, output_dim)


@wrong_prediction("transposed_axes")
def predicted_input_first(B, output_dim, input_dim):
    return (B, input_dim, output_dim, output_dim)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded_output_dim(B, output_dim, input_dim):
    return (B, 10, 10, input_dim)
